"""The demo content loader: readings and course content from JSON, evidenced, all or nothing."""

import copy
import hashlib
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from courseware.demo_content import DemoContentError, course_content_load, demo_course_seed
from courseware.models import (
    Choice,
    Criterion,
    EssayPrompt,
    Footnote,
    FootnoteMarker,
    Level,
    Paragraph,
    Person,
    Question,
    Quiz,
    Reading,
    Rubric,
    Section,
    Term,
    TimelineEvent,
    Unit,
    UnitReading,
)
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "demo_fixture"
REPO = Path(__file__).resolve().parents[3]
CONTENT_MODELS = [
    Reading,
    Section,
    Paragraph,
    Footnote,
    FootnoteMarker,
    Unit,
    UnitReading,
    Rubric,
    Criterion,
    Level,
    EssayPrompt,
    Term,
    Person,
    TimelineEvent,
    Quiz,
    Question,
    Choice,
]


def _course_data() -> dict:
    return json.loads((FIXTURE / "course.json").read_text(encoding="utf-8"))


def _snapshot() -> dict:
    """Every content row with every column, many-to-many links included."""
    throughs = [
        Term.evidence.through,
        Person.evidence.through,
        TimelineEvent.evidence.through,
        EssayPrompt.readings.through,
    ]
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in [*CONTENT_MODELS, *throughs]
    }


@pytest.fixture
def course():
    return CourseFactory()


def test_the_fixture_course_loads_with_every_fact_on_its_paragraph(course):
    demo_course_seed(course=course, directory=FIXTURE)

    reading = Reading.objects.get(slug="succession-notes")
    units = list(course.units.order_by("order"))
    assert [(u.order, u.slug) for u in units] == [(1, "succession"), (2, "one-country")]
    assert units[0].learning_intention_list == ["Explain the Troika.", "Assess the Testament."]
    first_readings = list(units[0].unit_readings.select_related("section"))
    assert [(r.reading_id, r.section.title, r.note) for r in first_readings] == [
        (reading.pk, "Lenin's Testament", "Start here.")
    ]
    assert units[1].unit_readings.get().section is None

    rubric = Rubric.objects.get(title="Extended response")
    assert [c.title for c in rubric.criteria.order_by("order")] == ["Knowledge", "Sources"]
    assert list(
        Level.objects.filter(criterion__rubric=rubric, criterion__order=2).values_list(
            "title", "marks"
        )
    ) == [("Band 2", 5), ("Band 1", 1)]

    prompt = EssayPrompt.objects.get(course=course, slug="why-stalin")
    assert (prompt.unit, prompt.rubric, prompt.min_words, prompt.max_words) == (
        units[0],
        rubric,
        600,
        1200,
    )
    assert list(prompt.readings.all()) == [reading]

    def numbers(obj):
        return list(obj.evidence.values_list("number", flat=True))

    # The whitespace of a quote is collapsed before matching.
    troika = Term.objects.get(course=course, slug="troika")
    assert troika.evidence.get().text.startswith("The Troika of Stalin")
    assert numbers(Person.objects.get(slug="trotsky")) == [4]
    lenin = TimelineEvent.objects.get(title="Lenin dies")
    assert (lenin.date, numbers(lenin)) == (date(1924, 1, 21), [2])
    # "The Troika" is in paragraphs 3 and 5: the first one in reading order is the evidence.
    split = TimelineEvent.objects.get(title="The Troika breaks apart")
    assert (split.date, split.precision, numbers(split)) == (date(1925, 1, 1), "year", [3])

    quiz = Quiz.objects.get(unit=units[0], slug="succession-check")
    questions = list(quiz.questions.order_by("order"))
    assert [(q.order, q.evidence.number) for q in questions] == [(1, 2), (2, 4)]
    assert [c.text for c in questions[1].choices.filter(is_correct=True)] == ["Trotsky"]


def test_loading_twice_changes_nothing(course):
    demo_course_seed(course=course, directory=FIXTURE)
    before = _snapshot()
    demo_course_seed(course=course, directory=FIXTURE)
    assert _snapshot() == before


def test_a_quote_in_no_paragraph_fails_the_load_naming_item_and_quote(course):
    demo_course_seed(course=course, directory=FIXTURE)  # the readings exist
    course = CourseFactory()
    data = _course_data()
    data["people"][0]["evidence"][0]["quote"] = "Trotsky answered with world revolution"

    with pytest.raises(DemoContentError, match="person “trotsky”.*Trotsky answered with world"):
        course_content_load(course=course, data=data)

    assert not course.units.exists()
    assert not course.prompts.exists()
    assert not course.terms.exists()


def test_quotes_match_case_sensitively(course):
    demo_course_seed(course=course, directory=FIXTURE)
    data = _course_data()
    data["terms"][0]["evidence"][0]["quote"] = "the troika of stalin"
    with pytest.raises(DemoContentError, match="term “troika”"):
        course_content_load(course=CourseFactory(), data=data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["units"][0]["readings"][0].update(section="No such heading"), "no section"),
        (lambda d: d["prompts"][0].update(unit="nowhere"), "no unit “nowhere”"),
        (lambda d: d["prompts"][0].update(readings=["missing-reading"]), "no reading"),
        (lambda d: d["events"][0].update(date="21 January 1924"), "is not a date"),
        (
            lambda d: d["quizzes"][0]["questions"][0]["choices"][1].update(correct=True),
            "one correct",
        ),
        (lambda d: d["terms"][0].update(evidence=[]), "no evidence"),
        (lambda d: d["people"][0].pop("summary"), "summary"),
    ],
    ids=["section", "unit", "reading", "date", "choices", "evidence", "field"],
)
def test_inconsistent_content_is_refused_before_anything_is_written(course, change, message):
    demo_course_seed(course=course, directory=FIXTURE)
    before = _snapshot()
    data = copy.deepcopy(_course_data())
    change(data)
    with pytest.raises(DemoContentError, match=message):
        course_content_load(course=CourseFactory(), data=data)
    assert _snapshot() == before


def test_a_course_without_course_json_gets_its_readings_only(course, tmp_path):
    (tmp_path / "readings.json").write_text((FIXTURE / "readings.json").read_text())
    (tmp_path / "notes.txt").write_text((FIXTURE / "notes.txt").read_text())
    demo_course_seed(course=course, directory=tmp_path)
    assert Reading.objects.filter(slug="succession-notes").exists()
    assert not course.units.exists()


def test_seed_demo_imports_the_four_seed_readings_with_their_structure(demo):

    readings = {r.slug: r for r in Reading.objects.all()}
    assert set(readings) >= {
        "debate-on-foreign-policy",
        "stalin-trotsky-thesis",
        "student-essay-socialism-debate",
        "cliff-lessons-of-october",
    }
    thesis = readings["stalin-trotsky-thesis"]
    chapters = list(thesis.sections.filter(kind="chapter").values_list("title", flat=True))
    assert len(chapters) == 10
    assert thesis.sections.filter(kind="preface").exists()
    assert thesis.sections.filter(kind="bibliography").exists()
    # OCR misreadings are kept as they are.
    assert thesis.paragraphs.filter(text__contains="fi*otsky").exists()

    cliff = readings["cliff-lessons-of-october"]
    assert cliff.footnotes.count() >= 60
    # Notes 40, 42 and 60 are cited from Cliff's starred notes rather than from the text.
    markers = FootnoteMarker.objects.filter(footnote__reading=cliff)
    linked = set(markers.values_list("footnote__label", flat=True))
    assert {str(n) for n in range(1, 61)} <= linked
    assert set(
        markers.filter(in_footnote__isnull=False).values_list("footnote__label", flat=True)
    ) == {"40", "42", "60"}

    notes = readings["debate-on-foreign-policy"]
    assert not notes.paragraphs.filter(text__icontains="top of page").exists()
    assert notes.paragraphs.filter(kind="list_item").count() >= 3

    essay = readings["student-essay-socialism-debate"]
    assert not essay.paragraphs.filter(
        text__endswith="This would have been an unpopular..."
    ).exists()
    assert essay.paragraphs.filter(text__startswith="Another debate").count() == 1


def test_seed_demo_twice_leaves_all_content_as_it_was(demo):
    before = _snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert _snapshot() == before


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _seed_checksums() -> dict[str, str]:
    """``fixtures/demo_course/seeds.sha256``: each seed document's SHA-256, as ``sha256sum``
    writes it (``sha256sum -c`` checks a copy of the seeds against it)."""
    lines = (REPO / "fixtures" / "demo_course" / "seeds.sha256").read_text().splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


def test_demo_readings_are_the_seed_files_verbatim():
    """The fixtures are the sources as received, byte for byte; nothing may tidy them."""
    checksums = _seed_checksums()
    listed = json.loads((REPO / "fixtures" / "demo_course" / "readings.json").read_text())
    assert len(listed) == 4
    assert len(checksums) == 4
    for entry in listed:
        seed_name = entry["provenance"].split()[2].rstrip(":")
        fixture = REPO / "fixtures" / "demo_course" / entry["file"]
        assert _sha256(fixture) == checksums[seed_name], entry["slug"]


def test_the_seed_checksums_are_those_of_the_seed_documents():
    """Where the seed documents are beside the checkout, the recorded checksums are theirs."""
    seeds = REPO.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed documents are not beside this checkout")
    assert _seed_checksums() == {
        path.name: _sha256(path) for path in sorted(seeds.glob("*.txt")) if path.name[0].isdigit()
    }
