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


def lti_roster_sync(*, classroom: Classroom, by: User, now: datetime) -> RosterSyncResult:
    """Bring the class's students in line with its linked LMS courses: learners there are added
    (accounts made as on a first launch); students linked to that LMS who are no longer there
    are unenrolled, keeping their work. Students who joined in Lectern are left alone."""
    if not permissions.can_sync_lms_roster(by, classroom):
        raise PermissionDenied
    links = list(
        LtiClassLink.objects.filter(classroom=classroom).select_related(
            "context__deployment__registration"
        )
    )
    if not links:
        raise RosterSyncFailed(_("This class is not linked to an LMS course."))
    fetched = [(link, _members(link)) for link in links]
    return _roster_apply(classroom=classroom, fetched=fetched, now=now)


@transaction.atomic
def _roster_apply(
    *, classroom: Classroom, fetched: list[tuple[LtiClassLink, list[dict]]], now: datetime
) -> RosterSyncResult:
    result = RosterSyncResult()
    wanted: set[int] = set()
    registrations = set()
    for link, members in fetched:
        registration = link.context.deployment.registration
        registrations.add(registration.pk)
        for member in members:
            claims = {CLAIM_ROLES: member.get("roles") or []}
            teaches, learns = lti.roles_of(claims)
            status = member.get("status") or "Active"
            if teaches or not learns or status != "Active" or not member.get("user_id"):
                continue
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
    students = {
        membership.user_id: membership
        for membership in Membership.objects.filter(
            classroom=classroom, role=MembershipRole.STUDENT
        ).select_related("user")
    }
    teachers = set(
        Membership.objects.filter(classroom=classroom, role=MembershipRole.TEACHER).values_list(
            "user_id", flat=True
        )
    )
    new_ids = wanted - set(students) - teachers
    for user in User.objects.filter(pk__in=new_ids).order_by("username"):
        membership_add(classroom=classroom, user=user, role=MembershipRole.STUDENT)
        result.added.append(user)
    from_lms = set(
        LtiUser.objects.filter(
            registration_id__in=registrations, auth_user_id__in=list(students)
        ).values_list("auth_user_id", flat=True)
    )
    for user_id, membership in sorted(students.items()):
        if user_id in wanted:
            continue
        if user_id in from_lms:
            membership_remove(membership=membership)
            result.removed.append(membership.user)
        else:
            result.kept.append(membership.user)
    return result


CLAIM_ROLES = lti.CLAIM + "roles"
