"""Essays as HTML: Markdown on the server, sanitised, citations resolved in one query."""

import json
import re
from pathlib import Path

import pytest

from courseware.models import Reading
from courseware.rendering import count_words, render_essay, sanitise
from courseware.selectors.submissions import citable_readings
from tests.courseware.submissions.xss import XSS_PAYLOADS, assert_inert
from tests.factories import (
    ClassroomFactory,
    ReadingFactory,
    course_reading,
    essay_assignment,
    reading_text,
)

WORD_COUNT_CASES = json.loads(
    (Path(__file__).parent / "word_count_cases.json").read_text(encoding="utf-8")
)


def _render(text: str, **kwargs) -> str:
    return str(render_essay(text, citable=Reading.objects.none(), **kwargs).html)


# --- Words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", WORD_COUNT_CASES, ids=[f"case-{n}" for n in range(len(WORD_COUNT_CASES))]
)
def test_words_are_counted_by_the_rule_the_editor_shares(case):
    assert count_words(case["text"]) == case["words"]


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_becomes_html_with_headings_below_the_pages_own():
    html = _render(
        "# Introduction\n\nStalin **won**, *Trotsky* lost.\n\n> A quotation\n\n- one\n- two"
    )
    assert "<h3>Introduction</h3>" in html
    assert "<strong>won</strong>" in html
    assert "<em>Trotsky</em>" in html
    assert "<blockquote>" in html
    assert "<li>one</li>" in html
    assert "<h1" not in html and "<h2" not in html


def test_numbered_paragraphs_get_anchors_for_comments():
    html = _render("First.\n\n## Heading\n\nSecond.\n\n> Quoted.", number_paragraphs=True)
    assert '<p id="essay-p-1" class="essay-paragraph">First.</p>' in html
    assert '<p id="essay-p-2" class="essay-paragraph">Second.</p>' in html
    assert html.count("essay-paragraph") == 2  # nested paragraphs keep their block's number


def test_links_are_kept_only_for_web_and_mail_and_open_safely():
    html = _render("[Carr](https://example.org/carr) and [mail](mailto:a@example.org)")
    assert 'href="https://example.org/carr"' in html
    assert 'href="mailto:a@example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_images_are_not_rendered():
    html = _render("![A portrait](https://example.org/stalin.png)")
    assert "<img" not in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_scripts_and_html_in_an_essay_never_run(payload):
    html = _render(f"Before.\n\n{payload}\n\nAfter.", number_paragraphs=True)
    assert_inert(html)
    assert "Before." in html and "After." in html


def test_raw_html_is_shown_as_text():
    html = _render("<b>bold</b> <script>alert(1)</script>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_sanitiser_removes_what_the_renderer_would_never_make():
    html = sanitise(
        '<p onclick="x()">a<script>b</script><img src=x onerror=y><a href="javascript:z">c</a></p>'
    )
    assert html == '<p>a<a rel="noopener noreferrer nofollow">c</a></p>'


# --- Citations ----------------------------------------------------------------------------------


@pytest.fixture
def course_setup(db):
    classroom = ClassroomFactory()
    cited = course_reading(
        classroom.course, slug="cliff-october", author="Tony Cliff", text=reading_text(4)
    )
    essay = essay_assignment(classroom)
    return essay, cited


def test_a_citation_links_to_the_paragraph_and_shows_the_passage(course_setup):
    essay, cited = course_setup
    rendered = render_essay(
        "As Cliff argues [[cliff-october#p-2]].", citable=citable_readings(assignment=essay)
    )
    html = str(rendered.html)
    assert f'href="{cited.get_absolute_url()}#p-2"' in html
    assert "Tony Cliff, ¶2" in html
    tip = re.search(r'aria-describedby="([^"]+)"', html).group(1)
    assert re.search(
        rf'<span class="citation-passage" role="tooltip" id="{tip}">Paragraph 2 ', html
    )
    assert [c.resolved for c in rendered.citations] == [True]
    assert_inert(html)


def test_unknown_and_malformed_citations_are_plain_text_marked_unresolved(course_setup):
    essay, _cited = course_setup
    rendered = render_essay(
        "[[cliff-october#p-99]] [[no-such-reading#p-1]] [[cliff-october]] [[Trotsky, 1924]]",
        citable=citable_readings(assignment=essay),
    )
    html = str(rendered.html)
    assert html.count("citation-unresolved") == 4
    assert "<a" not in html
    assert "[[Trotsky, 1924]]" in html
    assert [c.raw for c in rendered.unresolved] == [
        "cliff-october#p-99",
        "no-such-reading#p-1",
        "cliff-october",
        "Trotsky, 1924",
    ]


def test_a_reading_outside_the_course_cannot_be_cited(course_setup):
    essay, _cited = course_setup
    ReadingFactory(slug="teacher-only-notes", text=reading_text(2))
    rendered = render_essay(
        "[[teacher-only-notes#p-1]]", citable=citable_readings(assignment=essay)
    )
    assert rendered.unresolved and "Paragraph 1" not in str(rendered.html)


def test_a_prompts_linked_reading_can_be_cited(db):
    classroom = ClassroomFactory()
    linked = ReadingFactory(slug="linked-thesis", text=reading_text(2))
    essay = essay_assignment(classroom, readings=[linked])
    rendered = render_essay("[[linked-thesis#p-2]]", citable=citable_readings(assignment=essay))
    assert [c.resolved for c in rendered.citations] == [True]


def test_every_citation_of_an_essay_is_resolved_in_one_query(
    course_setup, django_assert_num_queries
):
    essay, _cited = course_setup
    other = course_reading(essay.classroom.course, slug="carr", text=reading_text(5))
    text = " ".join(f"[[cliff-october#p-{n % 4 + 1}]] [[carr#p-{n % 5 + 1}]]" for n in range(40))
    citable = citable_readings(assignment=essay)
    with django_assert_num_queries(1):
        rendered = render_essay(text, citable=citable)
    assert all(c.resolved for c in rendered.citations)
    assert f"{other.get_absolute_url()}#p-5" in str(rendered.html)


def test_an_essay_without_citations_needs_no_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        render_essay("No sources at all.", citable=Reading.objects.all())


def test_tooltip_ids_are_unique_on_a_page_with_two_essays(course_setup):
    essay, _cited = course_setup
    citable = citable_readings(assignment=essay)
    first = str(render_essay("[[cliff-october#p-1]]", citable=citable, id_prefix="v1").html)
    second = str(render_essay("[[cliff-october#p-1]]", citable=citable, id_prefix="v2").html)
    ids = re.findall(r'id="([^"]+)"', first + second)
    assert len(ids) == len(set(ids)) == 2


def test_a_long_passage_is_shortened_in_the_tooltip(db):
    classroom = ClassroomFactory()
    long_text = " ".join(f"w{n}" for n in range(200))
    course_reading(classroom.course, slug="long-one", text=long_text)
    essay = essay_assignment(classroom)
    html = str(render_essay("[[long-one#p-1]]", citable=citable_readings(assignment=essay)).html)
    passage = re.search(r'role="tooltip"[^>]*>([^<]*)<', html).group(1)
    assert passage.endswith("…")
    assert len(passage.split()) == 61
