"""The notification centre, the bell's count, e-mail settings and one-click unsubscribe."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courseware.models import Frequency, NotificationKind, NotificationPreference
from courseware.models.notifications import STUDENT_KINDS, TEACHER_KINDS
from courseware.selectors.notifications import frequencies_for
from courseware.services import notifications as services
from tests.factories import AssignmentFactory, SchoolAdminFactory


def _notify(klass, count: int) -> None:
    for _n in range(count):
        AssignmentFactory(classroom=klass.classroom)
    services.events_dispatch_ready(now=timezone.now())


def test_bell_count_goes_down_as_notifications_are_read(client, klass):
    student = klass.students[0]
    _notify(klass, 3)
    client.force_login(student)
    assert client.get(reverse("courseware:notification-unread")).json()["unread"] == 3
    page = client.get(reverse("courseware:notification-list"))
    first = page.context["notifications"][0]
    client.post(reverse("courseware:notification-open", args=[first.pk]))
    assert client.get(reverse("courseware:notification-unread")).json()["unread"] == 2
    client.post(reverse("courseware:notification-read-all"))
    assert client.get(reverse("courseware:notification-unread")).json()["unread"] == 0


def test_every_page_has_the_bell_linking_to_the_centre(client, klass):
    client.force_login(klass.students[0])
    html = client.get(reverse("courseware:dashboard")).content.decode()
    assert f'href="{reverse("courseware:notification-list")}" class="bell"' in html


def test_notification_list_query_count_does_not_grow(client, klass, django_assert_max_num_queries):
    student = klass.students[0]
    _notify(klass, 25)
    client.force_login(student)
    client.get(reverse("courseware:notification-list"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("courseware:notification-list"))
    assert len(response.context["notifications"]) == 25


def test_preferences_save_and_bad_choice_changes_nothing(client, klass):
    student = klass.students[0]
    client.force_login(student)
    form = {kind: Frequency.IMMEDIATELY for kind in frequencies_for(user=student)}
    bad = {**form, NotificationKind.WORK_SET: "hourly"}
    assert client.post(reverse("courseware:notification-preferences"), bad).status_code == 400
    assert not NotificationPreference.objects.exists()
    good = {**form, NotificationKind.DUE_SOON: Frequency.DIGEST}
    assert client.post(reverse("courseware:notification-preferences"), good).status_code == 302
    assert frequencies_for(user=student)[NotificationKind.DUE_SOON] == Frequency.DIGEST


def test_unsubscribe_get_changes_nothing_and_one_click_post_works_without_a_session(klass):
    student = klass.students[0]
    token = services.unsubscribe_token(user=student, kinds=[NotificationKind.WORK_SET])
    url = reverse("courseware:notifications-unsubscribe", args=[token])
    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.get(url).status_code == 200
    assert frequencies_for(user=student)[NotificationKind.WORK_SET] == Frequency.IMMEDIATELY
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert frequencies_for(user=student)[NotificationKind.WORK_SET] == Frequency.OFF


def test_a_tampered_unsubscribe_link_is_a_clear_400(client, klass):
    token = services.unsubscribe_token(user=klass.students[0], kinds=[NotificationKind.WORK_SET])
    response = client.post(reverse("courseware:notifications-unsubscribe", args=[token + "x"]))
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert not NotificationPreference.objects.exists()


def test_settings_show_each_person_only_the_kinds_that_reach_them(client, klass):
    url = reverse("courseware:notification-preferences")
    client.force_login(klass.students[0])
    student_fields = set(client.get(url).context["form"].fields)
    assert NotificationKind.HELP_ANSWERED in student_fields
    assert NotificationKind.ANNOUNCEMENT in student_fields
    assert not student_fields & set(TEACHER_KINDS)
    assert "(teachers)" not in client.get(url).content.decode()
    client.force_login(klass.teacher)
    teacher_fields = set(client.get(url).context["form"].fields)
    assert set(TEACHER_KINDS) | {NotificationKind.ANNOUNCEMENT} <= teacher_fields
    assert not teacher_fields & set(STUDENT_KINDS)
    client.force_login(SchoolAdminFactory())
    assert set(TEACHER_KINDS) <= set(client.get(url).context["form"].fields)


def test_saving_the_settings_keeps_the_hidden_kinds_as_they_were(client, klass):
    """A student who once taught (or whose role changed) keeps the teachers' choices stored."""
    student = klass.students[0]
    NotificationPreference.objects.create(
        user=student, kind=NotificationKind.HANDED_IN, frequency=Frequency.OFF
    )
    client.force_login(student)
    url = reverse("courseware:notification-preferences")
    shown = client.get(url).context["form"].fields
    form = dict.fromkeys(shown, Frequency.DIGEST)
    # A forged field for a hidden kind is ignored too.
    form[NotificationKind.HELP_REQUESTED] = Frequency.DIGEST
    assert client.post(url, form).status_code == 302
    stored = dict(
        NotificationPreference.objects.filter(user=student).values_list("kind", "frequency")
    )
    assert stored[NotificationKind.HANDED_IN] == Frequency.OFF
    assert NotificationKind.HELP_REQUESTED not in stored
    assert stored[NotificationKind.DUE_SOON] == Frequency.DIGEST
