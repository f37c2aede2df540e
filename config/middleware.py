"""Middleware of the site as a whole."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render


class SiteNotFoundPageMiddleware:
    """Show the site's own 404 page while ``DEBUG`` is on (``make run``), as production does.

    Django answers a missing page with its technical 404 page whenever ``DEBUG`` is on; a school
    trying Lectern on a laptop should see Lectern's page. The request log still names the path.
    With ``DEBUG`` off this does nothing: Django's ``handler404`` already renders ``404.html``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A URL that matches no pattern never reaches a view, so process_exception misses it.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return self._page(request)
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return self._page(request)
        return None

    @staticmethod
    def _page(request):
        return render(request, "404.html", status=404)
