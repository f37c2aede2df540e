"""Roster pages: importing the school's OneRoster export (school admins)."""

from django.urls import path

from courseware.views import rosters as views

urlpatterns = [
    path("rosters/import/", views.roster_import, name="roster-import"),
    path("rosters/import/<int:pk>/", views.roster_import_preview, name="roster-import-preview"),
    path(
        "rosters/import/<int:pk>/confirm/",
        views.roster_import_confirm,
        name="roster-import-confirm",
    ),
]
