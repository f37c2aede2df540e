"""The one-page rubric builder: add, reorder and weight criteria; templates; duplicates; the
rules a rubric must meet (levels in order, marks that add up)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from courseware.forms_content import MAX_LEVELS
from courseware.models import Rubric
from courseware.rubric_templates import rubric_templates
from courseware.services.content import rubric_criteria_of, rubric_duplicate
from tests.factories import RubricFactory

pytestmark = pytest.mark.django_db

BANDS = [("Band 2", "5", "Sustained."), ("Band 1", "2", "Some.")]


def rubric_data(*criteria, title="Source analysis", **extra):
    data = {
        "title": title,
        "description": "",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "12",
    } | extra
    for i, (name, levels, *more) in enumerate(criteria):
        data[f"criteria-{i}-title"] = name
        for n, (level, marks, descriptor) in enumerate(levels, start=1):
            data[f"criteria-{i}-level_{n}_title"] = level
            data[f"criteria-{i}-level_{n}_marks"] = marks
            data[f"criteria-{i}-level_{n}_descriptor"] = descriptor
        for key, value in (more[0] if more else {}).items():
            data[f"criteria-{i}-{key}"] = value
    return data


def test_four_weighted_reordered_criteria_are_saved_in_one_post(client, school):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:rubric-create"),
        rubric_data(
            ("Thesis", BANDS, {"ORDER": "2"}),
            ("Context", BANDS, {"ORDER": "1"}),
            ("Evidence", BANDS, {"ORDER": "3", "weight": "2"}),
            ("Analysis", BANDS, {"ORDER": "4"}),
            total_marks="25",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rubric = Rubric.objects.get()
    criteria = list(rubric.criteria.order_by("order").prefetch_related("levels"))
    assert [c.title for c in criteria] == ["Context", "Thesis", "Evidence", "Analysis"]
    assert criteria[2].weight == 2
    assert [level.marks for level in criteria[2].levels.all()] == [Decimal(10), Decimal(4)]
    # The edit page shows the marks as written, before weighting.
    page = client.get(reverse("courseware:rubric-edit", args=[rubric.pk]))
    assert page.context["criteria"].forms[2]["level_1_marks"].value() == Decimal(5)


@pytest.mark.parametrize(
    ("criteria", "extra", "message"),
    [
        ([("Thesis", [("Low", "2", "Some."), ("High", "5", "All.")])], {}, "out of order"),
        ([("Thesis", [("A", "3", "x"), ("B", "3", "y")])], {}, "out of order"),
        ([("Thesis", BANDS), ("Evidence", BANDS)], {"total_marks": "12"}, "add up to 10"),
        ([("Thesis", [])], {}, "at least one level"),
    ],
    ids=["ascending", "equal", "total", "no-levels"],
)
def test_a_bad_rubric_gets_a_field_error_and_nothing_is_saved(
    client, school, criteria, extra, message
):
    client.force_login(school.teacher)
    response = client.post(reverse("courseware:rubric-create"), rubric_data(*criteria, **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rubric.objects.exists()


def test_add_a_criterion_without_javascript_keeps_what_was_typed(client, school):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:rubric-create"),
        rubric_data(("Thesis", BANDS)) | {"add_criterion": "1"},
    )
    assert response.status_code == 200
    forms = response.context["criteria"].forms
    assert len(forms) == 2 and forms[0]["title"].value() == "Thesis"
    assert not Rubric.objects.exists()


@pytest.mark.parametrize(
    ("key", "criteria", "total"),
    [("hsc-bands", 4, 25), ("ap-dbq", 4, 7), ("ib-opcvl", 4, 10)],
)
def test_each_template_fills_the_builder_and_saves_as_it_is(client, school, key, criteria, total):
    template = rubric_templates()[key]
    assert len(template.criteria) == criteria and template.total == total
    assert all(level.descriptor for c in template.criteria for level in c.levels)
    client.force_login(school.teacher)
    page = client.get(reverse("courseware:rubric-create"), {"template": key})
    assert page.context["form"]["title"].value() == template.title
    formset = page.context["criteria"]
    data = {
        "title": template.title,
        "description": template.description,
        "total_marks": str(total),
        **{f"criteria-{k}": v for k, v in _management(formset).items()},
    }
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form[name].value()
            if value not in (None, "") and name != "DELETE":
                data[f"criteria-{i}-{name}"] = str(value)
    assert client.post(reverse("courseware:rubric-create"), data).status_code == 302
    saved = Rubric.objects.get(title=template.title)
    assert rubric_criteria_of(rubric=saved) == list(template.criteria)


def _management(formset) -> dict:
    form = formset.management_form
    return {
        "TOTAL_FORMS": str(form["TOTAL_FORMS"].value()),
        "INITIAL_FORMS": "0",
        "MIN_NUM_FORMS": "0",
        "MAX_NUM_FORMS": "12",
    }


def test_duplicating_a_rubric_copies_criteria_weights_and_levels(client, school):
    rubric = RubricFactory()
    client.force_login(school.teacher)
    response = client.post(reverse("courseware:rubric-duplicate", args=[rubric.pk]))
    copy = Rubric.objects.exclude(pk=rubric.pk).get()
    assert response["Location"] == reverse("courseware:rubric-detail", args=[copy.pk])
    assert copy.title.endswith("(copy)") and copy.owner == school.teacher
    assert rubric_criteria_of(rubric=copy) == rubric_criteria_of(rubric=rubric)
    again = rubric_duplicate(rubric=copy, by=None)
    assert again.version == 1 and again.previous is None


def test_add_a_level_without_javascript_adds_a_row_to_that_criterion_only(client, school):
    client.force_login(school.teacher)
    data = rubric_data(("Thesis", BANDS), ("Evidence", BANDS))
    data |= {"criteria-0-level_count": "2", "criteria-1-level_count": "2"}
    response = client.post(reverse("courseware:rubric-create"), data | {"add_level": "criteria-1"})
    assert response.status_code == 200
    first, second = response.context["criteria"].forms
    assert (first.level_total, second.level_total) == (2, 3)
    assert second["level_2_title"].value() == "Band 1" and second["level_3_title"].value() is None
    page = response.content.decode()
    assert 'name="criteria-1-level_3_title"' in page
    assert 'name="criteria-0-level_3_title"' not in page
    assert not Rubric.objects.exists()


def test_more_levels_than_a_new_criterion_starts_with_are_saved_in_order(client, school):
    levels = [(f"Band {n}", str(n), f"Band {n} work.") for n in range(7, 0, -1)]
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:rubric-create"),
        rubric_data(("Thesis", levels)) | {"criteria-0-level_count": "7"},
    )
    assert response.status_code == 302
    criterion = Rubric.objects.get().criteria.get()
    assert [level.title for level in criterion.levels.order_by("order")] == [
        name for name, _, _ in levels
    ]


def test_a_level_count_past_the_limit_builds_no_more_rows_than_allowed(client, school):
    client.force_login(school.teacher)
    data = rubric_data(("Thesis", BANDS)) | {"criteria-0-level_count": "100000"}
    response = client.post(reverse("courseware:rubric-create"), data | {"add_level": "criteria-0"})
    assert response.context["criteria"].forms[0].level_total == MAX_LEVELS


def test_a_new_criterion_offers_empty_level_rows_with_in_place_tools(client, school):
    client.force_login(school.teacher)
    page = client.get(reverse("courseware:rubric-create")).content.decode()
    assert 'name="criteria-0-level_4_title"' in page
    assert 'name="criteria-0-level_5_title"' not in page
    assert "data-level-add" in page and 'name="add_level" value="criteria-0"' in page


def test_an_empty_extra_criterion_with_its_level_count_is_left_out(client, school):
    client.force_login(school.teacher)
    data = rubric_data(("Thesis", BANDS), ("", [])) | {
        "criteria-0-level_count": "2",
        "criteria-1-level_count": "4",
    }
    response = client.post(reverse("courseware:rubric-create"), data)
    assert response.status_code == 302
    assert Rubric.objects.get().criteria.count() == 1
