"""The site shell: landing page, role-aware navigation, dashboards and friendly errors."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from courseware.models import MembershipRole
from tests.factories import ClassroomFactory, MembershipFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_landing_page_says_what_lectern_is_and_offers_login(client):
    page = client.get(reverse("home")).content.decode()
    assert "source-based history" in page
    assert reverse("account_login") in page
    assert 'href="#main"' in page  # skip link for keyboard users


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        ("student", ["Dashboard", "Courses", "Search"], ["School admin", "My classes", "Rubrics"]),
        ("teacher", ["My classes", "Courses", "Readings", "Rubrics"], ["School admin"]),
        ("school_admin", ["My classes", "Readings", "School admin"], []),
    ],
)
def test_navigation_offers_what_the_role_may_do(client, school, role, sees, does_not_see):
    client.force_login(school.user_for(role))
    nav = client.get(reverse("home")).content.decode().split("</nav>")[0]
    for label in sees:
        assert label in nav
    for label in does_not_see:
        assert label not in nav


def test_student_dashboard_lists_only_their_classes_with_class_sizes(client, school):
    MembershipFactory(classroom=school.classroom, role=MembershipRole.STUDENT)
    client.force_login(school.student)
    response = client.get(reverse("courseware:dashboard"))
    page = response.content.decode()
    assert school.classroom.name in page
    assert school.other_classroom.name not in page
    [classroom] = response.context["classrooms"]
    assert classroom.student_count == 2
    assert "2 students" in page


def test_class_roster_is_shown_to_its_teacher_not_its_students(client, school):
    url = reverse("courseware:classroom-detail", args=[school.classroom.pk])
    client.force_login(school.teacher)
    assert school.student.email in client.get(url).content.decode()
    client.force_login(school.student)
    page = client.get(url).content.decode()
    assert "Roster" not in page
    assert school.classroom.join_code not in page


def test_dashboard_queries_do_not_grow_with_classes(client, django_assert_max_num_queries):
    student = StudentFactory()
    for _ in range(40):
        MembershipFactory(classroom=ClassroomFactory(), user=student, role=MembershipRole.STUDENT)
    client.force_login(student)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("courseware:dashboard"))
    assert response.content.decode().count('class="class-card"') == 40


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_is_friendly_and_standalone():
    page = render_to_string("500.html")
    assert "Something went wrong" in page
    assert "Nothing you saved has been lost" in page


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_an_oversized_form_post_gets_a_friendly_400_and_changes_nothing(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    student = StudentFactory()
    client.force_login(student)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "x" * 5000, "first_name": "", "last_name": ""}
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    student.refresh_from_db()
    assert student.display_name != "x" * 5000
