"""Courseware URLs, one module per area, all in the ``courseware`` namespace."""

from courseware.urls import (
    analysis,
    annotations,
    content,
    help,
    integrations,
    marking,
    notifications,
    originality,
    process,
    quizzes,
    rosters,
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
    *help.urlpatterns,
    *integrations.urlpatterns,
    *rosters.urlpatterns,
    *annotations.urlpatterns,
    *analysis.urlpatterns,
]
