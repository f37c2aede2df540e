"""Steps the LTI tests share: linking the LMS course to the school's class as its LMS teacher."""

from django.urls import reverse

from accounts.models import User
from courseware.models import Membership, MembershipRole


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
