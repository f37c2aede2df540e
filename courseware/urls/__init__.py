"""Courseware URLs, one module per area, all in the ``courseware`` namespace."""

from courseware.urls import content, submissions, teaching

app_name = "courseware"

urlpatterns = [*teaching.urlpatterns, *content.urlpatterns, *submissions.urlpatterns]
