from django.contrib import admin

from courseware.models import Classroom, Course, Membership


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "course",
        "year",
        "term",
        "join_code",
        "join_code_enabled",
        "archived_at",
    ]
    list_filter = ["year", "course", "join_code_enabled"]
    search_fields = ["name", "join_code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "classroom", "role", "joined_at"]
    list_filter = ["role", "classroom"]
    search_fields = ["user__username", "user__email", "classroom__name"]
    autocomplete_fields = ["user", "classroom"]
