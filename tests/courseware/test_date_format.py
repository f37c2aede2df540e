"""One date-time format across the site, in the school's time zone."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from courseware.timing import format_moment

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# 22:05 UTC on 12 March is 9:05 the next morning in Sydney (AEDT, UTC+11).
MOMENT = datetime(2030, 3, 12, 22, 5, tzinfo=UTC)
WRITTEN = "Wed 13 Mar 2030, 9:05 AM"


def test_a_moment_is_written_in_the_schools_zone():
    assert format_moment(MOMENT) == WRITTEN


@pytest.mark.parametrize(
    "template", ["courseware/teaching/_when.html", "courseware/submissions/_when.html"]
)
def test_every_when_include_writes_the_same_format(template):
    html = render_to_string(template, {"value": MOMENT})
    assert f">{WRITTEN}</time>" in html
    assert 'datetime="2030-03-13T09:05:00+11:00"' in html


def test_no_template_formats_a_date_and_time_its_own_way():
    """A date with a time of day goes through ``_when.html`` (or ``local_when``); a template's
    own ``|date:"…"`` may show a date or a time, not both."""
    own_formats = []
    for path in TEMPLATES.rglob("*.html"):
        for fmt in re.findall(r"\|date:[\"']([^\"']+)[\"']", path.read_text(encoding="utf-8")):
            has_day = re.search(r"[djlDNS]", fmt)
            has_time = re.search(r"[gGhHi]", fmt)
            if has_day and has_time and fmt != "c":
                own_formats.append(f"{path.relative_to(TEMPLATES)}: {fmt}")
    assert not own_formats, own_formats
