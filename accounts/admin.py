from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ListedTeacher, SignInDomain, User
from courseware.services.notifications import invitation_record


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "display_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "email", "display_name", "first_name", "last_name"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "display_name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    actions = ["send_invitation"]

    def save_model(self, request, obj, form, change):
        # A school admin must be staff (a database constraint says so); keep the two in step.
        if obj.role == "admin":
            obj.is_staff = True
        super().save_model(request, obj, form, change)
        if not change and not obj.has_usable_password() and obj.email:
            # Made without a password: its owner is invited to set one.
            invitation_record(user=obj, by=request.user, classroom=None, now=timezone.now())

    @admin.action(description=_("Send an invitation to set a password"))
    def send_invitation(self, request, queryset):
        invited = 0
        for user in queryset:
            if user.is_active and user.email and not user.has_usable_password():
                invitation_record(user=user, by=request.user, classroom=None, now=timezone.now())
                invited += 1
        self.message_user(
            request,
            _("%(n)s invitations sent; accounts that have a password were skipped.")
            % {"n": invited},
        )


@admin.register(SignInDomain)
class SignInDomainAdmin(admin.ModelAdmin):
    """The school's domains: while any are listed, only they may sign in with Google or
    Microsoft (docs/INTEGRATIONS.md)."""

    list_display = ["domain", "added_at"]
    search_fields = ["domain"]


@admin.register(ListedTeacher)
class ListedTeacherAdmin(admin.ModelAdmin):
    """Addresses whose first sign-in with Google or Microsoft makes a teacher account."""

    list_display = ["email", "added_at"]
    search_fields = ["email"]
