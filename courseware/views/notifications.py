"""Notification pages: the notification centre, e-mail settings, unsubscribing, calendar feeds
and class announcements."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from courseware import permissions
from courseware.models import CalendarFeed, Frequency, NotificationKind
from courseware.rendering import render_essay
from courseware.selectors import notifications as selectors
from courseware.selectors.teaching import classroom_get_for, classrooms_for_user
from courseware.services import notifications as services

# --- Notification centre -------------------------------------------------------------------------


@login_required
def notification_list(request):
    """A person's notifications, newest first, unread ones marked."""
    page = Paginator(selectors.notifications_for(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "courseware/notifications/list.html",
        {"page": page, "notifications": page.object_list},
    )


@login_required
def notification_unread(request):
    """The bell's unread count, as JSON: pages fetch it so that none pays a query for it."""
    count = selectors.unread_count(user=request.user)
    label = ngettext("Notifications: %(n)s unread", "Notifications: %(n)s unread", count) % {
        "n": count
    }
    response = JsonResponse({"unread": count, "label": label})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark a notification read and go to what it is about."""
    notification = selectors.notification_get_for(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, now=timezone.now())
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("courseware:notification-list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user, now=timezone.now())
    messages.success(request, _("%(n)s notifications marked read.") % {"n": count})
    return redirect("courseware:notification-list")


# --- E-mail settings -----------------------------------------------------------------------------


class PreferencesForm(forms.Form):
    """One choice of e-mail frequency per kind of news that can reach the person; the kinds not
    shown keep what is stored for them."""

    def __init__(self, *args, frequencies: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(NotificationKind.choices)
        for kind in frequencies:
            self.fields[kind] = forms.ChoiceField(
                label=labels[kind],
                choices=Frequency.choices,
                initial=frequencies[kind],
                widget=forms.RadioSelect,
            )


@login_required
def notification_preferences(request):
    """Choose, per kind of news, e-mail straight away, in a daily digest, or not at all."""
    kinds = selectors.kinds_reaching(user=request.user)
    frequencies = selectors.frequencies_for(user=request.user, kinds=kinds)
    form = PreferencesForm(request.POST or None, frequencies=frequencies)
    if request.method == "POST":
        if form.is_valid():
            services.notification_preferences_set(user=request.user, frequencies=form.cleaned_data)
            messages.success(request, _("Your e-mail settings are saved."))
            return redirect("courseware:notification-preferences")
        return render(
            request, "courseware/notifications/preferences.html", {"form": form}, status=400
        )
    return render(request, "courseware/notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the credential; RFC 8058 mail clients post without a session
def notifications_unsubscribe(request, token: str):
    """A signed one-click unsubscribe link. GET shows a button (link scanners must not
    unsubscribe anyone); POST, from that button or a mail client (RFC 8058), unsubscribes."""
    try:
        _user_id, kinds = services.unsubscribe_token_read(token)
    except services.BadUnsubscribeLink as error:
        return render(
            request,
            "courseware/notifications/unsubscribe.html",
            {"error": error.messages[0]},
            status=400,
        )
    labels = dict(NotificationKind.choices)
    context = {"kinds": [labels[k] for k in kinds], "done": False}
    if request.method == "POST":
        try:
            services.notifications_unsubscribe(token=token)
        except services.BadUnsubscribeLink as error:
            context["error"] = error.messages[0]
            return render(request, "courseware/notifications/unsubscribe.html", context, status=400)
        context["done"] = True
    return render(request, "courseware/notifications/unsubscribe.html", context)


# --- Calendar feeds ------------------------------------------------------------------------------


def _feed_url(request, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(
        reverse("courseware:calendar-feed", kwargs={"token": feed.token})
    )


@login_required
def calendar_feeds(request):
    """A person's private calendar links: issue, re-issue (the old link stops working), revoke."""
    if request.method == "POST":
        classroom = None
        if request.POST.get("classroom"):
            try:
                classroom = classroom_get_for(user=request.user, pk=int(request.POST["classroom"]))
            except ValueError:
                return HttpResponse(_("Choose a class."), status=400)
        if request.POST.get("action") == "revoke":
            for feed in selectors.calendar_feeds_for(user=request.user).filter(classroom=classroom):
                services.calendar_feed_revoke(feed=feed, now=timezone.now())
            messages.success(request, _("The calendar link no longer works."))
        else:
            services.calendar_feed_issue(user=request.user, classroom=classroom, now=timezone.now())
            messages.success(
                request,
                _("Your new calendar link is ready; any older link for it has stopped working."),
            )
        return redirect("courseware:calendar-feeds")
    feeds = {feed.classroom_id: feed for feed in selectors.calendar_feeds_for(user=request.user)}
    personal = feeds.get(None)
    rows = [
        {"classroom": classroom, "feed": feeds.get(classroom.pk)}
        for classroom in classrooms_for_user(user=request.user)
    ]
    for row in rows:
        row["url"] = _feed_url(request, row["feed"]) if row["feed"] else ""
    return render(
        request,
        "courseware/notifications/calendars.html",
        {
            "personal": personal,
            "personal_url": _feed_url(request, personal) if personal else "",
            "rows": rows,
        },
    )


def _ics(feed: CalendarFeed, entries, now) -> bytes:
    """An iCalendar document of the feed's deadlines. Each assignment keeps one UID, so a
    calendar updates the event in place when the date moves; times are UTC, which every
    calendar shows in its own zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//Lectern//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = (
        _("Lectern: %(class)s") % {"class": feed.classroom.name}
        if feed.classroom_id
        else _("Lectern deadlines")
    )
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    for entry in entries:
        assignment = entry.assignment
        event = CalendarEvent()
        event.add("uid", f"assignment-{assignment.pk}@lectern")
        event.add("dtstamp", now)
        event.add("last-modified", assignment.updated_at)
        event.add("dtstart", entry.due_at)
        event.add("dtend", entry.due_at)
        summary = _("Due: %(title)s (%(class)s)") % {
            "title": assignment.title,
            "class": assignment.classroom.name,
        }
        if entry.extended:
            summary += " — " + _("extension")
        event.add("summary", summary)
        event.add("description", assignment.instructions[:1000])
        event.add("url", feed_site_url(assignment.get_absolute_url()))
        event.add("categories", [str(assignment.get_kind_display())])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -timedelta(hours=24))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def feed_site_url(path: str) -> str:
    return services.absolute(path)


def calendar_feed(request, token: str):
    """A private calendar feed: no log-in, the unguessable token is the key. A revoked or
    unknown token is a 404."""
    feed = selectors.calendar_feed_by_token(token=token)
    entries = selectors.calendar_entries(feed=feed)
    response = HttpResponse(_ics(feed, entries, timezone.now()), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="lectern.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Announcements -------------------------------------------------------------------------------


class AnnouncementForm(forms.Form):
    classrooms = forms.ModelMultipleChoiceField(
        label=_lazy("Classes"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=services.ANNOUNCEMENT_MAX_CHARS,
        help_text=_lazy("Markdown: *italic*, **bold**, lists and links."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classrooms"].queryset = classrooms_for_user(user=user)


@login_required
def announcement_create(request):
    """A teacher posts an announcement to one or more of their classes."""
    if not permissions.can_post_announcements(request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("classroom", "").isdigit():
        initial["classrooms"] = [int(request.GET["classroom"])]
    form = AnnouncementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                announcement = services.announcement_post(
                    author=request.user,
                    classrooms=list(form.cleaned_data["classrooms"]),
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    now=timezone.now(),
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Your announcement is posted."))
                return redirect("courseware:announcement-detail", pk=announcement.pk)
        return render(
            request, "courseware/notifications/announcement_form.html", {"form": form}, status=400
        )
    return render(request, "courseware/notifications/announcement_form.html", {"form": form})


def render_announcement(announcement):
    """An announcement's Markdown as sanitised HTML, by the essays' renderer (no citations)."""
    from courseware.models import Reading

    return render_essay(announcement.body, citable=Reading.objects.none(), id_prefix="ann").html


@login_required
def announcement_detail(request, pk: int):
    announcement = selectors.announcement_get_for(user=request.user, pk=pk)
    return render(
        request,
        "courseware/notifications/announcement_detail.html",
        {"announcement": announcement, "body": render_announcement(announcement)},
    )
