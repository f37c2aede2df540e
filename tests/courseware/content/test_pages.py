"""Course, unit, prompt, rubric, glossary, people, timeline and search pages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.selectors.search import paragraph_search
from courseware.services.content import (
    person_create,
    term_create,
    timeline_event_create,
    unit_reading_add,
)
from tests.factories import (
    CourseFactory,
    EssayPromptFactory,
    ReadingFactory,
    UnitFactory,
    reading_text,
)

pytestmark = pytest.mark.django_db


def _get(client, name, *args, **params) -> str:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_course_page_lists_units_in_order_with_readings_and_prompts(client, school, content):
    client.force_login(school.student)
    html = _get(client, "courseware:course-detail", content.course.slug)
    assert content.unit.get_absolute_url() in html
    assert content.reading.get_absolute_url() in html
    assert content.prompt.get_absolute_url() in html
    assert "1 essay prompt" in html and "1 quiz" in html
    # Students get no authoring links.
    assert reverse("courseware:unit-create", args=[content.course.slug]) not in html


def test_the_unit_page_shows_intentions_readings_prompts_and_quizzes(client, school, content):
    client.force_login(school.student)
    html = _get(client, "courseware:unit-detail", content.course.slug, content.unit.slug)
    for line in content.unit.learning_intention_list:
        assert line.replace("'", "&#x27;") in html
    assert content.reading.get_absolute_url() in html
    assert content.prompt.get_absolute_url() in html
    assert "Check" in html and "1 question" in html


def test_the_prompt_page_shows_the_question_limits_readings_and_rubric(client, school, content):
    client.force_login(school.student)
    html = _get(client, "courseware:prompt-detail", content.course.slug, content.prompt.slug)
    assert "Why did Stalin, not Trotsky, succeed Lenin?" in html
    assert "600–1200 words" in html
    assert reverse("courseware:rubric-detail", args=[content.rubric.pk]) in html
    assert content.reading.get_absolute_url() in html


def test_the_rubric_page_is_a_table_of_criteria_by_levels(client, school, content):
    client.force_login(school.student)
    html = _get(client, "courseware:rubric-detail", content.rubric.pk)
    assert '<th scope="col">Band 2</th>' in html and '<th scope="col">Band 1</th>' in html
    assert html.count('<th scope="row">') == content.rubric.criteria.count()
    assert "Sources used and evaluated." in html


def test_glossary_people_and_timeline_link_each_fact_to_its_paragraph(client, school, content):
    client.force_login(school.student)
    paragraph_url = f"{content.reading.get_absolute_url()}#p-2"
    for name in ("courseware:glossary", "courseware:people", "courseware:timeline"):
        html = _get(client, name, content.course.slug)
        assert f'href="{paragraph_url}"' in html
        assert "¶2" in html
    assert "21 January 1924" in _get(client, "courseware:timeline", content.course.slug)


def test_timeline_dates_are_shown_as_precisely_as_they_are_known(client, school, content):
    timeline_event_create(
        course=content.course, date=date(1927, 11, 7), precision="month", title="Expulsions"
    )
    timeline_event_create(
        course=content.course, date=date(1926, 7, 1), precision="year", title="Opposition"
    )
    client.force_login(school.student)
    html = _get(client, "courseware:timeline", content.course.slug)
    assert '<time datetime="1927-11">November 1927</time>' in html
    assert '<time datetime="1926">1926</time>' in html
    assert html.index('datetime="1924-01-21"') < html.index('datetime="1926"')


def test_the_course_list_shows_only_a_students_own_courses(client, school, content):
    client.force_login(school.student)
    html = _get(client, "courseware:course-list")
    assert content.course.title in html
    assert content.other_course.title not in html


def test_the_reading_list_shows_only_readings_a_student_may_open(client, school, content):
    client.force_login(school.student)
    html = _get(client, "courseware:reading-list")
    assert content.reading.get_absolute_url() in html
    assert content.other_reading.get_absolute_url() not in html


# --- Query counts ---------------------------------------------------------------------------


def _fill_course(course, n: int) -> None:
    """Units, readings, prompts and facts enough that a query per row would show."""
    for i in range(n):
        unit = UnitFactory(course=course)
        reading = ReadingFactory(text=reading_text(3, seed=f"-{i}"))
        unit_reading_add(unit=unit, reading=reading)
        unit_reading_add(unit=unit, reading=reading, section=reading.sections.first())
        EssayPromptFactory(course=course, unit=unit)
        paragraphs = list(reading.paragraphs.all())
        term_create(course=course, slug=f"t{i}", term=f"T{i}", definition="D", evidence=paragraphs)
        person_create(course=course, slug=f"p{i}", name=f"P{i}", summary="S", evidence=paragraphs)
        timeline_event_create(
            course=course,
            date=date(1924, 1, 1 + i),
            precision="day",
            title=f"E{i}",
            evidence=paragraphs,
        )


PAGES = [
    ("courseware:course-detail", lambda c: [c.slug]),
    ("courseware:glossary", lambda c: [c.slug]),
    ("courseware:people", lambda c: [c.slug]),
    ("courseware:timeline", lambda c: [c.slug]),
    ("courseware:course-list", lambda c: []),
    ("courseware:reading-list", lambda c: []),
    ("courseware:rubric-list", lambda c: []),
]


@pytest.mark.parametrize(("name", "args"), PAGES, ids=[p[0].split(":")[1] for p in PAGES])
def test_content_pages_cost_the_same_for_a_small_and_a_large_course(client, school, name, args):
    small, large = CourseFactory(), school.classroom.course
    _fill_course(small, 2)
    _fill_course(large, 12)
    client.force_login(school.teacher)
    counts = []
    for course in (small, large):
        with CaptureQueriesContext(connection) as queries:
            _get(client, name, *args(course))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


def test_the_unit_page_costs_the_same_however_many_readings_it_sets(client, school):
    course = school.classroom.course
    units = [UnitFactory(course=course), UnitFactory(course=course)]
    for unit, n in zip(units, (1, 10), strict=True):
        for _ in range(n):
            reading = ReadingFactory()
            unit_reading_add(unit=unit, reading=reading)
            EssayPromptFactory(course=course, unit=unit)
    client.force_login(school.student)
    counts = []
    for unit in units:
        with CaptureQueriesContext(connection) as queries:
            _get(client, "courseware:unit-detail", course.slug, unit.slug)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


# --- Search ---------------------------------------------------------------------------------


@pytest.fixture
def searchable(school, content):
    """A reading in the students' course and one in a course they do not take."""
    mine = ReadingFactory(
        slug="debate",
        title="Debate on Foreign Policy",
        text="Trotsky argued <abroad> for permanent revolution against the Troika.\n\n"
        "Stalin argued for socialism in one country.\n\n"
        "Bukharin supported Stalin on the peasants.\n",
    )
    unit_reading_add(unit=content.unit, reading=mine)
    theirs = ReadingFactory(
        slug="hidden", title="Hidden", text="Permanent revolution in China, 1927.\n"
    )
    unit_reading_add(unit=content.other_unit, reading=theirs)
    return mine, theirs


def test_search_finds_paragraphs_links_them_and_marks_the_words(client, school, searchable):
    mine, _ = searchable
    client.force_login(school.student)
    html = _get(client, "courseware:search", q="permanent revolution")
    assert f'href="{mine.get_absolute_url()}#p-1"' in html
    assert "<mark>permanent</mark>" in html.lower()
    assert "&lt;abroad&gt;" in html and "<abroad>" not in html
    assert "1 paragraph found" in html


def test_search_leaves_out_readings_the_user_may_not_open(client, school, searchable):
    _, theirs = searchable
    client.force_login(school.student)
    assert theirs.get_absolute_url() not in _get(client, "courseware:search", q="revolution")
    client.force_login(school.teacher)
    assert theirs.get_absolute_url() in _get(client, "courseware:search", q="revolution")


def test_search_within_one_reading(client, school, searchable, content):
    mine, _ = searchable
    client.force_login(school.student)
    html = _get(client, "courseware:search", q="Stalin", reading=mine.slug)
    assert f"{mine.get_absolute_url()}#p-2" in html
    assert content.reading.get_absolute_url() not in html


def test_search_needs_every_word(client, school, searchable):
    client.force_login(school.student)
    html = _get(client, "courseware:search", q="Stalin peasants")
    assert "1 paragraph found" in html
    assert "#p-3" in html


def test_search_pages_its_results_at_a_fixed_cost(client, school, content):
    text = "\n\n".join(f"Paragraph {n}: the Opposition met again." for n in range(1, 46))
    reading = ReadingFactory(slug="many", text=text)
    unit_reading_add(unit=content.unit, reading=reading)
    client.force_login(school.student)
    html = _get(client, "courseware:search", q="Opposition")
    assert "45 paragraphs found" in html and "Page 1 of 3" in html
    with CaptureQueriesContext(connection) as queries:
        last = _get(client, "courseware:search", q="Opposition", page=3)
    assert "Page 3 of 3" in last
    assert len(queries) <= 6


def test_an_empty_search_shows_the_form_only(client, school):
    client.force_login(school.student)
    html = _get(client, "courseware:search", q="   ")
    assert "found" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_search_can_use_the_gin_index(school, searchable):
    paragraphs = paragraph_search(user=school.teacher, query="permanent revolution")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        plan = paragraphs.explain()
    assert "courseware_paragraph_search" in plan
