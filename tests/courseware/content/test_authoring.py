"""Teachers author content from the site: units, prompts, rubrics (versioned) and readings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courseware.models import AssignmentKind, EssayPrompt, Reading, Rubric, Unit
from courseware.services.content import (
    CriterionSpec,
    LevelSpec,
    rubric_update,
    term_create,
)
from tests.factories import EssayPromptFactory, ReadingFactory, RubricFactory, reading_text
from tests.factories.teaching import AssignmentFactory

pytestmark = pytest.mark.django_db


# --- Units ------------------------------------------------------------------------------------


def test_a_teacher_adds_a_unit_with_a_whole_reading_and_a_section(client, school, content):
    client.force_login(school.teacher)
    section = content.reading.sections.exclude(title="").first() or content.reading.sections.first()
    response = client.post(
        reverse("courseware:unit-create", args=[content.course.slug]),
        {
            "title": "Socialism in one country",
            "slug": "",
            "overview": "The doctrine of 1924.",
            "learning_intentions": "Explain it.\n\nCompare it.",
            "readings": [f"r{content.other_reading.pk}", f"s{section.pk}"],
        },
    )
    unit = Unit.objects.get(course=content.course, slug="socialism-in-one-country")
    assert response.status_code == 302
    assert response["Location"] == unit.get_absolute_url()
    assert unit.order == 2
    assert unit.learning_intention_list == ["Explain it.", "Compare it."]
    assert [(r.reading_id, r.section_id) for r in unit.unit_readings.order_by("order")] == [
        (content.other_reading.pk, None),
        (content.reading.pk, section.pk),
    ]


def test_editing_a_unit_replaces_its_readings_and_keeps_its_slug(client, school, content):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:unit-edit", args=[content.course.slug, content.unit.slug]),
        {
            "title": "The succession, 1924",
            "overview": "",
            "learning_intentions": "",
            "readings": [f"r{content.other_reading.pk}"],
        },
    )
    assert response.status_code == 302
    content.unit.refresh_from_db()
    assert (content.unit.slug, content.unit.title) == ("succession", "The succession, 1924")
    assert list(content.unit.unit_readings.values_list("reading_id", flat=True)) == [
        content.other_reading.pk
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": ""}, "This field is required"),
        ({"title": "Again", "slug": "succession"}, "already used"),
        ({"title": "New", "slug": "new"}, "reserved"),
        ({"title": "Bad", "readings": ["r999999"]}, "Select a valid choice"),
    ],
    ids=["no-title", "slug-taken", "slug-reserved", "unknown-reading"],
)
def test_a_bad_unit_is_refused_with_a_clear_error_and_nothing_saved(
    client, school, content, data, error
):
    client.force_login(school.teacher)
    response = client.post(reverse("courseware:unit-create", args=[content.course.slug]), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert content.course.units.count() == 1


# --- Essay prompts ----------------------------------------------------------------------------


def _prompt_data(content, **overrides):
    return {
        "title": "Permanent revolution",
        "slug": "",
        "unit": content.unit.pk,
        "question": "Assess Trotsky's theory.",
        "guidance": "Use two sources.",
        "min_words": 600,
        "max_words": 1200,
        "readings": [content.reading.pk],
        "rubric": content.rubric.pk,
        **overrides,
    }


def test_a_teacher_writes_an_essay_prompt(client, school, content):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:prompt-create", args=[content.course.slug]), _prompt_data(content)
    )
    prompt = EssayPrompt.objects.get(course=content.course, slug="permanent-revolution")
    assert response.status_code == 302
    assert (prompt.min_words, prompt.max_words, prompt.rubric, prompt.unit) == (
        600,
        1200,
        content.rubric,
        content.unit,
    )
    assert list(prompt.readings.all()) == [content.reading]
    assert prompt.created_by == school.teacher


def test_word_limits_must_run_from_minimum_to_maximum(client, school, content):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:prompt-create", args=[content.course.slug]),
        _prompt_data(content, min_words=1500, max_words=1000),
    )
    assert response.status_code == 400
    assert "The minimum cannot be more than the maximum (1000)." in response.content.decode()
    assert not EssayPrompt.objects.filter(slug="permanent-revolution").exists()


def test_a_prompt_may_not_take_a_unit_of_another_course(client, school, content):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:prompt-create", args=[content.course.slug]),
        _prompt_data(content, unit=content.other_unit.pk),
    )
    assert response.status_code == 400
    assert not EssayPrompt.objects.filter(slug="permanent-revolution").exists()


def test_editing_a_prompt_changes_it_in_place(client, school, content):
    client.force_login(school.teacher)
    url = reverse("courseware:prompt-edit", args=[content.course.slug, content.prompt.slug])
    response = client.post(url, _prompt_data(content, title="Why Stalin won", readings=[]))
    assert response.status_code == 302
    content.prompt.refresh_from_db()
    assert (content.prompt.slug, content.prompt.title) == ("why-stalin", "Why Stalin won")
    assert not content.prompt.readings.exists()


# --- Rubrics ----------------------------------------------------------------------------------


def _rubric_data(*criteria, title="Extended response"):
    data = {
        "title": title,
        "description": "Year 12.",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "12",
    }
    for i, (name, levels) in enumerate(criteria):
        data[f"criteria-{i}-title"] = name
        data[f"criteria-{i}-description"] = ""
        for n, (level, marks, descriptor) in enumerate(levels, start=1):
            data[f"criteria-{i}-level_{n}_title"] = level
            data[f"criteria-{i}-level_{n}_marks"] = marks
            data[f"criteria-{i}-level_{n}_descriptor"] = descriptor
    return data


BANDS = [("Band 2", "5", "Sustained."), ("Band 1", "2", "Some.")]


def test_a_teacher_writes_a_rubric_with_criteria_and_levels(client, school):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:rubric-create"),
        _rubric_data(("Knowledge", BANDS), ("Sources", BANDS[:1]), ("", [])),
    )
    rubric = Rubric.objects.get(title="Extended response")
    assert response.status_code == 302
    assert [(c.title, c.levels.count()) for c in rubric.criteria.order_by("order")] == [
        ("Knowledge", 2),
        ("Sources", 1),
    ]
    assert rubric.owner == school.teacher


@pytest.mark.parametrize(
    ("criteria", "error"),
    [
        ([], "at least one criterion"),
        ([("Knowledge", [])], "at least one level"),
        ([("Knowledge", [("Band 2", "", "Sustained.")])], "needs a name, marks and a descriptor"),
        ([("Knowledge", [("Band 2", "-1", "Sustained.")])], "greater than or equal to 0"),
    ],
    ids=["no-criteria", "no-levels", "half-a-level", "negative-marks"],
)
def test_a_bad_rubric_is_refused_and_nothing_saved(client, school, criteria, error):
    client.force_login(school.teacher)
    response = client.post(reverse("courseware:rubric-create"), _rubric_data(*criteria))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Rubric.objects.exists()


NEW_CRITERIA = [CriterionSpec("Argument", levels=(LevelSpec("Band 1", "Clear.", 4),))]


def test_editing_an_unused_rubric_changes_it_in_place():
    rubric = RubricFactory()
    edited = rubric_update(rubric=rubric, title="Renamed", criteria=NEW_CRITERIA)
    assert edited.pk == rubric.pk
    assert Rubric.objects.count() == 1
    assert [c.title for c in edited.criteria.all()] == ["Argument"]


def test_editing_a_used_rubric_makes_a_new_version_and_moves_unset_prompts(school):
    rubric = RubricFactory()
    course = school.classroom.course
    set_prompt = EssayPromptFactory(course=course, rubric=rubric)
    unset_prompt = EssayPromptFactory(course=course, rubric=rubric)
    AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.ESSAY, target=set_prompt)
    old_criteria = [(c.title, [lv.marks for lv in c.levels.all()]) for c in rubric.criteria.all()]

    version = rubric_update(rubric=rubric, title=rubric.title, criteria=NEW_CRITERIA)

    assert version.pk != rubric.pk
    assert (version.version, version.previous) == (2, rubric)
    rubric.refresh_from_db()
    assert [
        (c.title, [lv.marks for lv in c.levels.all()]) for c in rubric.criteria.all()
    ] == old_criteria
    set_prompt.refresh_from_db()
    unset_prompt.refresh_from_db()
    assert set_prompt.rubric == rubric
    assert unset_prompt.rubric == version


def test_an_edit_that_changes_nothing_makes_no_version(school):
    rubric = RubricFactory()
    prompt = EssayPromptFactory(course=school.classroom.course, rubric=rubric)
    AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.ESSAY, target=prompt)
    criteria = [
        CriterionSpec(
            c.title,
            c.description,
            tuple(LevelSpec(lv.title, lv.descriptor, lv.marks) for lv in c.levels.all()),
        )
        for c in rubric.criteria.all()
    ]
    same = rubric_update(
        rubric=rubric, title=rubric.title, description=rubric.description, criteria=criteria
    )
    assert same.pk == rubric.pk
    assert Rubric.objects.count() == 1


def test_an_old_version_cannot_be_edited_and_its_edit_page_leads_to_the_latest(client, school):
    rubric = RubricFactory()
    prompt = EssayPromptFactory(course=school.classroom.course, rubric=rubric)
    AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.ESSAY, target=prompt)
    version = rubric_update(rubric=rubric, title="v2", criteria=NEW_CRITERIA)
    client.force_login(school.teacher)
    response = client.get(reverse("courseware:rubric-edit", args=[rubric.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("courseware:rubric-edit", args=[version.pk])


def test_the_rubric_edit_page_says_when_an_edit_will_make_a_version(client, school):
    rubric = RubricFactory()
    prompt = EssayPromptFactory(course=school.classroom.course, rubric=rubric)
    AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.ESSAY, target=prompt)
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:rubric-edit", args=[rubric.pk]),
        _rubric_data(("Knowledge", BANDS), title=rubric.title),
        follow=True,
    )
    assert "your edit is version 2" in response.content.decode()
    assert Rubric.objects.filter(previous=rubric, version=2).exists()


# --- Readings ---------------------------------------------------------------------------------


def _reading_data(**overrides):
    return {
        "title": "Since Lenin Died",
        "slug": "",
        "author": "Max Eastman",
        "kind": "primary",
        "date_label": "1925",
        "citation": "Max Eastman, Since Lenin Died (1925).",
        "provenance": "",
        "licence_note": "",
        "summary": "",
        "text": "",
        **overrides,
    }


def test_a_teacher_adds_a_reading_by_pasting_text(client, school):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:reading-create"), _reading_data(text=reading_text(4))
    )
    reading = Reading.objects.get(slug="since-lenin-died")
    assert response.status_code == 302
    assert response["Location"] == reading.get_absolute_url()
    assert reading.paragraphs.count() == 4
    assert reading.created_by == school.teacher


def test_a_teacher_adds_a_reading_by_uploading_a_text_file(client, school):
    client.force_login(school.teacher)
    upload = SimpleUploadedFile("eastman.txt", reading_text(3).encode(), "text/plain")
    response = client.post(
        reverse("courseware:reading-create"), {**_reading_data(), "file": upload}
    )
    assert response.status_code == 302
    assert Reading.objects.get(slug="since-lenin-died").paragraphs.count() == 3


@pytest.mark.parametrize(
    ("text", "file", "error"),
    [
        ("", None, "Paste the text or upload a plain-text file."),
        ("   \n ", None, "Paste the text or upload a plain-text file."),
        ("", b"", "The submitted file is empty."),
        ("", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "not UTF-8 plain text"),
        ("", b"\x00\x01\x02binary" * 50, "looks like a binary file"),
        ("", b"Trotsky " * 300_000, "the limit is 2 MB"),
        ("Some text", b"More text", "not both"),
    ],
    ids=["nothing", "blank", "empty-file", "undecodable", "binary", "over-2-MB", "both"],
)
def test_bad_reading_input_is_refused_with_a_clear_error_and_nothing_saved(
    client, school, text, file, error
):
    client.force_login(school.teacher)
    data = _reading_data(text=text)
    if file is not None:
        data["file"] = SimpleUploadedFile("source.txt", file, "text/plain")
    response = client.post(reverse("courseware:reading-create"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Reading.objects.exists()


def test_a_reading_slug_may_not_be_taken_twice(client, school):
    ReadingFactory(slug="since-lenin-died")
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:reading-create"), _reading_data(text=reading_text(2))
    )
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert Reading.objects.get().paragraphs.count() == 3


def test_editing_a_readings_details_keeps_its_text(client, school, content):
    before = list(content.reading.paragraphs.values_list("pk", "text"))
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:reading-edit", args=[content.reading.slug]),
        _reading_data(title="The Succession, revised"),
    )
    assert response.status_code == 302
    content.reading.refresh_from_db()
    assert content.reading.title == "The Succession, revised"
    assert list(content.reading.paragraphs.values_list("pk", "text")) == before


def test_replacing_a_readings_text_keeps_evidence_on_unchanged_paragraphs(client, school, content):
    paragraph = content.reading.paragraphs.get(number=3)
    term = term_create(
        course=content.course, slug="t", term="T", definition="D", evidence=[paragraph]
    )
    old_text = paragraph.text
    client.force_login(school.teacher)
    new_text = reading_text(6, heading="Carr") + "\nA seventh paragraph added at the end.\n"
    response = client.post(
        reverse("courseware:reading-edit", args=[content.reading.slug]),
        _reading_data(text=new_text),
        follow=True,
    )
    assert response.status_code == 200
    assert "Text replaced" in response.content.decode()
    assert term.evidence.get().text == old_text
    assert content.reading.paragraphs.last().text == "A seventh paragraph added at the end."
