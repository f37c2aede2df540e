"""Rosters: what a OneRoster import brought in, so that the next import finds it again.

Each imported user, class and enrolment keeps the ``sourcedId`` the school's system gave it; a
re-import updates what it finds by that id and creates only what is new. Nothing is deleted:
``tobedeleted`` archives a class, ends an enrolment (the membership goes, the student's work stays)
and deactivates a user.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courseware.models.teaching import Classroom, MembershipRole


class RosterUser(models.Model):
    """A Lectern account as the school's roster names it."""

    sourced_id = models.CharField(_("sourcedId"), max_length=255, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roster_link",
        verbose_name=_("user"),
    )
    deactivated_by_roster = models.BooleanField(_("deactivated by the roster"), default=False)
    updated_at = models.DateTimeField(_("last imported"), auto_now=True)

    class Meta:
        verbose_name = _("roster user")
        verbose_name_plural = _("roster users")
        ordering = ["sourced_id"]

    def __str__(self) -> str:
        return self.sourced_id


class RosterClass(models.Model):
    """A Lectern class as the school's roster names it."""

    sourced_id = models.CharField(_("sourcedId"), max_length=255, unique=True)
    classroom = models.OneToOneField(
        Classroom, on_delete=models.CASCADE, related_name="roster_link", verbose_name=_("class")
    )
    school_sourced_id = models.CharField(_("school sourcedId"), max_length=255)
    archived_by_roster = models.BooleanField(_("archived by the roster"), default=False)
    updated_at = models.DateTimeField(_("last imported"), auto_now=True)

    class Meta:
        verbose_name = _("roster class")
        verbose_name_plural = _("roster classes")
        ordering = ["sourced_id"]

    def __str__(self) -> str:
        return self.sourced_id


class RosterEnrolment(models.Model):
    """An enrolment from the roster: who, in which class, as what, and whether it has ended.

    The class membership is made and removed with it; this row stays, so that a re-import knows
    the enrolment and an ended one can start again.
    """

    sourced_id = models.CharField(_("sourcedId"), max_length=255, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roster_enrolments",
        verbose_name=_("user"),
    )
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.CASCADE,
        related_name="roster_enrolments",
        verbose_name=_("class"),
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last imported"), auto_now=True)

    class Meta:
        verbose_name = _("roster enrolment")
        verbose_name_plural = _("roster enrolments")
        ordering = ["sourced_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=MembershipRole.values),
                name="courseware_rosterenrolment_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.sourced_id


class RosterImport(models.Model):
    """An uploaded OneRoster export: kept from preview to confirmation, then as the record of
    what was imported, by whom and when."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    file_name = models.CharField(_("file name"), max_length=255)
    archive = models.BinaryField(_("archive"))
    course = models.ForeignKey(
        "courseware.Course",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("course for new classes"),
    )
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    summary = models.JSONField(_("what was imported"), default=dict, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None
