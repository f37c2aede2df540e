"""Writes for LTI 1.3: registering platforms, rotating keys, accepting launches, linking LMS
courses to classes, sending grades to the LMS (AGS) and syncing rosters from it (NRPS).

A launch is accepted in one transaction with the check of its ``id_token``: a refused launch
(bad signature, wrong audience, expired, replayed nonce, unknown deployment, missing state)
raises ``LaunchRefused`` and changes nothing, not even the nonce it tried to spend.

A person from an LMS is found by the platform's issuer and their ``sub`` (``LtiUser``), never by
e-mail: an e-mail address that belongs to another Lectern account is not used for the new one.

A released grade reaches the LMS through ``LtiScorePost``: the row is written in the transaction
that released or changed the grade (``courseware.signals``), a Celery task sends it once that
commits, and the schedule sends whatever is still pending or failed. Sending reads the grade as
it is then, so a retry or a second worker sends the same score again, which the LMS keeps once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from lti_tool.models import (
    Key,
    LtiContext,
    LtiDeployment,
    LtiRegistration,
    LtiResourceLink,
    LtiUser,
)
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade as LtiGrade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from accounts.models import Role, User
from accounts.services import user_create
from courseware import lti, permissions
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    LtiAssignmentLink,
    LtiClassLink,
    LtiScorePost,
    Membership,
    MembershipRole,
    ScorePostStatus,
    Submission,
)
from courseware.services.teaching import membership_add, membership_remove

if TYPE_CHECKING:
    from courseware.lti import MessageLaunch

logger = logging.getLogger(__name__)

RESOURCE_ID = "lectern-assignment-{pk}"
LINEITEM_TAG = "lectern"


class LaunchRefused(Exception):
    """A launch Lectern will not accept; the message is shown to the person."""


class RosterSyncFailed(Exception):
    """The LMS could not be asked for the course's members; nothing was changed."""


class ScorePostFailed(Exception):
    """A grade cannot be sent to the LMS as it is; the passback is recorded as failed."""


# --- Platforms and keys --------------------------------------------------------------------------


@transaction.atomic
def key_rotate(*, now: datetime) -> Key:
    """Make a new signing key. It signs from now on; the older keys stay in the JWKS (platforms
    cache it) until ``key_retire`` takes them out."""
    return Key.objects.generate()


@transaction.atomic
def keys_retire(*, older_than: datetime) -> int:
    """Take out of the JWKS the active keys made before ``older_than``, never the newest."""
    newest = Key.objects.active().order_by("-datetime_created", "-pk").first()
    if newest is None:
        return 0
    return (
        Key.objects.active()
        .filter(datetime_created__lt=older_than)
        .exclude(pk=newest.pk)
        .update(is_active=False)
    )


@transaction.atomic
def key_retire(*, key: Key) -> int:
    """Take one key out of the JWKS (1), unless it is the newest, which signs (0)."""
    if key.pk == lti.signing_key().pk or not key.is_active:
        return 0
    key.is_active = False
    key.save(update_fields=["is_active", "datetime_modified"])
    return 1


@transaction.atomic
def platform_register(
    *,
    name: str,
    issuer: str,
    client_id: str,
    auth_url: str,
    token_url: str,
    keyset_url: str,
    deployment_ids: list[str],
    audience: str = "",
) -> LtiRegistration:
    """Register an LMS (or update its registration, found by issuer and client id) and its
    deployments. The first registration makes the tool's first signing key."""
    registration = LtiRegistration.objects.filter(issuer=issuer, client_id=client_id).first()
    if registration is None:
        registration = LtiRegistration(issuer=issuer, client_id=client_id)
    registration.name = name
    registration.auth_url = auth_url
    registration.token_url = token_url
    registration.keyset_url = keyset_url
    registration.audience = audience
    registration.is_active = True
    registration.full_clean()
    registration.save()
    for deployment_id in deployment_ids:
        deployment, _created = LtiDeployment.objects.get_or_create(
            registration=registration, deployment_id=deployment_id
        )
        if not deployment.is_active:
            deployment.is_active = True
            deployment.save(update_fields=["is_active", "datetime_modified"])
    if not Key.objects.active().exists():
        Key.objects.generate()
    return registration


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
    """The most marks an essay's rubric gives, or None for work without a grade."""
    if assignment.kind != AssignmentKind.ESSAY or assignment.prompt is None:
        return None
    from courseware.services.marking import criterion_max

    criteria = assignment.prompt.rubric.criteria.prefetch_related("levels")
    return sum((criterion_max(criterion) for criterion in criteria), Decimal(0)) or None


def lti_deep_link_response(
    *, launch: MessageLaunch, assignment: Assignment, launch_url: str
) -> tuple[str, str]:
    """The signed LtiDeepLinkingResponse that puts the assignment in the LMS course: the return
    URL to post it to and the JWT. An essay brings a line item on its rubric's scale."""
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(assignment.title)
        .set_custom_params({lti.CUSTOM_ASSIGNMENT: str(assignment.pk)})
    )
    max_marks = assignment_max_marks(assignment)
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


# --- Grade passback (AGS) ------------------------------------------------------------------------


def lti_score_post_queue(*, submission: Submission, now: datetime) -> list[LtiScorePost]:
    """Ask for the submission's grade to be sent to every LMS placement of its assignment, in the
    caller's transaction; the sending happens once that commits."""
    posts = []
    for link in LtiAssignmentLink.objects.filter(assignment_id=submission.assignment_id):
        post, _created = LtiScorePost.objects.update_or_create(
            submission=submission,
            link=link,
            defaults={"status": ScorePostStatus.PENDING, "requested_at": now, "attempts": 0},
        )
        posts.append(post)
        transaction.on_commit(lambda pk=post.pk: _enqueue(pk))
    return posts


def _enqueue(post_id: int) -> None:
    from courseware.tasks import lti_score_post  # tasks import this module

    try:
        lti_score_post.delay(post_id)
    except Exception:
        logger.exception("Grade passback %s not queued; the schedule will send it", post_id)


def score_on_scale(
    *, final_mark: Decimal, max_mark: Decimal, scale: Decimal | None
) -> tuple[Decimal, Decimal]:
    """(scoreGiven, scoreMaximum) for a mark out of ``max_mark`` on a line item out of ``scale``.

    The mark goes on the line item's own scale when that is exact (17 of 20 on a 100 scale is 85
    of 100); when it is not (17 of 23 on 100 is 73.913…), the exact fraction is sent as the mark
    and the rubric's maximum, which the LMS scales itself, rather than a rounded number.
    """
    if scale and scale > 0:
        scaled = Fraction(final_mark) * Fraction(scale) / Fraction(max_mark)
        denominator = scaled.denominator
        for prime in (2, 5):
            while denominator % prime == 0:
                denominator //= prime
        if denominator == 1:
            exact = Decimal(scaled.numerator) / Decimal(scaled.denominator)
            if exact == Fraction(exact) == scaled:
                return exact.normalize(), Decimal(scale).normalize()
    return final_mark.normalize(), max_mark.normalize()


def _json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number without changing its value (integral ones stay integers)."""
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        raise ScorePostFailed(f"{value} cannot be sent exactly")
    return number


def _connector(registration: LtiRegistration) -> ServiceConnector:
    return ServiceConnector(lti.registration_for(registration), requests_session=lti.http_session())


def _lineitem(*, link: LtiAssignmentLink, ags: AssignmentsGradesService, max_marks: Decimal):
    if link.lineitem_url:
        return ags.get_lineitem(link.lineitem_url)
    assignment = link.assignment
    lineitem = ags.find_or_create_lineitem(
        LineItem()
        .set_label(assignment.title)
        .set_score_maximum(float(max_marks))
        .set_resource_id(RESOURCE_ID.format(pk=assignment.pk))
        .set_resource_link_id(link.resource_link.id_on_platform)
        .set_tag(LINEITEM_TAG),
        find_by="resource_id",
    )
    LtiAssignmentLink.objects.filter(pk=link.pk).update(lineitem_url=lineitem.get_id())
    return lineitem


@transaction.atomic
def lti_score_post_send(*, post_id: int, now: datetime, force: bool = False) -> LtiScorePost | None:
    """Send one grade to the LMS as it is now. A failure is recorded on the row, which the
    teacher sees and the task retries (its status is ``FAILED``)."""
    post = (
        LtiScorePost.objects.select_for_update()
        .select_related(
            "submission__grade",
            "link__assignment",
            "link__resource_link__context__deployment__registration",
        )
        .filter(pk=post_id)
        .first()
    )
    if post is None or (
        not force and post.status in (ScorePostStatus.POSTED, ScorePostStatus.SKIPPED)
    ):
        return post
    grade = getattr(post.submission, "grade", None)
    context = post.link.resource_link.context
    registration = context.deployment.registration
    lti_user = (
        LtiUser.objects.filter(registration=registration, auth_user=post.submission.student_id)
        .order_by("pk")
        .first()
    )
    if grade is None or grade.released_at is None or not grade.max_mark:
        return _finish(post, ScorePostStatus.SKIPPED, _("The grade is not released."))
    if lti_user is None:
        return _finish(post, ScorePostStatus.SKIPPED, _("The student has no account in this LMS."))
    try:
        if not context.lineitems_url and not post.link.lineitem_url:
            raise ScorePostFailed(_("The LMS gave no gradebook (AGS) endpoint for this course."))
        ags = AssignmentsGradesService(
            _connector(registration),
            {
                "scope": lti.AGS_SCOPES,
                "lineitems": context.lineitems_url,
                "lineitem": post.link.lineitem_url,
            },
        )
        lineitem = _lineitem(link=post.link, ags=ags, max_marks=grade.max_mark)
        scale = lineitem.get_score_maximum()
        given, maximum = score_on_scale(
            final_mark=grade.final_mark,
            max_mark=grade.max_mark,
            scale=Decimal(str(scale)) if scale else None,
        )
        score = (
            LtiGrade()
            .set_score_given(_json_number(given))
            .set_score_maximum(_json_number(maximum))
            .set_timestamp(now.isoformat())
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
            .set_user_id(lti_user.sub)
        )
        ags.put_grade(score, lineitem)
    except (LtiException, LtiServiceException, requests.RequestException, ScorePostFailed) as err:
        post.status = ScorePostStatus.FAILED
        post.attempts += 1
        post.last_error = _describe(err)[:1000]
        post.save(update_fields=["status", "attempts", "last_error"])
        logger.warning("Grade passback %s failed: %s", post.pk, post.last_error)
        return post
    post.score_given = format(given, "f")
    post.score_maximum = format(maximum, "f")
    post.posted_at = now
    return _finish(post, ScorePostStatus.POSTED, "")


def _describe(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response is not None and hasattr(response, "status_code"):
        return _("The LMS answered %(status)s.") % {"status": response.status_code}
    return str(error) or error.__class__.__name__


def _finish(post: LtiScorePost, status: str, message: str) -> LtiScorePost:
    post.status = status
    post.last_error = message
    post.attempts += 1
    post.save()
    return post


def lti_score_posts_send_due(*, now: datetime) -> int:
    """Send every pending or failed grade (the schedule's sweep); returns how many went."""
    sent = 0
    ids = LtiScorePost.objects.filter(
        status__in=[ScorePostStatus.PENDING, ScorePostStatus.FAILED]
    ).values_list("pk", flat=True)
    for post_id in list(ids):
        post = lti_score_post_send(post_id=post_id, now=now)
        sent += post is not None and post.status == ScorePostStatus.POSTED
    return sent


@transaction.atomic
def lti_score_posts_retry(*, assignment: Assignment, by: User, now: datetime) -> int:
    """A marker sends the assignment's failed grades again now."""
    if not permissions.can_view_grade_passback(by, assignment.classroom):
        raise PermissionDenied
    posts = list(
        LtiScorePost.objects.filter(
            link__assignment=assignment,
            status__in=[ScorePostStatus.FAILED, ScorePostStatus.PENDING],
        )
    )
    for post in posts:
        post.status = ScorePostStatus.PENDING
        post.save(update_fields=["status"])
        transaction.on_commit(lambda pk=post.pk: _enqueue(pk))
    return len(posts)


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


def launch_values_purge(*, now: datetime) -> int:
    """Forget expired OIDC states, nonces and stored launches."""
    return lti.launch_values_purge(now=now)
