"""Authors write units, essay prompts and readings through the API with the services and rules
the site's pages use; bad input is a 400 (413 when too large) with a clear body and changes
nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courseware.models import EssayPrompt, Paragraph, Reading, Section, Unit, UnitReading
from courseware.services.content import CriterionSpec, LevelSpec, rubric_update
from tests.factories import EssayPromptFactory, reading_text

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"
PROMPTS = "/api/v1/prompts/"
READINGS = "/api/v1/readings/"


@pytest.fixture
def teacher(world, api_as):
    return api_as("teacher")


def _snapshot():
    return (
        list(Unit.objects.order_by("pk").values()),
        list(UnitReading.objects.order_by("pk").values()),
        list(EssayPrompt.objects.order_by("pk").values()),
        list(EssayPrompt.readings.through.objects.order_by("pk").values()),
        list(Reading.objects.order_by("pk").values()),
        list(Section.objects.order_by("pk").values()),
        list(Paragraph.objects.order_by("pk").values()),
    )


@pytest.fixture
def unchanged():
    """Asserts that the test's request left every unit, prompt and reading as it was."""
    before = _snapshot()
    yield
    assert _snapshot() == before


# --- Units ------------------------------------------------------------------------------------


def _unit(world, **changes) -> dict:
    return {
        "course": world.course.pk,
        "title": "Socialism in One Country",
        "overview": "The doctrine of 1924.",
        "learning_intentions": ["Explain it.", "Compare it."],
        "readings": [{"reading": world.text.pk}],
        **changes,
    }


def test_an_author_adds_a_unit_with_whole_readings_and_single_sections(world, teacher):
    section = world.other_text.sections.first()
    body = _unit(
        world,
        readings=[
            {"reading": world.other_text.pk, "section": section.pk, "note": "Only this."},
            {"reading": world.text.pk},
        ],
    )
    response = teacher.post(UNITS, body, format="json")
    assert response.status_code == 201, response.content
    unit = Unit.objects.get(course=world.course, slug="socialism-in-one-country")
    assert response.json()["id"] == unit.pk
    assert unit.order == world.course.units.count()
    assert unit.learning_intention_list == ["Explain it.", "Compare it."]
    rows = unit.unit_readings.order_by("order")
    assert [(r.reading_id, r.section_id, r.note) for r in rows] == [
        (world.other_text.pk, section.pk, "Only this."),
        (world.text.pk, None, ""),
    ]
    assert [r["reading"] for r in response.json()["readings"]] == [
        world.other_text.pk,
        world.text.pk,
    ]


def test_learning_intentions_may_be_text_with_one_per_line(world, teacher):
    body = _unit(world, slug="one-country", learning_intentions="Explain it.\n\n Compare it. \n")
    response = teacher.post(UNITS, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["learning_intentions"] == ["Explain it.", "Compare it."]


def test_put_replaces_a_unit_and_keeps_its_slug(world, teacher):
    response = teacher.put(
        f"{UNITS}{world.unit.pk}/",
        {"title": "The succession, 1924", "slug": world.unit.slug, "readings": []},
        format="json",
    )
    assert response.status_code == 200, response.content
    world.unit.refresh_from_db()
    assert (world.unit.title, world.unit.overview) == ("The succession, 1924", "")
    assert not world.unit.unit_readings.exists()
    assert response.json()["slug"] == world.unit.slug


def test_patch_changes_only_the_fields_given(world, teacher):
    before = list(world.unit.unit_readings.values_list("reading_id", "section_id"))
    overview = world.unit.overview
    response = teacher.patch(f"{UNITS}{world.unit.pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 200, response.content
    world.unit.refresh_from_db()
    assert (world.unit.title, world.unit.overview) == ("Renamed", overview)
    assert list(world.unit.unit_readings.values_list("reading_id", "section_id")) == before
    response = teacher.patch(
        f"{UNITS}{world.unit.pk}/", {"readings": [{"reading": world.other_text.pk}]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [r["reading"] for r in response.json()["readings"]] == [world.other_text.pk]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"colour": "red"}, "colour", "Unknown field."),
        ({"title": 12}, "title", "Must be a string."),
        ({"title": None}, "title", "This field may not be null."),
        ({"learning_intentions": 3}, "learning_intentions", "Give text with one per line"),
        ({"readings": "all"}, "readings", "Expected a list of items"),
        ({"course": "1"}, "course", "A valid integer is required."),
        ({"slug": "new"}, "slug", "“new” is reserved; choose another."),
        ({"title": "New", "slug": ""}, "slug", "“new” is reserved; choose another."),
        ({"slug": "Not a slug!"}, "slug", 'Enter a valid \\"slug\\"'),
        ({"course": 99_999_999}, "course", "No course has this id."),
        ({"course": 2**70}, "course", "is too large a number"),
    ],
    ids=[
        "unknown-field",
        "title-number",
        "title-null",
        "intentions-number",
        "readings-string",
        "course-string",
        "reserved-slug",
        "reserved-slug-from-title",
        "bad-slug",
        "no-such-course",
        "huge-course-id",
    ],
)
def test_a_bad_unit_is_a_400_naming_the_field(world, teacher, unchanged, changes, field, message):
    response = teacher.post(UNITS, _unit(world, **changes), format="json")
    assert response.status_code == 400
    assert message in json.dumps(response.json()[field], ensure_ascii=False)


def test_a_missing_title_is_a_400(world, teacher, unchanged):
    body = _unit(world)
    del body["title"]
    response = teacher.post(UNITS, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"title": ["This field is required."]}


def test_a_slug_already_used_in_the_course_is_a_400(world, teacher, unchanged):
    response = teacher.post(UNITS, _unit(world, slug=world.unit.slug), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"“{world.unit.slug}” is already used; choose another.",
        "code": "taken",
        "slug": [f"“{world.unit.slug}” is already used; choose another."],
    }


def test_bad_reading_and_section_ids_are_named_item_by_item(world, teacher, unchanged):
    readings = [
        {"reading": world.text.pk},
        {"reading": 99_999_999},
        {"reading": world.text.pk, "section": 99_999_999},
    ]
    response = teacher.post(UNITS, _unit(world, readings=readings), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "readings": {
            "1": {"reading": ["No reading has this id."]},
            "2": {"section": ["No section has this id."]},
        }
    }


def test_a_section_of_another_reading_is_a_400(world, teacher, unchanged):
    section = world.other_text.sections.first()
    readings = [{"reading": world.text.pk, "section": section.pk}]
    response = teacher.post(UNITS, _unit(world, readings=readings), format="json")
    assert response.status_code == 400
    assert "is not a section of" in response.json()["readings"][0]


def test_a_reading_set_twice_is_a_400_not_a_crash(world, teacher, unchanged):
    readings = [{"reading": world.text.pk}, {"reading": world.text.pk, "note": "Again."}]
    response = teacher.post(UNITS, _unit(world, readings=readings), format="json")
    assert response.status_code == 400
    assert "is set twice" in response.json()["readings"][0]


def test_a_units_slug_cannot_change(world, teacher, unchanged):
    response = teacher.patch(f"{UNITS}{world.unit.pk}/", {"slug": "elsewhere"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "slug": [f"A unit's slug cannot change; it stays “{world.unit.slug}”."]
    }


def test_a_patch_is_checked_as_a_whole_and_changes_nothing_when_bad(world, teacher, unchanged):
    response = teacher.patch(
        f"{UNITS}{world.unit.pk}/",
        {"title": "Fine", "readings": [{"reading": 99_999_999}]},
        format="json",
    )
    assert response.status_code == 400
    response = teacher.patch(f"{UNITS}{world.unit.pk}/", {"readings": [{}]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"readings": {"0": {"reading": ["This field is required."]}}}


@pytest.mark.parametrize("url", [UNITS, PROMPTS, READINGS])
def test_malformed_json_is_a_400(world, teacher, unchanged, url):
    response = teacher.generic("POST", url, '{"title": "A",', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("url", [UNITS, PROMPTS, READINGS])
def test_a_huge_body_is_a_413(world, teacher, settings, unchanged, url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"title": "Big", "overview": "x" * 20_000})
    response = teacher.generic("POST", url, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_a_student_may_not_write_content(world, api_as, unchanged):
    student = api_as("student")
    assert student.post(UNITS, _unit(world), format="json").status_code == 403
    assert student.patch(f"{UNITS}{world.unit.pk}/", {"title": "Mine"}).status_code == 403
    assert api_as("anonymous").post(UNITS, _unit(world), format="json").status_code == 401


# --- Essay prompts ----------------------------------------------------------------------------


def _prompt(world, **changes) -> dict:
    return {
        "course": world.course.pk,
        "title": "Permanent revolution",
        "unit": world.unit.pk,
        "question": "Assess Trotsky's theory.",
        "guidance": "Use two sources.",
        "min_words": 600,
        "max_words": 1200,
        "readings": [world.text.pk],
        "rubric": world.rubric.pk,
        **changes,
    }


def test_an_author_writes_an_essay_prompt(world, teacher):
    response = teacher.post(PROMPTS, _prompt(world), format="json")
    assert response.status_code == 201, response.content
    prompt = EssayPrompt.objects.get(course=world.course, slug="permanent-revolution")
    assert prompt.created_by == world.school.teacher
    assert (prompt.unit, prompt.rubric, prompt.min_words) == (world.unit, world.rubric, 600)
    assert list(prompt.readings.all()) == [world.text]
    assert response.json()["readings"] == [world.text.pk]


def test_put_and_patch_change_a_prompt_in_place(world, teacher):
    url = f"{PROMPTS}{world.prompt.pk}/"
    response = teacher.put(url, _prompt(world, course=None) | {"unit": None}, format="json")
    assert response.status_code == 400  # a prompt stays in its course: no ``course`` field
    body = _prompt(world)
    del body["course"]
    response = teacher.put(url, body, format="json")
    assert response.status_code == 200, response.content
    response = teacher.patch(url, {"max_words": 900, "readings": []}, format="json")
    assert response.status_code == 200, response.content
    world.prompt.refresh_from_db()
    assert (world.prompt.title, world.prompt.min_words, world.prompt.max_words) == (
        "Permanent revolution",
        600,
        900,
    )
    assert not world.prompt.readings.exists()


def test_a_prompt_keeps_its_old_rubric_version_but_is_not_given_one(world, teacher):
    criteria = [CriterionSpec(title="New", levels=(LevelSpec("A", "Good.", 3),))]
    newer = rubric_update(rubric=world.rubric, title="Newer", criteria=criteria)
    world.prompt.refresh_from_db()
    assert newer.pk != world.rubric.pk  # used by the class's essay: a new version
    assert world.prompt.rubric_id == world.rubric.pk
    url = f"{PROMPTS}{world.prompt.pk}/"
    assert teacher.patch(url, {"title": "Kept"}, format="json").status_code == 200
    response = teacher.post(PROMPTS, _prompt(world, rubric=world.rubric.pk), format="json")
    assert response.status_code == 400
    assert response.json()["rubric"] == [
        "This is not the latest version of the rubric; choose the latest."
    ]
    other = EssayPromptFactory(course=world.course)
    response = teacher.patch(f"{PROMPTS}{other.pk}/", {"rubric": world.rubric.pk}, format="json")
    assert response.status_code == 400
    assert teacher.patch(url, {"rubric": newer.pk}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"colour": "red"}, "colour", "Unknown field."),
        ({"max_words": "1200"}, "max_words", "A valid integer is required."),
        ({"readings": [True]}, "readings", "A valid integer is required."),
        ({"slug": "new"}, "slug", "“new” is reserved; choose another."),
        ({"min_words": 900, "max_words": 800}, "min_words", "cannot be more than the maximum"),
        ({"readings": [99_999_999]}, "readings", "No reading has the id 99999999."),
        ({"rubric": 99_999_999}, "rubric", "No rubric has this id."),
        ({"unit": 99_999_999}, "unit", "No unit has this id."),
        ({"course": 99_999_999}, "course", "No course has this id."),
    ],
    ids=[
        "unknown-field",
        "words-string",
        "reading-bool",
        "reserved-slug",
        "words-out-of-order",
        "no-such-reading",
        "no-such-rubric",
        "no-such-unit",
        "no-such-course",
    ],
)
def test_a_bad_prompt_is_a_400_naming_the_field(world, teacher, unchanged, changes, field, message):
    response = teacher.post(PROMPTS, _prompt(world, **changes), format="json")
    assert response.status_code == 400
    assert message in json.dumps(response.json()[field], ensure_ascii=False)


def test_a_prompt_slug_already_used_in_the_course_is_a_400(world, teacher, unchanged):
    response = teacher.post(PROMPTS, _prompt(world, slug=world.prompt.slug), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "taken"


def test_a_unit_of_another_course_is_a_400(world, teacher, unchanged):
    response = teacher.post(PROMPTS, _prompt(world, unit=world.other_unit.pk), format="json")
    assert response.status_code == 400
    assert response.json()["unit"] == ["The unit belongs to another course."]


def test_a_missing_question_is_a_400(world, teacher, unchanged):
    body = _prompt(world)
    del body["question"]
    response = teacher.post(PROMPTS, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"question": ["This field is required."]}


# --- Readings ---------------------------------------------------------------------------------


def _reading(**changes) -> dict:
    return {
        "title": "Since Lenin Died",
        "author": "Max Eastman",
        "kind": "primary",
        "date_label": "1925",
        "citation": "Max Eastman, Since Lenin Died (1925).",
        "text": reading_text(4),
        **changes,
    }


def test_an_author_adds_a_reading_from_json_text(world, teacher):
    response = teacher.post(READINGS, _reading(), format="json")
    assert response.status_code == 201, response.content
    reading = Reading.objects.get(slug="since-lenin-died")
    assert reading.created_by == world.school.teacher
    assert reading.paragraphs.count() == 4
    body = response.json()
    assert body["id"] == reading.pk
    assert body["import_report"]["paragraphs"] == 4
    assert sum(len(section["paragraphs"]) for section in body["sections"]) == 4


def test_an_author_uploads_a_reading_as_a_plain_text_file(world, teacher):
    upload = SimpleUploadedFile("eastman.txt", reading_text(3).encode(), "text/plain")
    data = {**_reading(slug="eastman"), "file": upload}
    del data["text"]
    response = teacher.post(READINGS, data, format="multipart")
    assert response.status_code == 201, response.content
    assert Reading.objects.get(slug="eastman").paragraphs.count() == 3


def test_put_changes_a_readings_details_and_keeps_its_text(world, teacher):
    before = list(world.text.paragraphs.values_list("pk", "text"))
    body = _reading(title="Revised")
    del body["text"]
    response = teacher.put(f"{READINGS}{world.text.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["import_report"] is None
    world.text.refresh_from_db()
    assert world.text.title == "Revised"
    assert list(world.text.paragraphs.values_list("pk", "text")) == before


def test_put_with_text_replaces_it_in_place(world, teacher):
    first = world.text.paragraphs.get(number=1)
    response = teacher.put(
        f"{READINGS}{world.text.pk}/", _reading(text=reading_text(5)), format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["import_report"]["paragraphs"] == 5
    assert world.text.paragraphs.get(number=1).pk == first.pk
    assert world.text.paragraphs.count() == 5
    assert Reading.objects.get(pk=world.text.pk).slug == world.text.slug


@pytest.mark.parametrize(
    ("changes", "status", "field", "message"),
    [
        ({"text": ""}, 400, "text", "Send the text, or upload it as a file."),
        ({"text": "\x01\x02\x03binary" * 50}, 400, "text", "looks like a binary file"),
        ({"text": "Trotsky " * 300_000}, 413, "detail", "the limit is 2 MB"),
        ({"kind": "novel"}, 400, "kind", "is not a valid choice"),
        ({"title": ["A"]}, 400, "title", "Must be a string."),
        ({"file": "text.txt"}, 400, "file", "Unknown field."),
        ({"slug": "new"}, 400, "slug", "“new” is reserved; choose another."),
    ],
    ids=["no-text", "binary", "over-2-MB", "bad-kind", "title-list", "file-in-json", "reserved"],
)
def test_bad_reading_json_is_refused_with_a_clear_body(
    world, teacher, unchanged, changes, status, field, message
):
    response = teacher.post(READINGS, _reading(**changes), format="json")
    assert response.status_code == status
    found = response.json()[field]
    assert message in (found if isinstance(found, str) else " ".join(found))


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, 400, "not UTF-8 plain text"),
        (b"Trotsky " * 300_000, 413, "the limit is 2 MB"),
    ],
    ids=["undecodable", "over-2-MB"],
)
def test_a_bad_upload_is_refused_with_a_clear_body(
    world, teacher, unchanged, content, status, message
):
    data = {**_reading(), "file": SimpleUploadedFile("source.txt", content, "text/plain")}
    del data["text"]
    response = teacher.post(READINGS, data, format="multipart")
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_text_and_a_file_together_are_a_400(world, teacher, unchanged):
    data = {**_reading(), "file": SimpleUploadedFile("a.txt", b"More text", "text/plain")}
    response = teacher.post(READINGS, data, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": "Send the text or a file, not both."}


def test_a_new_reading_may_not_take_an_existing_slug(world, teacher, unchanged):
    response = teacher.post(READINGS, _reading(slug=world.text.slug), format="json")
    assert response.status_code == 400
    assert response.json()["slug"] == [f"“{world.text.slug}” is already used; choose another."]


def test_a_readings_slug_cannot_change(world, teacher, unchanged):
    body = _reading(slug="elsewhere")
    response = teacher.put(f"{READINGS}{world.text.pk}/", body, format="json")
    assert response.status_code == 400
    assert "cannot change" in response.json()["slug"][0]


def test_replacing_text_with_unreadable_text_changes_nothing(world, teacher, unchanged):
    response = teacher.put(
        f"{READINGS}{world.text.pk}/", _reading(text="\x00\x01binary" * 50), format="json"
    )
    assert response.status_code == 400


def test_a_student_may_not_add_a_reading(world, api_as, unchanged):
    response = api_as("student").post(READINGS, _reading(), format="json")
    assert response.status_code == 403
