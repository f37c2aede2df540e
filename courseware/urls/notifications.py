"""Notification pages: the notification centre, e-mail settings, calendars, announcements."""

from django.urls import path

from courseware.views import notifications as views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/unread/", views.notification_unread, name="notification-unread"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path(
        "notifications/settings/",
        views.notification_preferences,
        name="notification-preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.notifications_unsubscribe,
        name="notifications-unsubscribe",
    ),
    path("calendar/", views.calendar_feeds, name="calendar-feeds"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("announcements/new/", views.announcement_create, name="announcement-create"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement-detail"),
]
