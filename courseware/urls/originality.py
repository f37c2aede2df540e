"""Originality report pages."""

from django.urls import path

from courseware.views import originality as views

urlpatterns = [
    path(
        "submissions/<int:pk>/versions/<int:number>/originality/",
        views.report_detail,
        name="originality-report",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/originality/status/",
        views.report_status,
        name="originality-status",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/originality/check/",
        views.report_recheck,
        name="originality-check",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/originality/visibility/",
        views.report_visibility,
        name="originality-visibility",
    ),
]
