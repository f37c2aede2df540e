"""Writes for rosters: keeping an uploaded OneRoster export and importing it whole.

An import is one transaction: the export is read and planned again inside it, and if any row
has an error nothing is written. Nothing is destroyed: a ``tobedeleted`` class is archived, an
enrolment ended (the membership goes; quiz attempts, essays and grades belong to the student and
the assignment, and stay) and a user deactivated.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import user_create, user_set_active, user_update_details
from courseware.models import (
    Membership,
    RosterClass,
    RosterEnrolment,
    RosterImport,
    RosterUser,
)
from courseware.oneroster import read_archive
from courseware.selectors.rosters import RosterPlan, Verb, roster_plan
from courseware.services.teaching import (
    classroom_archive,
    classroom_create,
    classroom_restore,
    classroom_update,
    membership_add,
    membership_remove,
)

if TYPE_CHECKING:
    from accounts.models import User
    from courseware.models import Course

# Uploads previewed but never confirmed are dropped after this long.
UNCONFIRMED_KEPT_FOR = timedelta(days=1)


class RosterRejected(ValidationError):
    """The export has errors: nothing was imported. ``plan`` says what is wrong."""

    def __init__(self, plan: RosterPlan):
        super().__init__(_("The export has errors; nothing was imported."), code="invalid")
        self.plan = plan


@transaction.atomic
def roster_import_record(
    *, archive: bytes, file_name: str, course: Course, by: User | None, now: datetime
) -> RosterImport:
    """Keep an uploaded export until it is confirmed; older unconfirmed uploads are dropped."""
    RosterImport.objects.filter(
        applied_at__isnull=True, uploaded_at__lt=now - UNCONFIRMED_KEPT_FOR
    ).delete()
    upload = RosterImport(
        uploaded_by=by,
        uploaded_at=now,
        file_name=file_name[:255],
        archive=archive,
        course=course,
    )
    upload.full_clean()
    upload.save()
    return upload


def roster_import_plan(*, upload: RosterImport) -> RosterPlan:
    """What confirming the upload would do now."""
    return roster_plan(parsed=read_archive(bytes(upload.archive)), course=upload.course)


@transaction.atomic
def roster_import_apply(*, upload: RosterImport, now: datetime) -> RosterPlan:
    """Import a kept export whole, or nothing (``RosterRejected``); an upload imports once."""
    upload = (
        RosterImport.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=upload.pk)
    )
    if upload.is_applied:
        raise ValidationError(_("This export has already been imported."), code="applied")
    plan = roster_import_plan(upload=upload)
    if not plan.is_valid:
        raise RosterRejected(plan)
    _apply(plan, course=upload.course, now=now)
    upload.applied_at = now
    upload.summary = plan.counts()
    upload.archive = b""  # the rows are in Lectern now; the export's other data is not kept
    upload.save(update_fields=["applied_at", "summary", "archive"])
    return plan


def _apply(plan: RosterPlan, *, course: Course, now: datetime) -> None:
    users = {}
    new_user_links = []
    for action in plan.users:
        row = action.row
        if action.verb == Verb.CREATE:
            user = user_create(
                username=action.username,
                email=row.email,
                password=None,
                role=action.role,
                first_name=row.givenName,
                last_name=row.familyName,
            )
            new_user_links.append(RosterUser(sourced_id=row.sourcedId, user=user))
        elif action.verb == Verb.UPDATE:
            user = action.user
            link = action.link or RosterUser.objects.create(sourced_id=row.sourcedId, user=user)
            user_update_details(
                user=user,
                email=row.email or user.email,
                first_name=row.givenName,
                last_name=row.familyName,
            )
            if link.deactivated_by_roster:
                user_set_active(user=user, active=True)
                link.deactivated_by_roster = False
                link.save(update_fields=["deactivated_by_roster", "updated_at"])
        elif action.verb == Verb.ARCHIVE:
            user = action.user
            link = action.link or RosterUser.objects.create(sourced_id=row.sourcedId, user=user)
            user_set_active(user=user, active=False)
            link.deactivated_by_roster = True
            link.save(update_fields=["deactivated_by_roster", "updated_at"])
        else:
            user = action.user
        if user is not None:
            users[row.sourcedId] = user

    RosterUser.objects.bulk_create(new_user_links, batch_size=500)

    classes = {}
    archive_after = []
    for action in plan.classes:
        row = action.row
        room = action.classroom
        if action.verb == Verb.CREATE:
            room = classroom_create(
                name=row.title, course=course, year=action.year, term=action.term
            )
            RosterClass.objects.create(
                sourced_id=row.sourcedId, classroom=room, school_sourced_id=row.schoolSourcedId
            )
        elif action.verb == Verb.UPDATE:
            if room.is_archived and action.link.archived_by_roster:
                classroom_restore(classroom=room)
                action.link.archived_by_roster = False
                action.link.save(update_fields=["archived_by_roster", "updated_at"])
            classroom_update(classroom=room, name=row.title, year=action.year, term=action.term)
        elif action.verb == Verb.ARCHIVE:
            archive_after.append(action)
        if room is not None:
            classes[row.sourcedId] = room

    known_users = {
        link.sourced_id: link.user
        for link in RosterUser.objects.select_related("user").filter(
            sourced_id__in={a.row.userSourcedId for a in plan.enrolments} - set(users)
        )
    }
    known_classes = {
        link.sourced_id: link.classroom
        for link in RosterClass.objects.select_related("classroom").filter(
            sourced_id__in={a.row.classSourcedId for a in plan.enrolments} - set(classes)
        )
    }
    # New enrolments are written together: a school's roster has thousands. The plan has
    # checked each (roles, duplicates, clashes with memberships made by hand).
    room_ids = {room.pk for room in classes.values()} | {room.pk for room in known_classes.values()}
    held = set(
        Membership.objects.filter(classroom_id__in=room_ids).values_list("user_id", "classroom_id")
    )
    new_memberships, new_links = [], []
    for action in plan.enrolments:
        row = action.row
        if action.verb == Verb.CREATE:
            user = users.get(row.userSourcedId) or known_users[row.userSourcedId]
            room = classes.get(row.classSourcedId) or known_classes[row.classSourcedId]
            if (user.pk, room.pk) not in held:
                held.add((user.pk, room.pk))
                new_memberships.append(Membership(user=user, classroom=room, role=action.role))
            new_links.append(
                RosterEnrolment(
                    sourced_id=row.sourcedId, user=user, classroom=room, role=action.role
                )
            )
        elif action.verb == Verb.UPDATE:
            link = action.link
            membership_add(classroom=link.classroom, user=link.user, role=link.role)
            link.ended_at = None
            link.save(update_fields=["ended_at", "updated_at"])
        elif action.verb == Verb.ARCHIVE:
            link = action.link
            membership = Membership.objects.filter(
                user_id=link.user_id, classroom_id=link.classroom_id
            ).first()
            if membership is not None:
                membership_remove(membership=membership)
            link.ended_at = now
            link.save(update_fields=["ended_at", "updated_at"])

    Membership.objects.bulk_create(new_memberships, batch_size=500)
    RosterEnrolment.objects.bulk_create(new_links, batch_size=500)

    for action in archive_after:
        classroom_archive(classroom=action.classroom, now=now)
        action.link.archived_by_roster = True
        action.link.save(update_fields=["archived_by_roster", "updated_at"])
