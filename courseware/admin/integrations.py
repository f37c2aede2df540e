"""Django admin for LTI 1.3.

Platform registrations and their deployment ids are django-lti's admin (``lti_tool``: "LTI
registrations"). Here: the tool's signing keys (rotated and retired by actions that call the
services; a private key is never shown), the LMS courses linked to classes, the placements linked
to assignments, and grade passbacks, read-only, with an action to send failed ones again.
"""

from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from lti_tool.admin import LtiDeploymentInline, LtiRegistrationAdmin
from lti_tool.models import Key, LtiRegistration

from courseware.admin.readonly import ReadOnlyAdmin
from courseware.models import LtiAssignmentLink, LtiClassLink, LtiScorePost, ScorePostStatus
from courseware.services import integrations as services


class ActiveDeploymentInline(LtiDeploymentInline):
    """A deployment id typed in by the school admin is one they mean to accept."""

    fields = ["deployment_id", "is_active"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["is_active"].initial = True
        return formset


admin.site.unregister(LtiRegistration)


@admin.register(LtiRegistration)
class RegistrationAdmin(LtiRegistrationAdmin):
    """django-lti's registration page (issuer, client id, the LMS's URLs) with its deployments
    active when added. An LMS URL typed without a scheme is taken as https (Django 6's default;
    an LMS serves its OIDC and token endpoints over https only)."""

    inlines = [ActiveDeploymentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Key)
class KeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "is_active", "datetime_created"]
    list_filter = ["is_active"]
    fields = ["kid", "is_active", "datetime_created", "public_key"]
    readonly_fields = fields
    actions = ["rotate", "retire_older"]

    @admin.display(description=_("key id (kid)"))
    def kid(self, key: Key) -> str:
        return str(key)

    @admin.action(description=_("Rotate: make a new signing key (the old stay published)"))
    def rotate(self, request, queryset):
        key = services.key_rotate(now=timezone.now())
        self.message_user(request, _("New signing key %(kid)s.") % {"kid": key}, messages.SUCCESS)

    @admin.action(description=_("Retire the selected keys (never the newest)"))
    def retire_older(self, request, queryset):
        retired = sum(services.key_retire(key=key) for key in queryset.filter(is_active=True))
        self.message_user(
            request,
            ngettext("%(n)s key retired.", "%(n)s keys retired.", retired) % {"n": retired},
            messages.SUCCESS,
        )


@admin.register(LtiClassLink)
class LtiClassLinkAdmin(ReadOnlyAdmin):
    list_display = ["context", "classroom", "linked_by", "linked_at", "roster_synced_at"]
    list_select_related = ["context", "classroom", "linked_by"]
    search_fields = ["context__title", "classroom__name"]


@admin.register(LtiAssignmentLink)
class LtiAssignmentLinkAdmin(ReadOnlyAdmin):
    list_display = ["resource_link", "assignment", "lineitem_url"]
    list_select_related = ["resource_link", "assignment"]
    search_fields = ["assignment__title", "resource_link__title"]


@admin.register(LtiScorePost)
class LtiScorePostAdmin(ReadOnlyAdmin):
    list_display = [
        "student",
        "assignment",
        "status",
        "attempts",
        "score_given",
        "score_maximum",
        "posted_at",
        "last_error",
    ]
    list_filter = ["status"]
    list_select_related = ["student", "link__assignment"]
    actions = ["send_again"]

    @admin.display(description=_("assignment"), ordering="link__assignment__title")
    def assignment(self, post: LtiScorePost):
        return post.link.assignment

    @admin.action(description=_("Send again now"))
    def send_again(self, request, queryset):
        now = timezone.now()
        sent = 0
        for post in queryset.exclude(status=ScorePostStatus.SKIPPED):
            post = services.lti_score_post_send(post_id=post.pk, now=now, force=True)
            sent += post is not None and post.status == ScorePostStatus.POSTED
        self.message_user(request, _("%(n)s sent.") % {"n": sent})
