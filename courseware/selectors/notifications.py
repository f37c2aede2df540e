"""Reads for notifications: who hears of an event, a person's notifications and settings, what is
due soon, what goes in a digest, and the deadlines a calendar feed lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import User
from accounts.permissions import can_study, can_teach
from courseware.models import (
    Announcement,
    Assignment,
    AssignmentKind,
    CalendarFeed,
    Classroom,
    Event,
    Extension,
    Frequency,
    Membership,
    MembershipRole,
    Notification,
    NotificationKind,
    NotificationPreference,
    QuizAttempt,
    ReadingProgress,
    Submission,
)
from courseware.models.notifications import (
    CHOOSABLE_KINDS,
    STUDENT_KINDS,
    TEACHER_KINDS,
    default_frequency,
)
from courseware.models.teaching import MARKED_KINDS
from courseware.selectors.teaching import HANDED_IN
from courseware.timing import effective_dates

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

REMINDER_WINDOW = timedelta(hours=24)


# --- Who hears of an event -----------------------------------------------------------------------


def _members(classroom_ids, role: str | None = None) -> QuerySet[User]:
    members = Membership.objects.filter(classroom__in=classroom_ids)
    if role is not None:
        members = members.filter(role=role)
    return User.objects.filter(pk__in=members.values("user"), is_active=True)


def event_recipients(*, event: Event, now: datetime) -> list[User]:
    """The people an event is for, as it stands now: work withdrawn since, or a class archived,
    tells nobody; a student who left the class is not told of its work."""
    kind = event.kind
    if kind == NotificationKind.ANNOUNCEMENT:
        classroom_ids = event.announcement.classrooms.filter(archived_at__isnull=True).values("pk")
        return list(_members(classroom_ids).exclude(pk=event.announcement.author_id).order_by("pk"))
    assignment = event.assignment
    if assignment is not None and (
        assignment.withdrawn_at is not None or assignment.classroom.archived_at is not None
    ):
        return []
    if kind == NotificationKind.WORK_SET:
        return list(_members([assignment.classroom_id], MembershipRole.STUDENT).order_by("pk"))
    if kind in TEACHER_KINDS:
        return list(_members([assignment.classroom_id], MembershipRole.TEACHER).order_by("pk"))
    if kind == NotificationKind.INVITATION:
        return [event.subject] if event.subject.is_active else []
    # The rest concern one student of the assignment's class.
    student = event.subject
    if not _members([assignment.classroom_id], MembershipRole.STUDENT).filter(pk=student.pk):
        return []
    return [student]


def events_ready(*, now: datetime) -> QuerySet[Event]:
    """Events whose time has come and whose notifications are not yet made."""
    return Event.objects.filter(dispatched_at__isnull=True, deliver_after__lte=now).order_by("pk")


# --- A person's notifications --------------------------------------------------------------------


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for(*, user: User, pk: int) -> Notification:
    """A notification of the user's; anybody else's is missing (404)."""
    try:
        return Notification.objects.get(pk=pk, recipient=user)
    except Notification.DoesNotExist:
        raise Http404 from None


def kinds_reaching(*, user: User) -> list[str]:
    """The kinds a person may choose for that can reach them: teachers' news for people who
    teach (or school admins), students' news for students, announcements for all."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
    teaches = can_teach(user) or MembershipRole.TEACHER in roles
    studies = can_study(user) or MembershipRole.STUDENT in roles
    return [
        kind
        for kind in CHOOSABLE_KINDS
        if (kind in TEACHER_KINDS and teaches)
        or (kind in STUDENT_KINDS and studies)
        or kind not in TEACHER_KINDS | STUDENT_KINDS
    ]


def frequencies_for(*, user: User, kinds: list[str] | None = None) -> dict[str, str]:
    """The e-mail frequency of each kind (every kind a person may choose for, unless ``kinds``
    says which), defaults filled in."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {
        kind: chosen.get(kind, default_frequency(kind))
        for kind in (CHOOSABLE_KINDS if kinds is None else kinds)
    }


def frequencies_of(*, users: list[User], kind: str) -> dict[int, str]:
    """Each person's frequency for one kind, in one query."""
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=kind).values_list(
            "user_id", "frequency"
        )
    )
    return {user.pk: chosen.get(user.pk, default_frequency(kind)) for user in users}


# --- Reminders -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueSoon:
    assignment: Assignment
    student_id: int
    due_at: datetime


def _done_by(assignment: Assignment, student_ids: set[int]) -> set[int]:
    """Which of these students have handed in (essay), taken (quiz) or read (reading) it."""
    if assignment.kind in MARKED_KINDS:
        done = Submission.objects.filter(
            assignment=assignment, student__in=student_ids, status__in=HANDED_IN
        )
    elif assignment.kind == AssignmentKind.QUIZ:
        done = QuizAttempt.objects.filter(
            assignment=assignment, student__in=student_ids, submitted_at__isnull=False
        )
    else:
        done = ReadingProgress.objects.filter(
            reading=assignment.reading_id, student__in=student_ids, marked_read_at__isnull=False
        )
    return set(done.values_list("student_id", flat=True))


def due_within_a_day(*, now: datetime) -> list[DueSoon]:
    """Every student whose own due date (extension applied) falls in the next 24 hours, counted
    as elapsed time (so exact across a change of daylight saving), who has not done the work.

    A few queries per assignment in the window, never per student.
    """
    end = now + REMINDER_WINDOW
    in_window = Q(due_at__gt=now, due_at__lte=end)
    extended_ids = Extension.objects.filter(in_window).values("assignment")
    assignments = (
        Assignment.objects.live()
        .filter(opens_at__lte=now, classroom__archived_at__isnull=True)
        .filter(in_window | Q(pk__in=extended_ids))
        .select_related("classroom")
        .order_by("pk")
    )
    found = []
    for assignment in assignments:
        student_ids = set(
            Membership.objects.filter(
                classroom=assignment.classroom_id, role=MembershipRole.STUDENT
            ).values_list("user_id", flat=True)
        )
        extensions = {e.student_id: e for e in Extension.objects.filter(assignment=assignment)}
        due = {}
        for student_id in student_ids:
            due_at, _cutoff = effective_dates(
                assignment=assignment, extension=extensions.get(student_id)
            )
            if now < due_at <= end:
                due[student_id] = due_at
        for student_id in sorted(set(due) - _done_by(assignment, set(due))):
            found.append(
                DueSoon(assignment=assignment, student_id=student_id, due_at=due[student_id])
            )
    return found


# --- Digests -------------------------------------------------------------------------------------

DIGEST_LOOKBACK = timedelta(days=2)


def digest_recipients(*, now: datetime) -> QuerySet[User]:
    """People with notifications waiting for their digest."""
    waiting = digest_waiting(now=now)
    return User.objects.filter(pk__in=waiting.values("recipient"), is_active=True).order_by("pk")


def digest_waiting(*, now: datetime, user: User | None = None) -> QuerySet[Notification]:
    """Notifications not yet e-mailed, of kinds their recipient wants in a digest (chosen, or by
    default), from the last two days: older news is stale by e-mail and stays in the notification
    centre."""
    chose_digest = Exists(
        NotificationPreference.objects.filter(
            user=OuterRef("recipient"), kind=OuterRef("kind"), frequency=Frequency.DIGEST
        )
    )
    chose_any = Exists(
        NotificationPreference.objects.filter(user=OuterRef("recipient"), kind=OuterRef("kind"))
    )
    digest_by_default = Q(
        kind__in=[k for k in CHOOSABLE_KINDS if default_frequency(k) == Frequency.DIGEST]
    )
    waiting = Notification.objects.filter(
        emailed_at__isnull=True, created_at__gt=now - DIGEST_LOOKBACK, created_at__lte=now
    )
    if user is not None:
        waiting = waiting.filter(recipient=user)
    return waiting.filter(chose_digest | (digest_by_default & ~chose_any))


# --- Calendars -----------------------------------------------------------------------------------


def calendar_feed_by_token(*, token: str) -> CalendarFeed:
    """A live feed by its token; a revoked or unknown token is missing (404)."""
    try:
        return CalendarFeed.objects.select_related("user", "classroom").get(
            token=token, revoked_at__isnull=True, user__is_active=True
        )
    except CalendarFeed.DoesNotExist:
        raise Http404 from None


def calendar_feeds_for(*, user: User) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).select_related(
        "classroom"
    )


@dataclass(frozen=True)
class CalendarEntry:
    assignment: Assignment
    due_at: datetime
    extended: bool


def calendar_entries(*, feed: CalendarFeed) -> list[CalendarEntry]:
    """The deadlines a feed lists: a student's own (extensions applied), a teacher's classes';
    a class feed only that class's. Withdrawn work and archived classes drop out."""
    user = feed.user
    memberships = Membership.objects.filter(user=user, classroom__archived_at__isnull=True)
    if feed.classroom_id is not None:
        memberships = memberships.filter(classroom=feed.classroom_id)
    roles = dict(memberships.values_list("classroom_id", "role"))
    assignments = (
        Assignment.objects.live()
        .filter(classroom__in=list(roles))
        .select_related("classroom")
        .order_by("due_at", "pk")
    )
    student_classes = [pk for pk, role in roles.items() if role == MembershipRole.STUDENT]
    extensions = {
        e.assignment_id: e
        for e in Extension.objects.filter(student=user, assignment__classroom__in=student_classes)
    }
    entries = []
    for assignment in assignments:
        extension = (
            extensions.get(assignment.pk)
            if roles[assignment.classroom_id] == MembershipRole.STUDENT
            else None
        )
        due_at, _cutoff = effective_dates(assignment=assignment, extension=extension)
        entries.append(
            CalendarEntry(assignment=assignment, due_at=due_at, extended=extension is not None)
        )
    return entries


# --- Announcements -------------------------------------------------------------------------------


def announcements_for_classroom(*, classroom: Classroom, limit: int = 10) -> list[Announcement]:
    return list(
        Announcement.objects.filter(classrooms=classroom)
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )


def with_latest_announcement(classrooms: QuerySet[Classroom]) -> QuerySet[Classroom]:
    """Each class with its newest announcement's pk, title and date, in the same query."""
    latest = Announcement.classrooms.through.objects.filter(classroom=OuterRef("pk")).order_by(
        "-announcement__created_at", "-announcement_id"
    )
    return classrooms.annotate(
        latest_announcement_pk=Subquery(latest.values("announcement_id")[:1]),
        latest_announcement_title=Subquery(latest.values("announcement__title")[:1]),
        latest_announcement_at=Subquery(latest.values("announcement__created_at")[:1]),
    )


def latest_announcements(classrooms: list[Classroom]) -> list[dict]:
    """The newest announcement of each class (annotated by ``with_latest_announcement``), each
    once, newest first."""
    seen = {}
    for classroom in classrooms:
        pk = getattr(classroom, "latest_announcement_pk", None)
        if pk is None:
            continue
        entry = seen.setdefault(
            pk,
            {
                "pk": pk,
                "title": classroom.latest_announcement_title,
                "created_at": classroom.latest_announcement_at,
                "classrooms": [],
            },
        )
        entry["classrooms"].append(classroom)
    return sorted(seen.values(), key=lambda e: (e["created_at"], e["pk"]), reverse=True)


def announcements_for_user(*, user: User, limit: int = 5) -> QuerySet[Announcement]:
    """Announcements to the active classes a person is in, newest first."""
    classes = Membership.objects.filter(user=user, classroom__archived_at__isnull=True).values(
        "classroom"
    )
    return (
        Announcement.objects.filter(
            pk__in=Announcement.classrooms.through.objects.filter(classroom__in=classes).values(
                "announcement"
            )
        )
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )


def announcements_visible_to(*, user: User) -> QuerySet[Announcement]:
    """Every announcement to a class the person is in (every one, for a school admin)."""
    queryset = Announcement.objects.select_related("author").prefetch_related("classrooms")
    if not user.is_staff:
        classes = Membership.objects.filter(user=user).values("classroom")
        queryset = queryset.filter(
            pk__in=Announcement.classrooms.through.objects.filter(classroom__in=classes).values(
                "announcement"
            )
        )
    return queryset.order_by("-created_at", "-pk")


def announcement_get_for(*, user: User, pk: int) -> Announcement:
    """An announcement to one of the person's classes (any class, for a school admin)."""
    queryset = Announcement.objects.select_related("author").prefetch_related("classrooms")
    if not user.is_staff:
        queryset = queryset.filter(classrooms__memberships__user=user).distinct()
    try:
        return queryset.get(pk=pk)
    except Announcement.DoesNotExist:
        raise Http404 from None
