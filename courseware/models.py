"""Courseware: what is taught (courses) and who is taught it (classes and their members)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    """A course of study, reusable across classes and years."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    overview = models.TextField(_("overview"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ClassroomQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Classroom(models.Model):
    """A class: a group of students taught a course by one or more teachers in a year."""

    name = models.CharField(_("name"), max_length=120)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="classrooms", verbose_name=_("course")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    term = models.CharField(_("term"), max_length=40, blank=True)
    join_code = models.CharField(_("join code"), max_length=12, unique=True)
    join_code_enabled = models.BooleanField(_("join code enabled"), default=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "year", "name"], name="courseware_classroom_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("courseware:classroom-detail", kwargs={"pk": self.pk})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class MembershipRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")


class Membership(models.Model):
    """A person's place in a class: teacher or student. Roles in a class are per class."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("class")
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["classroom", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "classroom"], name="courseware_membership_unique_user_classroom"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=MembershipRole.values),
                name="courseware_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.classroom} ({self.get_role_display()})"
