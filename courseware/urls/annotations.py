"""Annotation pages: a reading annotated within an assignment, thread actions, the teacher's view
of the class's notes, participation marks and the CSV export."""

from django.urls import path

from courseware.views import annotations as views

urlpatterns = [
    path(
        "assignments/<int:pk>/readings/<slug:slug>/",
        views.annotation_reading,
        name="annotation-reading",
    ),
    path(
        "assignments/<int:pk>/readings/<slug:slug>/class-notes/",
        views.annotation_overview,
        name="annotation-overview",
    ),
    path(
        "assignments/<int:pk>/annotations/settings/",
        views.annotation_settings,
        name="annotation-settings",
    ),
    path(
        "assignments/<int:pk>/annotations/marks/<int:student_pk>/",
        views.annotation_mark,
        name="annotation-mark",
    ),
    path(
        "assignments/<int:pk>/annotations.csv",
        views.annotation_export,
        name="annotation-export",
    ),
    path("annotations/<int:pk>/reply/", views.annotation_reply, name="annotation-reply"),
    path("annotations/<int:pk>/endorse/", views.annotation_endorse, name="annotation-endorse"),
    path("annotations/<int:pk>/hide/", views.annotation_hide, name="annotation-hide"),
    path("annotations/<int:pk>/delete/", views.annotation_delete, name="annotation-delete"),
]
