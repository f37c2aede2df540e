"""One policy for what a request may carry, applied to every query parameter, form field and
JSON value before any view, form or serializer sees it.

Values that no form or serializer could want, and that a database or the date arithmetic would
turn into a server error, are refused with a 400 and a message saying which parameter and why:

- a NUL character (PostgreSQL cannot store one) or a lone surrogate (not UTF-8);
- a whole number of more than 18 digits (beyond a 64-bit integer column);
- JSON nested deeper than ``MAX_JSON_DEPTH`` or a non-finite number (``NaN``, ``Infinity``).

Dates are checked where a value is known to be a moment in time that will be stored, by
``check_moment``: the date fields of the forms (``LocalDateTimeField``) and of the API's
serializers (``MomentField``) call it, so a year before ``YEAR_MIN`` or after ``YEAR_MAX`` (the
year-1 date that overflowed when shown in the school's time zone) is refused everywhere with one
message. The API's list filters only read, so they take any moment the calendar can hold in UTC
and answer 400 for one it cannot (``api.filters.UTCDateTimeField``).

Bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and unreadable bodies (a multipart body without a
boundary) are refused the same way. The HTML side is ``InputPolicyMiddleware``; the API side is
``PolicyJSONParser`` (DRF parses JSON bodies itself, after the middleware).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

YEAR_MIN = 1900
YEAR_MAX = 2200
MAX_DIGITS = 18
MAX_JSON_DEPTH = 32

_FORBIDDEN_CHARS = re.compile("[\x00\ud800-\udfff]")
_WHOLE_NUMBER = re.compile(r"\s*[-+]?\d+\s*")


class InputRefused(ValueError):
    """A value the policy refuses; its message says which and why. ``field`` names the top-level
    field of a JSON body it was found in, so that the API can answer with that field's error."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_text(name: str, value: str) -> None:
    """Refuse a string value that breaks the policy (see the module's docstring)."""
    if _FORBIDDEN_CHARS.search(value):
        raise InputRefused(
            _("“%(name)s” contains a character that cannot be stored (NUL or a broken character).")
            % {"name": name}
        )
    if _WHOLE_NUMBER.fullmatch(value) and len(value.strip().lstrip("+-")) > MAX_DIGITS:
        raise InputRefused(_("“%(name)s” is too large a number.") % {"name": name})


def check_moment(value: datetime) -> None:
    """Refuse a moment in time outside the years ``YEAR_MIN`` to ``YEAR_MAX``, which would
    overflow (or make no sense) when moved between time zones."""
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise InputRefused(_out_of_range())


def check_pairs(pairs: Iterable[tuple[str, str]]) -> None:
    """Refuse a query string or form body any of whose names or values breaks the policy."""
    for name, value in pairs:
        check_text(_("parameter"), name)
        check_text(name, value)


def check_json(data, name: str = "body", depth: int = 0) -> None:
    """Refuse parsed JSON any of whose keys or values breaks the policy."""
    if depth > MAX_JSON_DEPTH:
        raise InputRefused(_("The JSON is nested too deeply."))
    if isinstance(data, str):
        check_text(name, data)
    elif isinstance(data, bool):
        return
    elif isinstance(data, int):
        if len(str(abs(data))) > MAX_DIGITS:
            raise InputRefused(_("“%(name)s” is too large a number.") % {"name": name})
    elif isinstance(data, float):
        if not math.isfinite(data):
            raise InputRefused(_("“%(name)s” must be a finite number.") % {"name": name})
    elif isinstance(data, dict):
        for key, value in data.items():
            check_text(_("key"), key)
            try:
                check_json(value, key, depth + 1)
            except InputRefused as error:
                if depth == 0 and error.field is None:
                    error.field = key
                raise
    elif isinstance(data, list):
        for value in data:
            check_json(value, name, depth + 1)


def _reject_constant(constant: str):
    raise ValueError(f"{constant} is not a number")


def loads(text: str):
    """Parse JSON under the policy: deep nesting and non-finite numbers are refused."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError as error:
        raise InputRefused(_("The JSON is nested too deeply.")) from error
    except ValueError as error:
        raise InputRefused(_("JSON parse error - %(error)s") % {"error": error}) from error
    check_json(data)
    return data


class PolicyJSONParser(JSONParser):
    """DRF's JSON parser under the policy: every JSON body of the API is checked here."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as error:
            raise ParseError(_("The body is not UTF-8 text.")) from error
        except RequestDataTooBig:
            raise
        try:
            return loads(text)
        except InputRefused as error:
            if error.field is not None:
                # A refused value of a named field: that field's error, as a serializer gives.
                raise serializers.ValidationError({error.field: [str(error)]}) from error
            raise ParseError(str(error)) from error


def _refuse(request, message: str, status: int = 400):
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message}, status=status)
    try:
        return render(request, "400.html", {"message": message}, status=status)
    except Exception:  # noqa: BLE001 - the plain answer is still a 400
        return HttpResponseBadRequest(message)


class InputPolicyMiddleware:
    """Check every query string and form body against the policy before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_pairs(_items(request.GET))
            # The API's bodies are its parsers' to read (``PolicyJSONParser``); reading them here
            # would leave DRF nothing to parse.
            if _is_form(request) and not request.path.startswith("/api/"):
                check_pairs(_items(request.POST))
        except InputRefused as error:
            return _refuse(request, str(error))
        except RequestDataTooBig:
            return _refuse(request, _("The request body is too large."))
        except (MultiPartParserError, SuspiciousOperation):
            return _refuse(request, _("The request body could not be read."))
        return self.get_response(request)


def _is_form(request) -> bool:
    content_type = request.META.get("CONTENT_TYPE", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def _items(querydict):
    for name, values in querydict.lists():
        for value in values:
            yield name, value


class MomentField(serializers.DateTimeField):
    """The API's date-time field: DRF's, under the policy's year range (``check_moment``)."""

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
            check_moment(moment)
        except OverflowError as error:
            raise serializers.ValidationError(str(_out_of_range())) from error
        except InputRefused as error:
            raise serializers.ValidationError(str(error)) from error
        return moment


def _out_of_range() -> str:
    return _("Give a date between the years %(min)s and %(max)s.") % {
        "min": YEAR_MIN,
        "max": YEAR_MAX,
    }
