"""Logging pieces named in ``settings.LOGGING``."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """Drop the traceback from a logged 4xx response: a 403 or 404 is an ordinary answer.

    Django logs ``Http404`` and ``PermissionDenied`` with the exception attached, which prints a
    traceback for every missing page; the one-line warning ("Not Found: /path") says enough.
    Server errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if status_code is not None and status_code < 500:
            record.exc_info = None
            record.exc_text = None
        return True
