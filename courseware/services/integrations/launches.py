"""Accepting launches, linking LMS courses to classes, and deep linking.

A launch is accepted in one transaction with the check of its ``id_token``: a refused launch
raises ``LaunchRefused`` and changes nothing, not even the nonce it tried to spend. A person from
an LMS is found by the platform's issuer and ``sub`` (``LtiUser``), never by e-mail alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from lti_tool.models import (
    LtiContext,
    LtiDeployment,
    LtiRegistration,
    LtiResourceLink,
    LtiUser,
)
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem

from accounts.models import Role, User
from accounts.services import user_create
from courseware import lti, permissions
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    Criterion,
    LtiAssignmentLink,
    LtiClassLink,
    Membership,
    MembershipRole,
    QuizAttempt,
    ReadingProgress,
    Submission,
)
from courseware.services.integrations.passback import LINEITEM_TAG, RESOURCE_ID
from courseware.services.teaching import membership_add, membership_remove

if TYPE_CHECKING:
    from courseware.lti import MessageLaunch


class LaunchRefused(Exception):
    """A launch Lectern will not accept; the message is shown to the person."""


# --- Launches ------------------------------------------------------------------------------------


@dataclass
class LaunchOutcome:
    user: User
    launch_id: str
    next_url: str
    context: LtiContext | None = None
    messages: list[str] = field(default_factory=list)


def _username_for(issuer: str, sub: str) -> str:
    return "lti-" + hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:16]


def _account_for(*, lti_user: LtiUser, claims: dict, teaches: bool) -> User:
    """The Lectern account of an LMS person: the one already linked to (issuer, sub), or a new
    one. An e-mail address already in use elsewhere is not taken over."""
    issuer = lti_user.registration.issuer
    linked = (
        LtiUser.objects.filter(
            registration__issuer=issuer, sub=lti_user.sub, auth_user__isnull=False
        )
        .select_related("auth_user")
        .first()
    )
    if linked is not None:
        user = linked.auth_user
        if teaches and user.role == Role.STUDENT:
            raise LaunchRefused(
                _(
                    "Your LMS says you teach this course, but your Lectern account is a student "
                    "account. Ask your school's Lectern administrator to make it a teacher account."
                )
            )
        if not user.is_active:
            raise LaunchRefused(_("Your Lectern account has been switched off."))
    else:
        username = _username_for(issuer, lti_user.sub)
        email = (claims.get("email") or "").strip()
        if not email or User.objects.filter(email__iexact=email).exists():
            email = f"{username}@lti.invalid"
        user = user_create(
            username=username,
            email=email,
            password=None,
            role=Role.TEACHER if teaches else Role.STUDENT,
            display_name=(claims.get("name") or "")[:150],
            first_name=(claims.get("given_name") or "")[:150],
            last_name=(claims.get("family_name") or "")[:150],
        )
    if lti_user.auth_user_id != user.pk:
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
    return user


def _lti_user(*, registration: LtiRegistration, sub: str, claims: dict) -> LtiUser:
    names = {
        "given_name": claims.get("given_name"),
        "family_name": claims.get("family_name"),
        "name": claims.get("name"),
        "email": claims.get("email"),
    }
    lti_user, _created = LtiUser.objects.update_or_create(
        registration=registration,
        sub=sub,
        defaults={k: str(v)[:254] for k, v in names.items() if v},
    )
    return lti_user


def _context(*, deployment: LtiDeployment, claims: dict) -> LtiContext | None:
    context_claim = claims.get(lti.CLAIM + "context") or {}
    if not context_claim.get("id"):
        return None
    defaults = {
        "title": str(context_claim.get("title") or "")[:500],
        "label": str(context_claim.get("label") or "")[:255],
    }
    nrps = claims.get(lti.NRPS_CLAIM) or {}
    if nrps.get("context_memberships_url"):
        defaults["memberships_url"] = nrps["context_memberships_url"]
    ags = claims.get(lti.AGS_CLAIM) or {}
    if ags:
        scopes = ags.get("scope") or []
        defaults.update(
            lineitems_url=ags.get("lineitems") or "",
            can_query_lineitems="https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
            in scopes
            or lti.AGS_SCOPES[0] in scopes,
            can_manage_lineitems=lti.AGS_SCOPES[0] in scopes,
            can_publish_scores=lti.AGS_SCOPES[2] in scopes,
            can_access_results=lti.AGS_SCOPES[1] in scopes,
        )
    context, _created = LtiContext.objects.update_or_create(
        deployment=deployment, id_on_platform=str(context_claim["id"])[:255], defaults=defaults
    )
    return context


def _join(*, classroom: Classroom, user: User, teaches: bool) -> None:
    """Put the person in the linked class as the LMS has them; a teacher of the class stays one."""
    role = MembershipRole.TEACHER if teaches else MembershipRole.STUDENT
    membership = Membership.objects.filter(classroom=classroom, user=user).first()
    if membership is None:
        membership_add(classroom=classroom, user=user, role=role)
    elif teaches and membership.role != MembershipRole.TEACHER:
        raise LaunchRefused(_("You are a student of the Lectern class this course is linked to."))


def _assignment_link(
    *, resource_link: LtiResourceLink, classroom: Classroom, claims: dict
) -> LtiAssignmentLink | None:
    """The assignment this placement opens: the one linked before, or the one the deep link
    named (when it belongs to the linked class). Its line item comes from the launch."""
    link = LtiAssignmentLink.objects.filter(resource_link=resource_link).first()
    ags = claims.get(lti.AGS_CLAIM) or {}
    if link is None:
        custom = claims.get(lti.CLAIM + "custom") or {}
        wanted = str(custom.get(lti.CUSTOM_ASSIGNMENT) or "")
        if not wanted.isdigit():
            return None
        assignment = Assignment.objects.filter(pk=int(wanted), classroom=classroom).first()
        if assignment is None:
            return None
        link = LtiAssignmentLink(resource_link=resource_link, assignment=assignment)
    if ags.get("lineitem") and link.lineitem_url != ags["lineitem"]:
        link.lineitem_url = ags["lineitem"]
    link.full_clean(exclude=["resource_link", "assignment"])
    link.save()
    return link


@transaction.atomic
def lti_launch_receive(*, request, now: datetime) -> LaunchOutcome:
    """Check an LTI launch and let its person in: their account (made on first launch), their
    place in the linked class, and the page to land on. Refused launches change nothing."""
    tool_config = lti.ToolConfig()
    launch = lti.MessageLaunch(request, tool_config)
    try:
        launch.validate()
    except LtiException as error:
        transaction.set_rollback(True)
        raise LaunchRefused(_refusal(str(error))) from error
    except (KeyError, TypeError, ValueError, requests.RequestException) as error:
        transaction.set_rollback(True)
        raise LaunchRefused(_("This launch could not be read.")) from error
    try:
        return _accept(launch=launch, tool_config=tool_config, now=now)
    except LaunchRefused:
        transaction.set_rollback(True)
        raise


def _refusal(reason: str) -> str:
    """A launch failure in words a teacher or student can act on."""
    lowered = reason.lower()
    if "state" in lowered:
        return _(
            "This launch did not come from a sign-in Lectern started (its state is missing or "
            "unknown). Open Lectern from your LMS again."
        )
    if "nonce" in lowered:
        return _("This launch has already been used. Open Lectern from your LMS again.")
    if "registration" in lowered or "client id" in lowered:
        return _(
            "This launch was not meant for this Lectern (its audience or issuer is not registered)."
        )
    if "deployment" in lowered:
        return _("This LMS deployment is not registered with Lectern. Ask your LMS administrator.")
    if "expired" in lowered:
        return _("This launch has expired. Open Lectern from your LMS again.")
    if "public key" in lowered or "decode" in lowered or "signature" in lowered:
        return _("This launch's signature could not be verified.")
    return _("This launch could not be accepted: %(reason)s") % {"reason": reason[:200]}


def _accept(*, launch: MessageLaunch, tool_config: lti.ToolConfig, now: datetime) -> LaunchOutcome:
    claims = launch.get_launch_data()
    registration = tool_config.registration
    deployment = tool_config.deployment
    teaches, learns = lti.roles_of(claims)
    if not (teaches or learns):
        raise LaunchRefused(
            _("Lectern is for the teachers and students of a course; your LMS role is neither.")
        )
    sub = str(claims.get("sub") or "")
    if not sub:
        raise LaunchRefused(_("This launch does not say who you are (it has no subject)."))
    lti_user = _lti_user(registration=registration, sub=sub, claims=claims)
    user = _account_for(lti_user=lti_user, claims=claims, teaches=teaches)
    context = _context(deployment=deployment, claims=claims)
    class_link = (
        LtiClassLink.objects.filter(context=context).select_related("classroom").first()
        if context is not None
        else None
    )
    launch_id = launch.get_launch_id()
    outcome = LaunchOutcome(user=user, launch_id=launch_id, next_url="", context=context)

    if launch.is_deep_link_launch():
        if not teaches:
            raise LaunchRefused(_("Only a course's teachers choose what Lectern work it links to."))
        if class_link is not None:
            _join(classroom=class_link.classroom, user=user, teaches=True)
            outcome.next_url = reverse("courseware:lti-deep-link")
        else:
            outcome.next_url = reverse("courseware:lti-link-class")
        return outcome
    if not launch.is_resource_launch():
        raise LaunchRefused(_("Lectern does not handle this kind of LTI message."))

    resource_claim = claims.get(lti.CLAIM + "resource_link") or {}
    resource_link = None
    if context is not None and resource_claim.get("id"):
        resource_link, _created = LtiResourceLink.objects.update_or_create(
            context=context,
            id_on_platform=str(resource_claim["id"])[:255],
            defaults={"title": str(resource_claim.get("title") or "")[:500]},
        )
    if class_link is None:
        outcome.next_url = reverse(
            "courseware:lti-link-class" if teaches else "courseware:lti-not-linked"
        )
        return outcome
    classroom = class_link.classroom
    _join(classroom=classroom, user=user, teaches=teaches)
    assignment_link = (
        _assignment_link(resource_link=resource_link, classroom=classroom, claims=claims)
        if resource_link is not None
        else None
    )
    if assignment_link is not None:
        outcome.next_url = reverse(
            "courseware:assignment-detail", args=[assignment_link.assignment_id]
        )
    else:
        outcome.next_url = reverse("courseware:classroom-detail", args=[classroom.pk])
    return outcome


# --- Linking an LMS sign-in to an existing account ------------------------------------------------


def lti_made_account(user: User) -> bool:
    """Whether the account was made by a first LTI launch (it has LMS identities, no password)."""
    return (
        user.is_authenticated
        and not user.has_usable_password()
        and LtiUser.objects.filter(auth_user=user).exists()
    )


@transaction.atomic
def lti_account_merge(*, lti_account: User, into: User) -> User:
    """Move the LMS identities (and class places) of an account a first launch made to the
    person's existing Lectern account, which they have just proved is theirs with its password,
    and switch the made account off. Refused once the made account has work of its own, or when
    the two are not the same kind of account (a teacher's LMS sign-in on a student account)."""
    if not lti_made_account(lti_account):
        raise LaunchRefused(_("This account was not made by an LMS sign-in."))
    if into.pk == lti_account.pk or not into.is_active:
        raise LaunchRefused(_("Choose another, active Lectern account."))
    if into.role != lti_account.role and into.role != Role.ADMIN:
        raise LaunchRefused(
            _("Your LMS makes you a %(lms)s here, but that Lectern account is a %(lectern)s's.")
            % {"lms": lti_account.get_role_display(), "lectern": into.get_role_display()}
        )
    if (
        Submission.objects.filter(student=lti_account).exists()
        or QuizAttempt.objects.filter(student=lti_account).exists()
        or ReadingProgress.objects.filter(student=lti_account).exists()
    ):
        raise LaunchRefused(
            _(
                "You have already done work in Lectern from the LMS; ask your school's Lectern "
                "administrator to join the two accounts."
            )
        )
    for membership in Membership.objects.filter(user=lti_account).select_related("classroom"):
        if not Membership.objects.filter(classroom=membership.classroom, user=into).exists():
            membership_add(classroom=membership.classroom, user=into, role=membership.role)
        membership_remove(membership=membership)
    LtiUser.objects.filter(auth_user=lti_account).update(auth_user=into)
    lti_account.is_active = False
    lti_account.save(update_fields=["is_active"])
    return into


# --- Linking an LMS course to a class ------------------------------------------------------------


@transaction.atomic
def lti_class_link(
    *, context: LtiContext, classroom: Classroom, by: User, now: datetime
) -> LtiClassLink:
    """Teach an LMS course as this class (a teacher of it chooses, from a launch in the course).
    Linking again moves the course to the newly chosen class."""
    if not permissions.can_link_lms_course(by, classroom):
        raise PermissionDenied
    if classroom.archived_at is not None:
        raise ValidationError({"classroom": _("That class is archived.")})
    link, _created = LtiClassLink.objects.update_or_create(
        context=context, defaults={"classroom": classroom, "linked_by": by, "linked_at": now}
    )
    if not Membership.objects.filter(classroom=classroom, user=by).exists():
        membership_add(classroom=classroom, user=by, role=MembershipRole.TEACHER)
    return link


# --- Deep linking --------------------------------------------------------------------------------


def assignment_max_marks(assignment: Assignment) -> Decimal | None:
    """The most marks the rubric of an essay or a source analysis gives (what its grades are
    out of), or None for work without a marked grade."""
    if not assignment.is_marked_with_rubric:
        return None
    rubric_id = assignment.marking_rubric_id
    if rubric_id is None:
        return None
    from courseware.services.marking import criterion_max

    criteria = Criterion.objects.filter(rubric_id=rubric_id).prefetch_related("levels")
    return sum((criterion_max(criterion) for criterion in criteria), Decimal(0)) or None


def lti_deep_link_response(
    *, launch: MessageLaunch, assignment: Assignment, launch_url: str
) -> tuple[str, str]:
    """The signed LtiDeepLinkingResponse that puts the assignment in the LMS course: the return
    URL to post it to and the JWT. An essay or a source analysis brings a line item on its
    rubric's scale, a quiz one on its maximum score."""
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(assignment.title)
        .set_custom_params({lti.CUSTOM_ASSIGNMENT: str(assignment.pk)})
    )
    max_marks = assignment_max_marks(assignment)
    if max_marks is None and assignment.kind == AssignmentKind.QUIZ and assignment.quiz:
        max_marks = assignment.quiz.total_points or None
    if max_marks is not None:
        resource.set_lineitem(
            LineItem()
            .set_label(assignment.title)
            .set_score_maximum(float(max_marks))
            .set_resource_id(RESOURCE_ID.format(pk=assignment.pk))
            .set_tag(LINEITEM_TAG)
        )
    deep_link = launch.get_deep_link()
    settings_claim = launch.get_launch_data().get(lti.DL_CLAIM + "deep_linking_settings") or {}
    return settings_claim["deep_link_return_url"], deep_link.get_response_jwt([resource])


def launch_values_purge(*, now: datetime) -> int:
    """Forget expired OIDC states, nonces and stored launches."""
    return lti.launch_values_purge(now=now)
