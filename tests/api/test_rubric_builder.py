"""Rubrics in the API: weights, level order, totals, templates and duplicates."""

import pytest

from courseware.models import Rubric

pytestmark = pytest.mark.django_db


def test_a_template_posted_back_makes_a_rubric_with_its_total(api_as, school):
    client = api_as("teacher")
    templates = client.get("/api/v1/rubrics/templates/").json()
    assert [t["key"] for t in templates] == ["hsc-bands", "ap-dbq", "ib-opcvl"]
    dbq = templates[1]
    body = {key: dbq[key] for key in ("title", "description", "total_marks", "criteria")}
    created = client.post("/api/v1/rubrics/", body, format="json")
    assert created.status_code == 201, created.content
    assert [c["title"] for c in created.json()["criteria"]] == [
        "A. Thesis / claim",
        "B. Contextualisation",
        "C. Evidence",
        "D. Analysis and reasoning",
    ]


def _criterion(title, *marks, weight=1):
    return {
        "title": title,
        "weight": weight,
        "levels": [{"title": f"L{m}", "descriptor": "d", "marks": str(m)} for m in marks],
    }


def test_weights_multiply_level_marks(api_as, school):
    body = {"title": "W", "total_marks": "16", "criteria": [_criterion("A", 4, 1, weight=3)]}
    body["criteria"].append(_criterion("B", 4, 2))
    response = api_as("teacher").post("/api/v1/rubrics/", body, format="json")
    assert response.status_code == 201, response.content
    first = response.json()["criteria"][0]
    assert first["weight"] == 3 and [lv["marks"] for lv in first["levels"]] == ["12.00", "3.00"]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"title": "W", "criteria": [_criterion("A", 1, 4)]}, "criteria.0"),
        ({"title": "W", "total_marks": "9", "criteria": [_criterion("A", 4, 1)]}, "total_marks"),
    ],
)
def test_levels_out_of_order_or_a_wrong_total_is_a_400_and_nothing_saved(api_as, school, body, key):
    before = Rubric.objects.count()
    response = api_as("teacher").post("/api/v1/rubrics/", body, format="json")
    assert response.status_code == 400 and key in response.json()
    assert Rubric.objects.count() == before
