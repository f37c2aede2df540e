"""Notifications API: a person's notifications (list, mark read), e-mail preferences, private
calendar links (issue, re-issue, revoke) and class announcements."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware import permissions
from courseware.api.common import HideMissingMixin, StrictSerializer, errors, refusal
from courseware.models import Announcement, Classroom, Frequency, Notification
from courseware.models.notifications import CHOOSABLE_KINDS
from courseware.selectors import notifications as selectors
from courseware.selectors.teaching import classroom_get_for
from courseware.services import notifications as services


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "url", "created_at", "read_at"]


@extend_schema_view(
    list=extend_schema(responses={200: NotificationSerializer}),
)
class NotificationViewSet(HideMissingMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in person's notifications, newest first; ``?unread=true`` for unread only."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_converter = "int"
    queryset = Notification.objects.none()  # the schema's model; requests use the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        queryset = selectors.notifications_for(user=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(request=None, responses={200: NotificationSerializer, **errors(401, 404)})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None, **kwargs):
        """Mark one notification read."""
        notification = selectors.notification_get_for(user=request.user, pk=pk)
        services.notification_mark_read(notification=notification, now=timezone.now())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, **kwargs):
        """Mark every notification read."""
        count = services.notifications_mark_all_read(user=request.user, now=timezone.now())
        return Response({"marked": count})


class PreferencesSerializer(StrictSerializer):
    """One field per kind; the schema names every kind, a request only those that can reach
    the person (``kinds`` in the context)."""

    default_error_messages = {"unknown": _("No such kind of news reaches you.")}

    def get_fields(self):
        return {
            str(kind): serializers.ChoiceField(choices=Frequency.choices, required=False)
            for kind in self.context.get("kinds", CHOOSABLE_KINDS)
        }


class NotificationPreferencesView(HideMissingMixin, APIView):
    """How the signed-in person hears of each kind of news by e-mail: ``immediately``,
    ``digest`` or ``off`` (the in-app notification centre is always on). Only the kinds that can
    reach the person are listed and may be set: teachers' news (handed in, originality flags,
    help requests) for people who teach, students' news for students, announcements for all."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PreferencesSerializer})
    def get(self, request, **kwargs):
        kinds = selectors.kinds_reaching(user=request.user)
        return Response(selectors.frequencies_for(user=request.user, kinds=kinds))

    @extend_schema(
        request=PreferencesSerializer, responses={200: PreferencesSerializer, **errors(400, 401)}
    )
    def put(self, request, **kwargs):
        kinds = selectors.kinds_reaching(user=request.user)
        data = PreferencesSerializer(data=request.data, context={"kinds": kinds})
        data.is_valid(raise_exception=True)
        services.notification_preferences_set(
            user=request.user, frequencies=dict(data.validated_data)
        )
        return Response(selectors.frequencies_for(user=request.user, kinds=kinds))


class FeedRequestSerializer(StrictSerializer):
    classroom = serializers.IntegerField(required=False, allow_null=True)


FEEDS = inline_serializer(
    "CalendarFeeds",
    {
        "personal": serializers.URLField(allow_null=True),
        "classes": serializers.ListField(child=serializers.DictField()),
    },
)


class CalendarFeedsView(HideMissingMixin, APIView):
    """The signed-in person's private calendar links. POST issues a new one (for a class with
    ``classroom``), and the old link for the same thing stops working."""

    permission_classes = [IsAuthenticated]

    def _url(self, request, feed) -> str:
        return request.build_absolute_uri(
            reverse("courseware:calendar-feed", kwargs={"token": feed.token})
        )

    def _classroom(self, request) -> Classroom | None:
        data = FeedRequestSerializer(data=request.data or {})
        data.is_valid(raise_exception=True)
        pk = data.validated_data.get("classroom")
        return None if pk is None else classroom_get_for(user=request.user, pk=pk)

    @extend_schema(responses={200: FEEDS})
    def get(self, request, **kwargs):
        feeds = list(selectors.calendar_feeds_for(user=request.user))
        personal = next((f for f in feeds if f.classroom_id is None), None)
        return Response(
            {
                "personal": self._url(request, personal) if personal else None,
                "classes": [
                    {"classroom": f.classroom_id, "url": self._url(request, f)}
                    for f in feeds
                    if f.classroom_id is not None
                ],
            }
        )

    @extend_schema(
        request=FeedRequestSerializer,
        responses={
            201: inline_serializer("CalendarFeed", {"url": serializers.URLField()}),
            **errors(400, 401, 404),
        },
    )
    def post(self, request, **kwargs):
        classroom = self._classroom(request)
        try:
            feed = services.calendar_feed_issue(
                user=request.user, classroom=classroom, now=timezone.now()
            )
        except ValidationError as error:
            return refusal(error)
        return Response({"url": self._url(request, feed)}, status=status.HTTP_201_CREATED)

    @extend_schema(request=FeedRequestSerializer, responses={204: None, **errors(400, 401, 404)})
    def delete(self, request, **kwargs):
        """Turn a calendar link off."""
        classroom = self._classroom(request)
        for feed in selectors.calendar_feeds_for(user=request.user).filter(classroom=classroom):
            services.calendar_feed_revoke(feed=feed, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnnouncementSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.name", default=None, read_only=True)
    classrooms = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Announcement
        fields = ["id", "title", "body", "author", "classrooms", "created_at"]


class AnnouncementCreateSerializer(StrictSerializer):
    classrooms = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=services.ANNOUNCEMENT_MAX_CHARS)


class AnnouncementViewSet(
    HideMissingMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Announcements to the signed-in person's classes, newest first; teachers post them."""

    serializer_class = AnnouncementSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_converter = "int"
    queryset = Announcement.objects.none()  # the schema's model; requests use the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.announcements_visible_to(user=self.request.user)

    def get_object(self):
        return selectors.announcement_get_for(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request=AnnouncementCreateSerializer,
        responses={201: AnnouncementSerializer, **errors(400, 401, 403, 404)},
    )
    def create(self, request, **kwargs):
        if not permissions.can_post_announcements(request.user):
            return Response(
                {"detail": "Only teachers post announcements."}, status=status.HTTP_403_FORBIDDEN
            )
        data = AnnouncementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        classrooms = [
            classroom_get_for(user=request.user, pk=pk)
            for pk in dict.fromkeys(data.validated_data["classrooms"])
        ]
        if not all(permissions.can_post_announcement(request.user, c) for c in classrooms):
            return Response(
                {"detail": "You can only post to classes you teach."},
                status=status.HTTP_403_FORBIDDEN,
            )
        try:
            announcement = services.announcement_post(
                author=request.user,
                classrooms=classrooms,
                title=data.validated_data["title"],
                body=data.validated_data["body"],
                now=timezone.now(),
            )
        except ValidationError as error:
            return refusal(error)
        return Response(AnnouncementSerializer(announcement).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path(
        "me/notification-preferences/",
        NotificationPreferencesView.as_view(),
        name="api-notification-preferences",
    ),
    path("me/calendar/", CalendarFeedsView.as_view(), name="api-calendar-feeds"),
]
