"""Django admin for notifications: the e-mails sent (deliveries), each person's notifications and
the events they came from.

Read-only: they are written by the notification services (``courseware.services.notifications``)
and are the record of who was told what, and when; the admin is for staff answering "did this
student get the reminder?". Filter by kind, status and person; search by name or address.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courseware.admin.readonly import ReadOnlyAdmin
from courseware.models import Delivery, Event, Notification, NotificationKind

# The people the listed rows went to (not every account in the school).
PersonFilter = admin.RelatedOnlyFieldListFilter


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind_label", "subject", "status", "created_at", "sent_at"]
    list_filter = ["kind", "status", ("recipient", PersonFilter)]
    search_fields = ["recipient__username", "recipient__email", "recipient__display_name", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = ["recipient", "key", "kind", "subject", "status", "created_at", "sent_at", "error"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        labels = dict(NotificationKind.choices)
        return labels.get(obj.kind, obj.kind)  # a digest is not one kind


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "title", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), ("recipient", PersonFilter)]
    search_fields = ["recipient__username", "recipient__email", "recipient__display_name", "title"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = ["recipient", "event", "kind", "title", "url", "created_at", "read_at", "emailed_at"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "occurred_at", "deliver_after", "dispatched_at", "key"]
    list_filter = ["kind", ("dispatched_at", admin.EmptyFieldListFilter)]
    search_fields = ["key"]
    date_hierarchy = "occurred_at"
    fields = [
        "kind",
        "occurred_at",
        "deliver_after",
        "dispatched_at",
        "key",
        "actor",
        "subject",
        "classroom",
        "assignment",
        "submission",
        "announcement",
        "help_request",
        "data",
    ]
