"""What importing a OneRoster export would do: row by row, against what Lectern already has.

``roster_plan`` never writes. It matches every row to what an earlier import made (by its
``sourcedId``) or, for a user met for the first time, to an account with the same e-mail
address, and says what importing would do to it: create, update, archive, leave unchanged or
skip (a role Lectern has no place for). Anything that would make the import go wrong is an error
with its file, line and field; an import with any error imports nothing. Its queries are a
fixed number, whatever the size of the export.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import Role, User
from courseware.models import (
    Classroom,
    Membership,
    MembershipRole,
    RosterClass,
    RosterEnrolment,
    RosterImport,
    RosterUser,
)
from courseware.oneroster import (
    AcademicSessionRow,
    ClassRow,
    EnrolmentRole,
    EnrolmentRow,
    Parsed,
    RowError,
    SessionType,
    UserRole,
    UserRow,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from courseware.models import Course


class Verb(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    UNCHANGED = "unchanged"
    SKIP = "skip"


KINDS = ("users", "classes", "enrollments")
USER_ROLES = {UserRole.STUDENT: Role.STUDENT, UserRole.TEACHER: Role.TEACHER}
ENROLMENT_ROLES = {
    EnrolmentRole.STUDENT: MembershipRole.STUDENT,
    EnrolmentRole.TEACHER: MembershipRole.TEACHER,
}


@dataclass
class UserAction:
    line: int
    row: UserRow
    verb: Verb
    role: str | None = None  # the Lectern role of a new account
    username: str = ""
    user: User | None = None
    link: RosterUser | None = None
    note: str = ""


@dataclass
class ClassAction:
    line: int
    row: ClassRow
    verb: Verb
    year: int = 0
    term: str = ""
    classroom: Classroom | None = None
    link: RosterClass | None = None


@dataclass
class EnrolmentAction:
    line: int
    row: EnrolmentRow
    verb: Verb
    role: str | None = None
    link: RosterEnrolment | None = None
    note: str = ""


@dataclass
class RosterPlan:
    """What importing would do, or why it cannot be imported."""

    users: list[UserAction] = field(default_factory=list)
    classes: list[ClassAction] = field(default_factory=list)
    enrolments: list[EnrolmentAction] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    orgs: int = 0
    sessions: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind (users, classes, enrollments): how many rows of each verb."""
        result = {}
        for kind, actions in zip(KINDS, (self.users, self.classes, self.enrolments), strict=True):
            tally = Counter(action.verb for action in actions)
            result[kind] = {verb.value: tally.get(verb, 0) for verb in Verb}
        return result

    def changes(self) -> int:
        return sum(
            count
            for kind in self.counts().values()
            for verb, count in kind.items()
            if verb in (Verb.CREATE, Verb.UPDATE, Verb.ARCHIVE)
        )


def roster_imports_recent(*, limit: int = 10) -> QuerySet[RosterImport]:
    """The latest uploads, newest first, without their archives."""
    return (
        RosterImport.objects.defer("archive")
        .select_related("uploaded_by", "course")
        .order_by("-uploaded_at")[:limit]
    )


def _duplicates(rows: list[tuple[int, Any]], file: str, errors: list[RowError]) -> set[int]:
    """Lines whose sourcedId an earlier line of the file already has."""
    first: dict[str, int] = {}
    bad = set()
    for line, row in rows:
        seen = first.setdefault(row.sourcedId, line)
        if seen != line:
            errors.append(
                RowError(
                    file,
                    line,
                    "sourcedId",
                    _("“%(id)s” is already on line %(line)s.")
                    % {"id": row.sourcedId, "line": seen},
                )
            )
            bad.add(line)
    return bad


def roster_plan(*, parsed: Parsed, course: Course) -> RosterPlan:
    """Say what importing the parsed export would do; new classes are classes of ``course``."""
    plan = RosterPlan(errors=list(parsed.errors))
    orgs = {row.sourcedId for _line, row in parsed.rows.get("orgs", [])}
    sessions: dict[str, AcademicSessionRow] = {
        row.sourcedId: row for _line, row in parsed.rows.get("academicSessions", [])
    }
    plan.orgs, plan.sessions = len(orgs), len(sessions)
    user_rows = parsed.rows.get("users", [])
    class_rows = parsed.rows.get("classes", [])
    enrolment_rows = parsed.rows.get("enrollments", [])
    bad_users = _duplicates(user_rows, "users.csv", plan.errors)
    bad_classes = _duplicates(class_rows, "classes.csv", plan.errors)
    bad_enrolments = _duplicates(enrolment_rows, "enrollments.csv", plan.errors)

    user_actions = _plan_users(
        [(line, row) for line, row in user_rows if line not in bad_users], orgs, plan.errors
    )
    class_actions = _plan_classes(
        [(line, row) for line, row in class_rows if line not in bad_classes],
        orgs,
        sessions,
        course,
        plan.errors,
    )
    plan.users = list(user_actions.values())
    plan.classes = list(class_actions.values())
    plan.enrolments = _plan_enrolments(
        [(line, row) for line, row in enrolment_rows if line not in bad_enrolments],
        user_actions,
        class_actions,
        plan.errors,
        parsed.unread,
    )
    plan.errors.sort(key=lambda error: (error.file, error.line, error.field))
    return plan


# --- Users --------------------------------------------------------------------------------------


def _plan_users(
    rows: list[tuple[int, UserRow]], orgs: set[str], errors: list[RowError]
) -> dict[str, UserAction]:
    def error(line: int, name: str, message: str) -> None:
        errors.append(RowError("users.csv", line, name, message))

    links = {
        link.sourced_id: link
        for link in RosterUser.objects.select_related("user").filter(
            sourced_id__in=[row.sourcedId for _line, row in rows]
        )
    }
    emails = {row.email for _line, row in rows if row.email}
    usernames = {row.username.lower() for _line, row in rows if row.username} | emails
    by_email = {
        user.email_ci: user
        for user in User.objects.select_related("roster_link")
        .annotate(email_ci=Lower("email"))
        .filter(email_ci__in=emails)
    }
    taken_usernames = set(
        User.objects.annotate(name_ci=Lower("username"))
        .filter(name_ci__in=usernames)
        .values_list("name_ci", flat=True)
    )
    validator = UnicodeUsernameValidator()
    seen_emails: dict[str, int] = {}
    seen_usernames: set[str] = set()
    actions: dict[str, UserAction] = {}

    for line, row in rows:
        action = UserAction(line=line, row=row, verb=Verb.UNCHANGED)
        problems = len(errors)
        for org in row.orgSourcedIds:
            if org not in orgs:
                error(line, "orgSourcedIds", _("“%(id)s” is not in orgs.csv.") % {"id": org})
        wanted_active = row.enabledUser and not row.to_be_deleted
        role = USER_ROLES.get(row.role)
        link = links.get(row.sourcedId)
        user = link.user if link else None
        if role is None:
            action.verb = Verb.SKIP
            action.note = _("Lectern has no place for the role “%(role)s”.") % {"role": row.role}
            actions[row.sourcedId] = action
            continue
        if row.email:
            earlier = seen_emails.setdefault(row.email, line)
            if earlier != line:
                error(
                    line,
                    "email",
                    _("“%(email)s” is already on line %(line)s.")
                    % {"email": row.email, "line": earlier},
                )
        elif wanted_active:
            error(line, "email", _("Lectern needs an e-mail address for every account."))
        owner = by_email.get(row.email or "")
        if user is None and owner is not None:
            other = getattr(owner, "roster_link", None)
            if other is not None:
                error(
                    line,
                    "email",
                    _("“%(email)s” belongs to the account of sourcedId “%(id)s”.")
                    % {"email": row.email, "id": other.sourced_id},
                )
            else:
                user = owner
                action.note = _("Linked to the existing account %(username)s.") % {
                    "username": owner.username
                }
        elif user is not None and owner is not None and owner.pk != user.pk:
            error(
                line,
                "email",
                _("“%(email)s” belongs to another account (%(username)s).")
                % {"email": row.email, "username": owner.username},
            )
        action.user, action.link, action.role = user, link, role
        if user is not None:
            if user.role == Role.ADMIN and (role == Role.STUDENT or not wanted_active):
                error(
                    line,
                    "role",
                    _(
                        "%(username)s is a school admin: an import neither enrols nor "
                        "deactivates school admins."
                    )
                    % {"username": user.username},
                )
            elif user.role != role and user.role != Role.ADMIN:
                error(
                    line,
                    "role",
                    _("%(username)s has a %(has)s account, not a %(wanted)s one.")
                    % {
                        "username": user.username,
                        "has": Role(user.role).label.lower(),
                        "wanted": Role(role).label.lower(),
                    },
                )
            action.verb = _user_verb(action, wanted_active)
        elif not wanted_active:
            action.verb = Verb.SKIP
            action.note = _("Not active: no account is made.")
        else:
            action.verb = Verb.CREATE
            action.username = _new_username(row, validator, taken_usernames, seen_usernames)
            if not action.username:
                error(
                    line,
                    "username",
                    _(
                        "Neither the username “%(username)s” nor the e-mail address is free to "
                        "use as a username."
                    )
                    % {"username": row.username},
                )
            seen_usernames.add(action.username.lower())
        if len(errors) > problems:
            action.verb = Verb.SKIP
        actions[row.sourcedId] = action
    return actions


def _user_verb(action: UserAction, wanted_active: bool) -> Verb:
    user, row = action.user, action.row
    if not wanted_active:
        return Verb.ARCHIVE if user.is_active else Verb.UNCHANGED
    reactivate = not user.is_active and (
        action.link is not None and action.link.deactivated_by_roster
    )
    if not user.is_active and not reactivate:
        action.note = _("The account is deactivated in Lectern; it stays so.")
    changed = (
        action.link is None
        or reactivate
        or (row.email or user.email) != user.email.lower()
        or row.givenName != user.first_name
        or row.familyName != user.last_name
    )
    return Verb.UPDATE if changed else Verb.UNCHANGED


def _new_username(row: UserRow, validator, taken: set[str], seen: set[str]) -> str:
    for candidate in (row.username, row.email or ""):
        if not candidate or len(candidate) > 150:
            continue
        try:
            validator(candidate)
        except ValidationError:
            continue
        if candidate.lower() not in taken and candidate.lower() not in seen:
            return candidate
    return ""


# --- Classes ------------------------------------------------------------------------------------


def _plan_classes(
    rows: list[tuple[int, ClassRow]],
    orgs: set[str],
    sessions: dict[str, AcademicSessionRow],
    course: Course,
    errors: list[RowError],
) -> dict[str, ClassAction]:
    def error(line: int, name: str, message: str) -> None:
        errors.append(RowError("classes.csv", line, name, message))

    links = {
        link.sourced_id: link
        for link in RosterClass.objects.select_related("classroom").filter(
            sourced_id__in=[row.sourcedId for _line, row in rows]
        )
    }
    named = {
        (room.course_id, room.year, room.name): room.pk
        for room in Classroom.objects.filter(name__in=[row.title for _line, row in rows]).only(
            "pk", "course_id", "year", "name"
        )
    }
    claimed: dict[tuple, int] = {}
    actions: dict[str, ClassAction] = {}
    for line, row in rows:
        problems = len(errors)
        action = ClassAction(line=line, row=row, verb=Verb.UNCHANGED)
        if row.schoolSourcedId not in orgs:
            error(
                line,
                "schoolSourcedId",
                _("“%(id)s” is not in orgs.csv.") % {"id": row.schoolSourcedId},
            )
        terms = []
        for term_id in row.termSourcedIds:
            if term_id in sessions:
                terms.append(sessions[term_id])
            else:
                error(
                    line,
                    "termSourcedIds",
                    _("“%(id)s” is not in academicSessions.csv.") % {"id": term_id},
                )
        if not row.termSourcedIds:
            error(line, "termSourcedIds", _("A class needs at least one academic session."))
        if terms:
            action.year = terms[0].schoolYear
            action.term = "" if terms[0].type == SessionType.SCHOOL_YEAR else terms[0].title[:40]
        link = links.get(row.sourcedId)
        action.link = link
        action.classroom = link.classroom if link else None
        room = action.classroom
        if room is None and row.to_be_deleted:
            action.verb = Verb.SKIP
        elif room is not None and row.to_be_deleted:
            action.verb = Verb.UNCHANGED if room.is_archived else Verb.ARCHIVE
        else:
            course_id = room.course_id if room else course.pk
            key = (course_id, action.year, row.title)
            holder = named.get(key)
            if holder is not None and (room is None or holder != room.pk):
                error(
                    line,
                    "title",
                    _("A class named “%(name)s” of %(year)s already exists for this course.")
                    % {"name": row.title, "year": action.year},
                )
            earlier = claimed.setdefault(key, line)
            if earlier != line:
                error(
                    line,
                    "title",
                    _("Line %(line)s makes a class of the same name and year.") % {"line": earlier},
                )
            if room is None:
                action.verb = Verb.CREATE
            elif (
                (room.is_archived and link.archived_by_roster)
                or room.name != row.title
                or room.year != action.year
                or room.term != action.term
            ):
                action.verb = Verb.UPDATE
        if len(errors) > problems:
            action.verb = Verb.SKIP
        actions[row.sourcedId] = action
    return actions


# --- Enrolments ---------------------------------------------------------------------------------


def _plan_enrolments(
    rows: list[tuple[int, EnrolmentRow]],
    users: dict[str, UserAction],
    classes: dict[str, ClassAction],
    errors: list[RowError],
    unread: set[tuple[str, str]],
) -> list[EnrolmentAction]:
    def error(line: int, name: str, message: str) -> None:
        errors.append(RowError("enrollments.csv", line, name, message))

    # Users and classes that are not in this file but came in an earlier import.
    known_users = {
        link.sourced_id: link.user
        for link in RosterUser.objects.select_related("user").filter(
            sourced_id__in={row.userSourcedId for _l, row in rows} - set(users)
        )
    }
    known_classes = {
        link.sourced_id: link.classroom
        for link in RosterClass.objects.select_related("classroom").filter(
            sourced_id__in={row.classSourcedId for _l, row in rows} - set(classes)
        )
    }
    links = {
        link.sourced_id: link
        for link in RosterEnrolment.objects.filter(
            sourced_id__in=[row.sourcedId for _line, row in rows]
        )
    }
    user_ids = {a.user.pk for a in users.values() if a.user} | {u.pk for u in known_users.values()}
    room_ids = {a.classroom.pk for a in classes.values() if a.classroom} | {
        c.pk for c in known_classes.values()
    }
    memberships = {
        (user_id, room_id): role
        for user_id, room_id, role in Membership.objects.filter(
            user_id__in=user_ids, classroom_id__in=room_ids
        ).values_list("user_id", "classroom_id", "role")
    }
    pairs: dict[tuple[str, str], int] = {}
    actions = []
    for line, row in rows:
        problems = len(errors)
        action = EnrolmentAction(line=line, row=row, verb=Verb.UNCHANGED)
        actions.append(action)
        role = ENROLMENT_ROLES.get(row.role)
        if role is None:
            action.verb = Verb.SKIP
            action.note = _("Lectern has no place for the role “%(role)s”.") % {"role": row.role}
            continue
        action.role = role
        user_action = users.get(row.userSourcedId)
        class_action = classes.get(row.classSourcedId)
        user = user_action.user if user_action else known_users.get(row.userSourcedId)
        room = class_action.classroom if class_action else known_classes.get(row.classSourcedId)
        if ("users", row.userSourcedId) in unread or ("classes", row.classSourcedId) in unread:
            action.verb = Verb.SKIP
            action.note = _("Its user or class has an error of its own.")
            continue
        if user_action is None and user is None:
            error(
                line,
                "userSourcedId",
                _("“%(id)s” is not in users.csv.") % {"id": row.userSourcedId},
            )
        if class_action is None and room is None:
            error(
                line,
                "classSourcedId",
                _("“%(id)s” is not in classes.csv.") % {"id": row.classSourcedId},
            )
        if len(errors) > problems:
            action.verb = Verb.SKIP
            continue
        earlier = pairs.setdefault((row.userSourcedId, row.classSourcedId), line)
        if earlier != line:
            error(
                line,
                "userSourcedId",
                _("Line %(line)s already enrols this user in this class.") % {"line": earlier},
            )
        account_role = (user.role if user else None) or (user_action.role if user_action else None)
        if user_action is not None and user_action.verb == Verb.SKIP and user is None:
            action.verb = Verb.SKIP
            action.note = _("The user is not imported.")
            continue
        if class_action is not None and class_action.verb == Verb.SKIP and room is None:
            action.verb = Verb.SKIP
            action.note = _("The class is not imported.")
            continue
        if role == MembershipRole.TEACHER and account_role not in (Role.TEACHER, Role.ADMIN):
            error(line, "role", _("Only a teacher's account can teach a class."))
        if role == MembershipRole.STUDENT and account_role != Role.STUDENT:
            error(line, "role", _("Only a student's account can be enrolled as a student."))
        link = links.get(row.sourcedId)
        action.link = link
        if link is not None and (
            (user is not None and link.user_id != user.pk)
            or (room is not None and link.classroom_id != room.pk)
            or link.role != role
        ):
            error(
                line,
                "sourcedId",
                _(
                    "This enrolment was imported for another user, class or role; end it and "
                    "enrol again with a new sourcedId."
                ),
            )
        held = memberships.get((user.pk, room.pk)) if user and room else None
        if held is not None and held != role:
            error(
                line,
                "role",
                _("%(username)s is already in the class as a %(role)s.")
                % {"username": user.username, "role": MembershipRole(held).label.lower()},
            )
        if len(errors) > problems:
            action.verb = Verb.SKIP
        elif row.to_be_deleted:
            action.verb = Verb.ARCHIVE if link and link.ended_at is None else Verb.SKIP
            if link is not None and link.ended_at is not None:
                action.verb = Verb.UNCHANGED
        elif link is None:
            action.verb = Verb.CREATE
        elif link.ended_at is not None or held is None:
            action.verb = Verb.UPDATE  # started again
    return actions
