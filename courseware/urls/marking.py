"""Marking, feedback and the gradebook pages."""

from django.urls import path, re_path

from courseware.views import marking as views

urlpatterns = [
    path("assignments/<int:pk>/marking/", views.marking_queue, name="marking-queue"),
    path("assignments/<int:pk>/marking/reveal/", views.marking_reveal, name="marking-reveal"),
    path(
        "assignments/<int:pk>/marking/release/",
        views.marking_release_all,
        name="marking-release-all",
    ),
    re_path(
        r"^assignments/(?P<pk>[0-9]+)/marking/marks\.(?P<fmt>csv|xlsx)$",
        views.marking_export,
        name="marking-export",
    ),
    path(
        "assignments/<int:pk>/statistics/",
        views.assignment_statistics,
        name="assignment-statistics",
    ),
    path("submissions/<int:pk>/mark/", views.mark_submission, name="mark-submission"),
    path("submissions/<int:pk>/mark/release/", views.grade_release, name="grade-release"),
    path("submissions/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("submissions/<int:pk>/feedback.pdf", views.feedback_download, name="feedback-pdf"),
    path(
        "inline-comments/<int:pk>/delete/",
        views.inline_comment_delete,
        name="inline-comment-delete",
    ),
    path("comment-bank/", views.comment_bank, name="comment-bank"),
    path("comment-bank/<int:pk>/delete/", views.comment_bank_delete, name="comment-bank-delete"),
    path("classes/<int:pk>/gradebook/", views.gradebook, name="gradebook"),
    re_path(
        r"^classes/(?P<pk>[0-9]+)/gradebook\.(?P<fmt>csv|xlsx)$",
        views.gradebook_export,
        name="gradebook-export",
    ),
    path("grades/", views.my_grades, name="my-grades"),
]
