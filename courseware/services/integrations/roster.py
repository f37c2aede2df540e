"""Roster sync (NRPS): the class's students in line with the LMS course."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import requests
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from lti_tool.models import (
    LtiUser,
)
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.names_roles import NamesRolesProvisioningService

from accounts.models import User
from courseware import lti, permissions
from courseware.models import (
    Classroom,
    LtiClassLink,
    Membership,
    MembershipRole,
)
from courseware.services.integrations.launches import LaunchRefused, _account_for, _lti_user
from courseware.services.integrations.passback import _connector, _describe
from courseware.services.teaching import membership_add, membership_remove


class RosterSyncFailed(Exception):
    """The LMS could not be asked for the course's members; nothing was changed."""


# --- Roster sync (NRPS) --------------------------------------------------------------------------


@dataclass
class RosterSyncResult:
    added: list[User] = field(default_factory=list)
    removed: list[User] = field(default_factory=list)
    kept: list[User] = field(default_factory=list)  # students who joined in Lectern, not the LMS


def _members(link: LtiClassLink) -> list[dict]:
    context = link.context
    if not context.memberships_url:
        raise RosterSyncFailed(
            _("%(course)s has not offered its member list (NRPS); launch Lectern from it first.")
            % {"course": context}
        )
    nrps = NamesRolesProvisioningService(
        _connector(context.deployment.registration),
        {"context_memberships_url": context.memberships_url},
    )
    try:
        return nrps.get_members()
    except (LtiException, LtiServiceException, requests.RequestException) as error:
        raise RosterSyncFailed(
            _("The LMS could not be asked for the course's members: %(error)s")
            % {"error": _describe(error)}
        ) from error


def _linked_members(*, classroom: Classroom, by: User) -> list[tuple[LtiClassLink, list[dict]]]:
    if not permissions.can_sync_lms_roster(by, classroom):
        raise PermissionDenied
    links = list(
        LtiClassLink.objects.filter(classroom=classroom).select_related(
            "context__deployment__registration"
        )
    )
    if not links:
        raise RosterSyncFailed(_("This class is not linked to an LMS course."))
    return [(link, _members(link)) for link in links]


def _learners(members: list[dict]) -> list[dict]:
    """The course's active learners (not its teachers), with an LMS user id."""
    learners = []
    for member in members:
        teaches, learns = lti.roles_of({CLAIM_ROLES: member.get("roles") or []})
        status = member.get("status") or "Active"
        if teaches or not learns or status != "Active" or not member.get("user_id"):
            continue
        learners.append(member)
    return learners


def lti_roster_sync(
    *,
    classroom: Classroom,
    by: User,
    now: datetime,
    remove_others: frozenset[int] = frozenset(),
) -> RosterSyncResult:
    """Bring the class's students in line with its linked LMS courses: learners there are added
    (accounts made as on a first launch); students linked to that LMS who are no longer there
    are unenrolled, keeping their work. Students who joined in Lectern are left alone and listed
    as kept, unless their ids are in ``remove_others`` (those the teacher confirmed after
    :func:`lti_roster_preview`): then they are unenrolled too, keeping their work."""
    fetched = _linked_members(classroom=classroom, by=by)
    return _roster_apply(classroom=classroom, fetched=fetched, now=now, remove_others=remove_others)


def lti_roster_preview(*, classroom: Classroom, by: User) -> RosterSyncResult:
    """What a sync would unenrol, changing nothing: ``removed`` are the students who left the
    LMS course, ``kept`` those who joined in Lectern and are not in it (unenrolled only if the
    teacher asks). ``added`` is left empty: new learners get accounts only when it runs."""
    fetched = _linked_members(classroom=classroom, by=by)
    wanted: set[int] = set()
    for link, members in fetched:
        subs = [str(member["user_id"]) for member in _learners(members)]
        wanted.update(
            LtiUser.objects.filter(
                registration=link.context.deployment.registration,
                sub__in=subs,
                auth_user__isnull=False,
            ).values_list("auth_user_id", flat=True)
        )
    students, from_lms = _current_students(classroom=classroom, fetched=fetched)
    result = RosterSyncResult()
    for user_id, membership in sorted(students.items()):
        if user_id in wanted:
            continue
        (result.removed if user_id in from_lms else result.kept).append(membership.user)
    return result


def _current_students(
    *, classroom: Classroom, fetched: list[tuple[LtiClassLink, list[dict]]]
) -> tuple[dict[int, Membership], set[int]]:
    """The class's student memberships by user id, and which of those users came from one of
    the linked LMSs."""
    students = {
        membership.user_id: membership
        for membership in Membership.objects.filter(
            classroom=classroom, role=MembershipRole.STUDENT
        ).select_related("user")
    }
    registrations = {link.context.deployment.registration_id for link, _members in fetched}
    from_lms = set(
        LtiUser.objects.filter(
            registration_id__in=registrations, auth_user_id__in=list(students)
        ).values_list("auth_user_id", flat=True)
    )
    return students, from_lms


@transaction.atomic
def _roster_apply(
    *,
    classroom: Classroom,
    fetched: list[tuple[LtiClassLink, list[dict]]],
    now: datetime,
    remove_others: frozenset[int] = frozenset(),
) -> RosterSyncResult:
    result = RosterSyncResult()
    wanted: set[int] = set()
    for link, members in fetched:
        registration = link.context.deployment.registration
        for member in _learners(members):
            lti_user = _lti_user(
                registration=registration, sub=str(member["user_id"]), claims=member
            )
            try:
                user = _account_for(lti_user=lti_user, claims=member, teaches=False)
            except LaunchRefused:
                continue
            wanted.add(user.pk)
        link.roster_synced_at = now
        link.save(update_fields=["roster_synced_at"])
    students, from_lms = _current_students(classroom=classroom, fetched=fetched)
    teachers = set(
        Membership.objects.filter(classroom=classroom, role=MembershipRole.TEACHER).values_list(
            "user_id", flat=True
        )
    )
    new_ids = wanted - set(students) - teachers
    for user in User.objects.filter(pk__in=new_ids).order_by("username"):
        membership_add(classroom=classroom, user=user, role=MembershipRole.STUDENT)
        result.added.append(user)
    for user_id, membership in sorted(students.items()):
        if user_id in wanted:
            continue
        if user_id in from_lms or user_id in remove_others:
            membership_remove(membership=membership)
            result.removed.append(membership.user)
        else:
            result.kept.append(membership.user)
    return result


CLAIM_ROLES = lti.CLAIM + "roles"
