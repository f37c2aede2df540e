"""The REST API's shared pieces: its URL root and one error format for every endpoint.

Every error body is JSON: ``{"detail": "..."}``, or ``{"field": ["message", ...]}`` for invalid
input, with the matching status code (400, 401, 403, 404, 409, 413, 429). Bad input never
reaches a 500.
"""

from csp.decorators import csp_update
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus the Django errors that bad input can raise inside a view."""
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "The request body is too large."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):
        return Response({"detail": "Bad request."}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


v1_urlpatterns = [
    path("", include("accounts.api")),
    path("", include("courseware.api.urls")),
]

urlpatterns = [
    path("api/<version>/", include(v1_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI sets inline styles as it renders; scripts stay 'self' only.
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
