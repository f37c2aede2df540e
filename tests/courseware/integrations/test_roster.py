"""Roster sync (NRPS): "Sync roster" on a linked class adds the LMS course's learners and
unenrols those who left it there, keeping their work; students who joined in Lectern stay."""

import re

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courseware.models import Membership, MembershipRole, Submission
from courseware.services import integrations as services
from tests.courseware.integrations.helpers import link_course
from tests.courseware.integrations.platform import LEARNER, Person
from tests.factories import UserFactory, submitted_submission


def _students(classroom) -> set[str]:
    return set(
        Membership.objects.filter(classroom=classroom, role=MembershipRole.STUDENT).values_list(
            "user__username", flat=True
        )
    )


def test_sync_adds_learners_and_unenrols_those_who_left_keeping_their_work(
    client, lms, school, platform
):
    teacher = link_course(client, platform, lms, school)
    platform.launch(client, lms.student)  # Sam joins the class by launching
    client.logout()
    sam = User.objects.get(lti_users__sub=lms.student.sub)
    work = submitted_submission(lms.assignment, sam)
    people = [Person(sub=f"lms-s{n}", name=f"Student {n}", roles=[LEARNER]) for n in range(6)]
    for person in people:
        platform.member(person)
    platform.member(lms.teacher)  # an instructor is not a student
    platform.member(Person(sub="lms-gone", name="Gone", roles=[LEARNER]), status="Inactive")
    # Sam has left the LMS course; the school's own student joined in Lectern.

    client.force_login(teacher)
    response = client.post(reverse("courseware:lti-roster-sync", args=[school.classroom.pk]))
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "6 students added, 1 unenrolled" in messages[0]
    assert school.student.name in messages[1]
    added = set(
        User.objects.filter(lti_users__sub__in=[p.sub for p in people]).values_list(
            "username", flat=True
        )
    )
    assert _students(school.classroom) == added | {school.student.username}
    assert not Membership.objects.filter(classroom=school.classroom, user=sam).exists()
    assert Submission.objects.filter(pk=work.pk).exists()
    assert platform.requests.count("GET /memberships") == 1

    # New learners join on the next sync; a sync with nothing new changes nothing.
    for n in range(6, 12):
        platform.member(Person(sub=f"lms-s{n}", name=f"Student {n}", roles=[LEARNER]))
    services.lti_roster_sync(classroom=school.classroom, by=teacher, now=timezone.now())
    assert len(_students(school.classroom)) == 13
    result = services.lti_roster_sync(classroom=school.classroom, by=teacher, now=timezone.now())
    assert (result.added, result.removed) == ([], [])


def test_a_sync_the_lms_refuses_changes_nothing(client, lms, school, platform):
    teacher = link_course(client, platform, lms, school)
    platform.member(Person(sub="lms-s1", name="One", roles=[LEARNER]))
    platform.tokens.clear()
    platform.tool_jwks = {"keys": []}  # the LMS no longer trusts the tool's key
    before = _students(school.classroom)
    client.force_login(teacher)
    response = client.post(
        reverse("courseware:lti-roster-sync", args=[school.classroom.pk]), follow=True
    )
    assert b"could not be asked" in response.content
    assert _students(school.classroom) == before


def test_an_unlinked_class_cannot_be_synced(client, lms, school, platform):
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:lti-roster-sync", args=[school.classroom.pk]), follow=True
    )
    assert b"not linked to an LMS course" in response.content


def test_the_class_lms_page_shows_the_link_and_the_sync_button(client, lms, school, platform):
    teacher = link_course(client, platform, lms, school)
    client.force_login(teacher)
    page = client.get(reverse("courseware:lti-classroom", args=[school.classroom.pk]))
    assert b"Modern History 12" in page.content
    assert b"Sync roster" in page.content
    assert b"Ms Teacher" in page.content  # who linked it


def _lectern_only(classroom) -> set[str]:
    """The class's students with no LMS identity: those who joined by join code or CSV."""
    return _students(classroom) - set(
        User.objects.filter(lti_users__isnull=False).values_list("username", flat=True)
    )


def test_also_removing_students_not_in_the_lms_asks_first_then_unenrols_exactly_those_listed(
    client, lms, school, platform
):
    teacher = link_course(client, platform, lms, school)
    platform.launch(client, lms.student)  # Sam joins by launching, then leaves the LMS course
    client.logout()
    work = submitted_submission(lms.assignment, school.student)
    stays = Person(sub="lms-stays", name="Stays", roles=[LEARNER])
    platform.launch(client, stays)
    client.logout()
    platform.member(stays)
    for n in range(5):
        platform.member(Person(sub=f"lms-n{n}", name=f"New {n}", roles=[LEARNER]))
    lectern_only = _lectern_only(school.classroom)
    assert school.student.username in lectern_only
    before, accounts = _students(school.classroom), User.objects.count()
    url = reverse("courseware:lti-roster-sync", args=[school.classroom.pk])

    client.force_login(teacher)
    confirm = client.post(url, {"remove_others": "1"})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Remove students who are not in the LMS course?" in html
    for username in lectern_only:
        assert f"({username})" in html
    assert "Stays" not in html  # in the LMS course: not listed
    assert "have left the LMS course" in html and lms.student.name in html
    # Asking changed nothing and made no accounts.
    assert _students(school.classroom) == before
    assert User.objects.count() == accounts
    listed = re.findall(r'name="remove" value="(\d+)"', html)
    assert len(listed) == len(lectern_only)

    # Someone joins by code after the summary was shown: confirming does not remove them.
    late = UserFactory()
    Membership.objects.create(classroom=school.classroom, user=late, role=MembershipRole.STUDENT)
    done = client.post(url, {"remove_others": "1", "confirm": "1", "remove": listed})
    assert done.status_code == 302
    stays_user = User.objects.get(lti_users__sub="lms-stays")
    assert _lectern_only(school.classroom) == {late.username}
    assert stays_user.username in _students(school.classroom)
    assert len(_students(school.classroom)) == 1 + 5 + 1  # stays, five new, the late joiner
    assert Submission.objects.filter(pk=work.pk).exists()  # unenrolled, work kept
    messages = [str(m) for m in done.wsgi_request._messages]
    assert f"{1 + len(lectern_only)} unenrolled" in messages[0]


def test_without_the_option_students_who_joined_in_lectern_are_kept_and_listed(
    client, lms, school, platform
):
    teacher = link_course(client, platform, lms, school)
    platform.member(Person(sub="lms-n1", name="New 1", roles=[LEARNER]))
    lectern_only = _lectern_only(school.classroom)
    client.force_login(teacher)
    page = client.get(reverse("courseware:lti-classroom", args=[school.classroom.pk]))
    assert b"Also remove students who are not in the LMS course" in page.content
    assert b'name="remove_others"' in page.content and b"checked" not in page.content
    response = client.post(
        reverse("courseware:lti-roster-sync", args=[school.classroom.pk]), {"remove": "1"}
    )
    assert response.status_code == 302
    assert _lectern_only(school.classroom) == lectern_only
    messages = [str(m) for m in response.wsgi_request._messages]
    assert school.student.name in messages[1]


def test_the_option_with_nobody_extra_to_remove_syncs_straight_away(client, lms, school, platform):
    teacher = link_course(client, platform, lms, school)
    Membership.objects.filter(classroom=school.classroom, role=MembershipRole.STUDENT).delete()
    platform.member(Person(sub="lms-n1", name="New 1", roles=[LEARNER]))
    client.force_login(teacher)
    response = client.post(
        reverse("courseware:lti-roster-sync", args=[school.classroom.pk]), {"remove_others": "1"}
    )
    assert response.status_code == 302
    assert _students(school.classroom) == {User.objects.get(lti_users__sub="lms-n1").username}
