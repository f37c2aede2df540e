"""People who use Lectern and the role that says what each may create."""

import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    ADMIN = "admin", _("School admin")


class LecternUserManager(UserManager):
    """Superusers made from the command line are school admins."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person: a student, a teacher or a school admin.

    ``role`` is global and says what a person may create; what they may do in a class comes from
    their membership of it. A school admin is staff, so the Django admin is theirs too.
    """

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("How the name is shown to classmates and teachers."),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.STUDENT)

    objects = LecternUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.ADMIN) | models.Q(is_staff=True),
                name="accounts_user_admin_is_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name shown on pages: the display name, else the full name, else the username."""
        return self.display_name or self.get_full_name() or self.username


# --- Sign in with Google and Microsoft --------------------------------------------------------

domain_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a domain such as school.edu.au: letters, digits, dots and dashes, no “@”."),
    flags=re.IGNORECASE,
)


class SignInDomain(models.Model):
    """A domain of the school's: while any are listed, only addresses in them may sign in with
    Google or Microsoft, and only they are linked to existing accounts."""

    domain = models.CharField(
        _("domain"),
        max_length=253,
        unique=True,
        validators=[domain_validator],
        help_text=_("For example school.edu.au. For Google, list the Workspace's own domain."),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in domain")
        verbose_name_plural = _("sign-in domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.domain = self.domain.strip().lower()


class ListedTeacher(models.Model):
    """An address whose first sign-in with Google or Microsoft makes a teacher account."""

    email = models.EmailField(_("email address"), unique=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("listed teacher")
        verbose_name_plural = _("listed teachers")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.email = self.email.strip().lower()
