"""Essay writing and submission pages."""

from django.urls import path

from courseware.views import submissions as views

urlpatterns = [
    path("assignments/<int:pk>/essay/", views.essay_write, name="essay-write"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission-detail"),
    path(
        "submissions/<int:pk>/versions/<int:number>/",
        views.submission_version,
        name="submission-version",
    ),
    path("submissions/<int:pk>/draft/", views.submission_draft_save, name="submission-draft-save"),
    path("submissions/<int:pk>/submit/", views.submission_submit, name="submission-submit"),
]
