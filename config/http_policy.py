"""Site-wide HTTP rules that no view should have to remember.

- ``RefuseTraceMiddleware``: ``TRACE`` (and ``TRACK``, ``CONNECT``) are refused with 405
  before anything else runs: they echo requests back (cross-site tracing) and no page uses them.
- ``PrivateCacheMiddleware``: every response to a signed-in user, and every API response,
  carries ``Cache-Control: private, no-store``, so no shared cache (a school proxy) or browser
  history keeps an essay, a gradebook export, a feedback PDF or an API answer. Public pages and
  static files are left to cache.
"""

from django.http import HttpResponseNotAllowed
from django.utils.cache import patch_cache_control

REFUSED_METHODS = {"TRACE", "TRACK", "CONNECT"}
ALLOWED = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]


class RefuseTraceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method.upper() in REFUSED_METHODS:
            return HttpResponseNotAllowed(ALLOWED)
        return self.get_response(request)


class PrivateCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" in response.get("Cache-Control", ""):
            return response  # never_cache said so already (and the user need not be loaded)
        if (
            request.path.startswith("/api/")
            or "Authorization" in request.headers
            or _signed_in(request)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
