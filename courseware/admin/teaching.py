"""Django admin for teaching: classes, memberships, assignments, extensions and quiz attempts.

Every change made here goes through ``courseware.services.teaching``, as it does on the site.
Assignments, extensions and quiz attempts are read-only here apart from their actions: the rules
for editing them (what may change once students have work) live on the site's pages.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Role
from courseware.admin.readonly import ReadOnlyAdmin
from courseware.models import (
    Assignment,
    Classroom,
    Course,
    Extension,
    Membership,
    MembershipRole,
    QuizAttempt,
    ReadingProgress,
)
from courseware.models.teaching import RetiredJoinCode
from courseware.selectors.teaching import SubqueryCount
from courseware.services import teaching as services


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


def _run_each(modeladmin, request, queryset, service, done: str):
    """Run a service on each selected row; report how many changed and every refusal."""
    changed = 0
    for obj in queryset:
        try:
            service(obj)
        except ValidationError as error:
            modeladmin.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, done % {"count": changed}, messages.SUCCESS)


# --- Classes ------------------------------------------------------------------------------------


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Active")), ("yes", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class MembershipInline(admin.TabularInline):
    """Who is in the class; add people through Memberships or the class's site pages."""

    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "course",
        "year",
        "term",
        "teacher_names",
        "student_count",
        "join_code",
        "join_code_enabled",
        "is_active",
        "site_links",
    ]
    list_filter = [ArchivedFilter, "year", "term", "course", "join_code_enabled"]
    search_fields = ["name", "join_code", "memberships__user__username"]
    list_select_related = ["course"]
    fields = ["name", "course", "year", "term", "join_code", "join_code_enabled", "archived_at"]
    readonly_fields = ["join_code", "join_code_enabled", "archived_at"]
    inlines = [MembershipInline]
    actions = [
        "archive_classes",
        "restore_classes",
        "regenerate_join_codes",
        "disable_join_codes",
        "enable_join_codes",
    ]

    def get_readonly_fields(self, request, obj=None):
        # A class's course is fixed once created: its assignments point at that course's content.
        return [*self.readonly_fields, "course"] if obj else self.readonly_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                students=SubqueryCount(
                    Membership.objects.filter(
                        classroom=OuterRef("pk"), role=MembershipRole.STUDENT
                    ).values("pk")
                )
            )
            .prefetch_related("memberships__user")
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.classroom_update(
                classroom=obj, name=data["name"], year=data["year"], term=data["term"]
            )
        else:
            created = services.classroom_create(
                name=data["name"], course=data["course"], year=data["year"], term=data["term"]
            )
            obj.pk = created.pk
            obj.join_code = created.join_code

    def get_inlines(self, request, obj):
        # Members are listed once the class exists; people are added through Memberships.
        return self.inlines if obj else []

    @admin.display(description=_("teachers"))
    def teacher_names(self, obj):
        return ", ".join(
            m.user.name for m in obj.memberships.all() if m.role == MembershipRole.TEACHER
        )

    @admin.display(description=_("students"), ordering="students")
    def student_count(self, obj):
        return obj.students

    @admin.display(description=_("active"), boolean=True, ordering="archived_at")
    def is_active(self, obj):
        return obj.archived_at is None

    @admin.display(description=_("on the site"))
    def site_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            obj.get_absolute_url(),
            _("class page"),
            reverse("courseware:classroom-enrol", args=[obj.pk]),
            _("enrol from CSV"),
        )

    @admin.action(description=_("Archive the selected classes"))
    def archive_classes(self, request, queryset):
        now = timezone.now()
        _run_each(
            self,
            request,
            queryset,
            lambda c: services.classroom_archive(classroom=c, now=now),
            _("%(count)s classes archived."),
        )

    @admin.action(description=_("Restore the selected archived classes"))
    def restore_classes(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda c: services.classroom_restore(classroom=c),
            _("%(count)s classes restored."),
        )

    @admin.action(description=_("Give the selected classes new join codes"))
    def regenerate_join_codes(self, request, queryset):
        now = timezone.now()
        _run_each(
            self,
            request,
            queryset,
            lambda c: services.classroom_join_code_regenerate(classroom=c, now=now),
            _("%(count)s classes have new join codes."),
        )

    @admin.action(description=_("Switch off joining by code"))
    def disable_join_codes(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda c: services.classroom_join_code_set_enabled(classroom=c, enabled=False),
            _("Joining by code switched off for %(count)s classes."),
        )

    @admin.action(description=_("Switch on joining by code"))
    def enable_join_codes(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda c: services.classroom_join_code_set_enabled(classroom=c, enabled=True),
            _("Joining by code switched on for %(count)s classes."),
        )


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "classroom", "role"]

    def clean(self):
        data = super().clean()
        user = data.get("user")
        if (
            data.get("role") == MembershipRole.TEACHER
            and user is not None
            and user.role not in (Role.TEACHER, Role.ADMIN)
        ):
            self.add_error("user", _("A student account cannot teach a class."))
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Add a teacher, co-teacher or student to a class, or take them out of it."""

    form = MembershipAdminForm

    list_display = ["user", "classroom", "role", "joined_at"]
    list_filter = ["role", "classroom__year", "classroom"]
    search_fields = ["user__username", "user__email", "classroom__name"]
    list_select_related = ["user", "classroom"]
    autocomplete_fields = ["user", "classroom"]
    fields = ["user", "classroom", "role"]
    actions = ["remove_from_class"]

    def has_change_permission(self, request, obj=None):
        # A membership is added or removed, never edited: a role change is remove then add.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if data["role"] == MembershipRole.TEACHER:
            created = services.classroom_teacher_add(
                classroom=data["classroom"], teacher=data["user"]
            )
        else:
            created = services.membership_add(
                classroom=data["classroom"], user=data["user"], role=data["role"]
            )
        obj.pk = created.pk

    def delete_model(self, request, obj):
        services.membership_remove(membership=obj)

    @admin.action(description=_("Take the selected people out of their classes"))
    def remove_from_class(self, request, queryset):
        _run_each(
            self,
            request,
            queryset.select_related("user", "classroom"),
            lambda m: services.membership_remove(membership=m),
            _("%(count)s people taken out of their classes."),
        )


@admin.register(RetiredJoinCode)
class RetiredJoinCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "classroom", "retired_at"]
    search_fields = ["code", "classroom__name"]
    list_select_related = ["classroom"]


# --- Work ---------------------------------------------------------------------------------------


class WithdrawnFilter(admin.SimpleListFilter):
    title = _("withdrawn")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("no", _("Live")), ("yes", _("Withdrawn"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "classroom",
        "kind",
        "opens_at",
        "due_at",
        "cutoff_at",
        "is_live",
        "created_by",
    ]
    list_filter = [WithdrawnFilter, "kind", "classroom__year", "classroom"]
    search_fields = ["title", "classroom__name", "instructions"]
    list_select_related = ["classroom", "created_by"]
    date_hierarchy = "due_at"
    actions = ["withdraw", "restore"]

    @admin.display(description=_("live"), boolean=True, ordering="withdrawn_at")
    def is_live(self, obj):
        return obj.withdrawn_at is None

    @admin.action(description=_("Withdraw the selected assignments (student work is kept)"))
    def withdraw(self, request, queryset):
        now = timezone.now()
        _run_each(
            self,
            request,
            queryset.select_related("classroom"),
            lambda a: services.assignment_withdraw(assignment=a, now=now),
            _("%(count)s assignments withdrawn."),
        )

    @admin.action(description=_("Restore the selected withdrawn assignments"))
    def restore(self, request, queryset):
        _run_each(
            self,
            request,
            queryset.select_related("classroom"),
            lambda a: services.assignment_restore(assignment=a),
            _("%(count)s assignments restored."),
        )


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["student", "assignment", "due_at", "cutoff_at", "reason", "granted_by"]
    list_filter = ["assignment__classroom"]
    search_fields = ["student__username", "assignment__title", "reason"]
    list_select_related = ["student", "assignment", "granted_by"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected extensions"))
    def revoke(self, request, queryset):
        count = 0
        for extension in queryset:
            services.extension_revoke(extension=extension)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)s extension revoked.", "%(count)s extensions revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    list_display = ["student", "assignment", "number", "started_at", "submitted_at", "score_text"]
    list_filter = ["assignment__classroom", "assignment"]
    search_fields = ["student__username", "assignment__title"]
    list_select_related = ["student", "assignment"]

    @admin.display(description=_("score"), ordering="score")
    def score_text(self, obj):
        return "—" if obj.score is None else f"{obj.score}/{obj.max_score}"


@admin.register(ReadingProgress)
class ReadingProgressAdmin(ReadOnlyAdmin):
    list_display = ["student", "reading", "first_opened_at", "marked_read_at", "seconds_spent"]
    list_filter = ["reading"]
    search_fields = ["student__username", "reading__title"]
    list_select_related = ["student", "reading"]
