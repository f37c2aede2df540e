"""Courseware URLs, one module per area, all in the ``courseware`` namespace."""

from courseware.urls import (
    analysis,
    content,
    marking,
    notifications,
    originality,
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
    *notifications.urlpatterns,
    *analysis.urlpatterns,
]
