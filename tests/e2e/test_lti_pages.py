"""The LTI pages a teacher and a student reach pass axe (WCAG 2.1 A/AA) and work at phone width:
a class's LMS page with its Sync roster button and the summary before also removing students
who joined in Lectern, an assignment's grade passback list with a
failure, the page a student of an unlinked course sees, and the page a refused launch shows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import LtiContext, LtiResourceLink

from courseware.models import (
    AssignmentKind,
    Classroom,
    LtiAssignmentLink,
    LtiClassLink,
    LtiScorePost,
    MembershipRole,
    ScorePostStatus,
)
from courseware.services import integrations
from courseware.services.submissions import (
    submission_draft_save,
    submission_start,
    submission_submit,
)
from tests.e2e.axe import axe_violations, format_violations
from tests.e2e.conftest import save_screenshot

PASSWORD = "lectern-demo"
CLASS_A = "HSCMHA26"


def _lms_world():
    classroom = Classroom.objects.get(join_code=CLASS_A)
    essay = classroom.assignments.get(kind=AssignmentKind.ESSAY)
    student = classroom.memberships.filter(role=MembershipRole.STUDENT).order_by("pk")[0].user
    teacher = classroom.memberships.filter(role=MembershipRole.TEACHER).order_by("pk")[0].user
    registration = integrations.platform_register(
        name="School Moodle",
        issuer="https://moodle.example.edu",
        client_id="lectern",
        auth_url="https://moodle.example.edu/mod/lti/auth.php",
        token_url="https://moodle.example.edu/mod/lti/token.php",
        keyset_url="https://moodle.example.edu/mod/lti/certs.php",
        deployment_ids=["1"],
    )
    context = LtiContext.objects.create(
        deployment=registration.deployments.get(), id_on_platform="42", title="Modern History 12"
    )
    now = timezone.now()
    LtiClassLink.objects.create(context=context, classroom=classroom, linked_at=now)
    resource = LtiResourceLink.objects.create(context=context, id_on_platform="r1")
    link = LtiAssignmentLink.objects.create(resource_link=resource, assignment=essay)
    submission = submission_start(assignment=essay, student=student, now=now)
    words = max(essay.prompt.min_words, 10)
    submission = submission_draft_save(
        submission=submission,
        text=" ".join(["Stalin controlled the apparatus."] * (words // 4 + 1)),
        revision=0,
        by=student,
        now=now,
    )
    submission_submit(
        submission=submission, revision=submission.revision, honesty_declared=True, by=student,
        now=now,
    )  # fmt: skip
    LtiScorePost.objects.create(
        submission=submission,
        student=student,
        link=link,
        requested_at=now,
        status=ScorePostStatus.FAILED,
        attempts=2,
        last_error="The LMS answered 503.",
    )
    # The quiz is placed in the LMS too; its score is on its way (quizzes have no submission).
    quiz = classroom.assignments.get(kind=AssignmentKind.QUIZ)
    quiz_link = LtiAssignmentLink.objects.create(
        resource_link=LtiResourceLink.objects.create(context=context, id_on_platform="r2"),
        assignment=quiz,
    )
    LtiScorePost.objects.create(
        student=student,
        link=quiz_link,
        requested_at=now,
        status=ScorePostStatus.FAILED,
        attempts=1,
        last_error="The LMS answered 503.",
    )
    return classroom, essay, quiz, teacher, student


@pytest.mark.parametrize("width", [1280, 390])
def test_lti_pages_have_no_axe_violations(
    page, live_server, demo_school, log_in, width, monkeypatch
):
    classroom, essay, quiz, teacher, student = _lms_world()
    others = [m.user for m in classroom.memberships.filter(role=MembershipRole.STUDENT)[:3]]
    # The LMS is not reachable here: its member list says everyone but these three is in it.
    monkeypatch.setattr(
        integrations,
        "lti_roster_preview",
        lambda **kwargs: integrations.RosterSyncResult(kept=others),
    )
    page.set_viewport_size({"width": width, "height": 900})
    reports = []

    def check(path: str, status: int) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == status, f"{path} answered {response.status}"
        page.wait_for_load_state("load")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth > window.innerWidth + 1"
        )
        assert not overflow, f"{path} is wider than {width}px"
        violations = axe_violations(page)
        if violations:
            reports.append(format_violations(path, violations))
        save_screenshot(page, f"lti-{width}--" + path.strip("/").replace("/", "_"))

    check(reverse("courseware:lti-login"), 400)
    log_in(page, teacher.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}{reverse('courseware:dashboard')}")
    check(reverse("courseware:lti-classroom", args=[classroom.pk]), 200)
    page.get_by_label("Also remove students who are not in the LMS course").check()
    page.get_by_role("button", name="Sync roster").click()
    page.get_by_role("heading", name="Remove students who are not in the LMS course?").wait_for()
    assert page.get_by_role("button", name="Sync and remove 3 students").is_visible()
    violations = axe_violations(page)
    if violations:
        reports.append(format_violations("roster confirmation", violations))
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    check(reverse("courseware:lti-grade-passback", args=[essay.pk]), 200)
    check(reverse("courseware:marking-queue", args=[essay.pk]), 200)
    assert page.get_by_role("alert").filter(has_text="could not be sent").is_visible()
    page.get_by_role("link", name="See which, and send them again").click()
    page.get_by_role("button", name="Send failed grades again now").wait_for()
    # The quiz's page for its teacher says its score could not be sent, and its LMS grades page
    # lists the student.
    check(reverse("courseware:assignment-detail", args=[quiz.pk]), 200)
    assert page.get_by_role("alert").filter(has_text="could not be sent").is_visible()
    check(reverse("courseware:lti-grade-passback", args=[quiz.pk]), 200)
    assert page.get_by_role("cell", name="The LMS answered 503.").is_visible()
    assert not reports, "\n".join(reports)
