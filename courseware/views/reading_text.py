"""A reading's text as the reading page shows it, rendered once and kept in the cache.

The text (its sections of numbered paragraphs, its notes and its table of contents) is the same
for everyone who opens the reading, and for a long reading it is most of the page's work: the
thesis's 431 paragraphs and 122 notes are about 450 KiB of HTML. So it is rendered once per
version of the reading and view, and served from the cache (Redis in production) afterwards.

The cache key holds everything the HTML depends on:

- the reading's ``updated_at``: saving the reading (a re-import, an edit of its details) moves it,
  and so does any change to its sections, paragraphs, notes or editorial notes made one row at a
  time, through the admin or a service (``courseware.signals``);
- the hash of its source text, for a re-import of new text;
- the language of the request, and a fingerprint of the templates and template tags that draw
  the text, so that a deployment with new markup never serves the old;
- the view: corrected (recorded corrections shown in the text) or as scanned. Corrections are
  editorial notes, so adding, changing or removing one moves ``updated_at`` as above.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from courseware.models import Reading
from courseware.selectors import content as selectors
from courseware.templatetags import reading as reading_tags

BODY_TEMPLATE = "courseware/content/_reading_text.html"
TOC_TEMPLATE = "courseware/content/_toc.html"
KEEP_FOR = 60 * 60 * 24 * 7  # a week; a new version of the reading has a new key anyway


@dataclass(frozen=True)
class ReadingText:
    toc: SafeString
    body: SafeString
    paragraph_count: int
    emendation_count: int = 0  # places where a recorded correction is shown in the text
    correction_count: int = 0  # recorded corrections (shown in the corrected view)
    scanned: bool = False


@cache
def _markup_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in (BODY_TEMPLATE, TOC_TEMPLATE):
        digest.update(Path(get_template(name).origin.name).read_bytes())
    digest.update(Path(reading_tags.__file__).read_bytes())
    return digest.hexdigest()[:16]


def cache_key(reading: Reading, *, scanned: bool = False) -> str:
    version = reading.updated_at.isoformat() if reading.updated_at else "new"
    return ":".join(
        (
            "reading-text",
            str(reading.pk),
            version,
            reading.source_sha256[:16],
            "scanned" if scanned else "corrected",
            get_language() or "",
            _markup_fingerprint(),
        )
    )


def reading_text(reading: Reading, *, scanned: bool = False) -> ReadingText:
    """The reading's table of contents and text, from the cache when this version is there.

    ``scanned`` gives the text as scanned, with no recorded correction shown in it.
    """
    key = cache_key(reading, scanned=scanned)
    cached = django_cache.get(key)
    if cached is not None:
        toc, body, paragraph_count, emendation_count, correction_count = cached
    else:
        page = selectors.reading_page(reading=reading, scanned=scanned)
        context = {"reading": reading, "page": page}
        toc = render_to_string(TOC_TEMPLATE, context)
        body = render_to_string(BODY_TEMPLATE, context)
        paragraph_count = page.paragraph_count
        emendation_count, correction_count = page.emendation_count, page.correction_count
        django_cache.set(
            key, (toc, body, paragraph_count, emendation_count, correction_count), KEEP_FOR
        )
    # Both were rendered by our own templates, which escape the reading's text.
    return ReadingText(
        toc=mark_safe(toc),  # noqa: S308
        body=mark_safe(body),  # noqa: S308
        paragraph_count=paragraph_count,
        emendation_count=emendation_count,
        correction_count=correction_count,
        scanned=scanned,
    )
