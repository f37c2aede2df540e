"""What every courseware API view shares: strict input, one 404, and services' refusals as JSON.

- Input serializers reject fields they do not take (``StrictSerializer``): a misspelt field is
  a 400 naming it, never silently ignored.
- An object the user may not see is a 404 with the same body as a missing one
  (``HideMissingMixin``): ``get_object_or_404`` would otherwise name the model in one case and
  not in the other.
- A service's ``ValidationError`` becomes a 400 (409 when the object's state refuses it) with
  ``detail``, a ``code`` and, for field errors, the fields (``refusal``).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from courseware.api.submissions import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    refusal_code,
)

# Re-exported: the strict JSON types the submissions API introduced, used by every area.
from courseware.services.teaching import JOIN_CODE_TOO_MANY_TRIES

__all__ = [
    "ErrorSerializer",
    "HideMissingMixin",
    "StrictBooleanField",
    "StrictCharField",
    "StrictIntegerField",
    "StrictSerializer",
    "errors",
    "refusal",
]

# A refusal's code decides its status: these say the object's state does not allow the change.
CONFLICT_CODES = {"archived", "has_work", "submitted", "withdrawn", "closed", "not_open"}
TOO_MANY_CODES = {JOIN_CODE_TOO_MANY_TRIES}


class StrictSerializer(serializers.Serializer):
    """A request body: a JSON object whose every field this serializer takes."""

    default_error_messages = {"unknown": _("Unknown field.")}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name) for name in data if name not in writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: [self.error_messages["unknown"]] for name in unknown}
                )
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    """Every error body: ``detail`` says what is wrong; field errors add one list per field."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


# Bad input and refusals: ``detail`` (and a ``code``) and/or one list of messages per field.
# A field may itself be called ``code`` or ``detail`` (a join code), so either may be a list.
_MESSAGES = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
FIELD_ERRORS = {
    "type": "object",
    "properties": {"detail": _MESSAGES, "code": _MESSAGES},
    "additionalProperties": True,
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error statuses an endpoint answers with."""
    described = {
        400: _("Bad input: ``detail`` or one list of messages per field."),
        401: _("No credentials, or bad ones."),
        403: _("Seen, but not yours to change."),
        404: _("Missing, or not yours to see."),
        409: _("The object's state does not allow it."),
        413: _("The request body is too large."),
        429: _("Too many requests or tries: wait, then try again."),
    }
    return {
        code: OpenApiResponse(
            FIELD_ERRORS if code in (400, 409, 429) else ErrorSerializer,
            description=described[code],
        )
        for code in codes
    }


class HideMissingMixin:
    """Answer every 404 with one body, whether the object is missing or hidden from the user."""

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            exc = NotFound()
        return super().handle_exception(exc)


def refusal(error: ValidationError) -> Response:
    """A service's refusal as a JSON error: 409 when the object's state refuses it, else 400."""
    code = refusal_code(error)
    body: dict = {"detail": " ".join(error.messages), "code": code}
    if hasattr(error, "error_dict"):
        fields = dict(error.message_dict)
        fields.pop(NON_FIELD_ERRORS, None)  # already in ``detail``
        # A field named like the body's own keys (the join code's ``code``) is in ``detail``;
        # ``code`` stays the refusal's code.
        body.update({name: messages for name, messages in fields.items() if name not in body})
    if code in TOO_MANY_CODES:
        answer = status.HTTP_429_TOO_MANY_REQUESTS
    elif code in CONFLICT_CODES:
        answer = status.HTTP_409_CONFLICT
    else:
        answer = status.HTTP_400_BAD_REQUEST
    return Response(body, status=answer)
