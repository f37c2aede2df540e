"""Steps the LTI tests share: linking the LMS course to the school's class as its LMS teacher, and
a student opening a placement of an assignment."""

from django.urls import reverse

from accounts.models import User
from courseware.models import Membership, MembershipRole
from tests.courseware.integrations.platform import CLAIM

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


def link_course(client, platform, lms, school) -> User:
    """The LMS teacher launches, is made a teacher of the school's class (classes are the school
    admin's to staff) and links the LMS course to it; then signs out."""
    platform.launch(client, lms.teacher)
    teacher = User.objects.get(lti_users__sub=lms.teacher.sub)
    Membership.objects.create(classroom=school.classroom, user=teacher, role=MembershipRole.TEACHER)
    response = client.post(reverse("courseware:lti-link-class"), {"classroom": school.classroom.pk})
    assert response.status_code == 302
    client.logout()
    return teacher


def launch_placement(client, platform, lms, school, assignment, *, lineitem: str | None) -> User:
    """The student opens the deep-linked placement; the launch names its line item (if any)."""
    ags = {
        "scope": [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        ],
        "lineitems": platform.base + "/lineitems",
    }
    if lineitem:
        ags["lineitem"] = lineitem
    response = platform.launch(
        client,
        lms.student,
        claims={
            CLAIM + "custom": {"lectern_assignment": str(assignment.pk)},
            CLAIM + "resource_link": {"id": f"placement-{assignment.pk}"},
            AGS: ags,
        },
    )
    assert response["Location"] == reverse("courseware:assignment-detail", args=[assignment.pk])
    client.logout()
    return User.objects.get(lti_users__sub=lms.student.sub)
