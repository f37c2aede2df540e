"""Courseware URLs, one module per area, all in the ``courseware`` namespace."""

from courseware.urls import (
    content,
    marking,
    notifications,
    originality,
    process,
    quizzes,
    submissions,
    teaching,
)

app_name = "courseware"

urlpatterns = [
    *teaching.urlpatterns,
    *content.urlpatterns,
    *quizzes.urlpatterns,
    *submissions.urlpatterns,
    *marking.urlpatterns,
    *originality.urlpatterns,
    *process.urlpatterns,
    *notifications.urlpatterns,
]
