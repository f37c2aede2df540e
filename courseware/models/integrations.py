"""LTI 1.3: how a school's LMS reaches Lectern.

The platform side of a registration (issuer, client id, deployments, the platform's URLs) and
the tool's signing keys are django-lti's models (``lti_tool``); so are the LMS's people
(``LtiUser``: a platform's ``sub``, linked to a Lectern account), courses (``LtiContext``) and
placements (``LtiResourceLink``). The models here tie those to Lectern: an LMS course to a class,
a placement to an assignment, a released grade or a quiz score to its passback; and they keep
the state of the OIDC sign-in dance in the database so that every web node agrees on it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courseware.models.submissions import Submission
from courseware.models.teaching import Assignment, Classroom


class LtiLaunchValue(models.Model):
    """One value of the OIDC dance or of a validated launch (a state's parameters, an issued
    nonce, a launch's claims), kept until ``expires_at``. A nonce is deleted when a launch uses
    it, so the same ``id_token`` cannot be launched twice."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    value = models.JSONField(_("value"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("LTI launch value")
        verbose_name_plural = _("LTI launch values")

    def __str__(self) -> str:
        return self.key


class LtiClassLink(models.Model):
    """An LMS course (an LTI context) taught as a Lectern class. A context has one class; a class
    may be linked from more than one LMS course (sections)."""

    context = models.OneToOneField(
        "lti_tool.LtiContext",
        on_delete=models.CASCADE,
        related_name="lectern_link",
        verbose_name=_("LMS course"),
    )
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="lti_links", verbose_name=_("class")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked at"))
    roster_synced_at = models.DateTimeField(_("roster synced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("LMS course link")
        verbose_name_plural = _("LMS course links")

    def __str__(self) -> str:
        return f"{self.context} → {self.classroom}"


class LtiAssignmentLink(models.Model):
    """An LMS placement (a resource link) that opens a Lectern assignment, and the LMS gradebook
    column (line item) its grades go to."""

    resource_link = models.OneToOneField(
        "lti_tool.LtiResourceLink",
        on_delete=models.CASCADE,
        related_name="lectern_link",
        verbose_name=_("LMS placement"),
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="lti_links",
        verbose_name=_("assignment"),
    )
    lineitem_url = models.URLField(_("line item URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("LMS placement link")
        verbose_name_plural = _("LMS placement links")

    def __str__(self) -> str:
        return f"{self.resource_link} → {self.assignment}"


class ScorePostStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    POSTED = "posted", _("Sent to the LMS")
    FAILED = "failed", _("Could not be sent; will be retried")
    SKIPPED = "skipped", _("Nothing to send")


class LtiScorePost(models.Model):
    """A student's score on its way to the LMS gradebook: one row per student and line item
    (placement), written in the transaction that released or changed a grade or handed in a quiz
    attempt, so that none is lost.

    For an essay or a source analysis ``submission`` is the graded work (one per student and
    assignment); a quiz has none, and its score is the student's best submitted attempt. The task
    that sends it reads the score as it is then, so sending twice sends the same score;
    ``attempts`` and ``last_error`` are what the teacher sees while it keeps failing.
    """

    link = models.ForeignKey(
        LtiAssignmentLink,
        on_delete=models.CASCADE,
        related_name="score_posts",
        verbose_name=_("LMS placement"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("student"),
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lti_score_posts",
        verbose_name=_("submission"),
        help_text=_("The graded essay or source analysis; empty for a quiz (its best attempt)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ScorePostStatus, default=ScorePostStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    score_given = models.CharField(_("score given"), max_length=40, blank=True)
    score_maximum = models.CharField(_("score maximum"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("LTI grade passback")
        verbose_name_plural = _("LTI grade passbacks")
        constraints = [
            models.UniqueConstraint(
                fields=["link", "student"], name="courseware_lti_score_post_one_per_student"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ScorePostStatus.values),
                name="courseware_lti_score_post_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.student} → {self.link} ({self.status})"
