"""Courseware API URLs, mounted under ``/api/v1/``; one module per area."""

from courseware.api import marking, originality, submissions

urlpatterns = [*submissions.urlpatterns, *marking.urlpatterns, *originality.urlpatterns]
