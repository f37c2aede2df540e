"""Courseware API URLs, mounted under ``/api/v1/``; one module per area."""

from courseware.api import submissions

urlpatterns = [*submissions.urlpatterns]
