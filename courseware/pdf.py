"""Feedback as a PDF: the student's essay as marked, with the rubric levels chosen, every
comment and the marks, made by WeasyPrint from an HTML template.

The PDF is made from the same ``Feedback`` the feedback page shows, with its own print
stylesheet (``static/css/feedback-print.css``) read from disk: WeasyPrint fetches nothing over
the network, so a document holding a student's text never makes a request anywhere.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from courseware.selectors.marking import Feedback

PRINT_CSS = "css/feedback-print.css"


def feedback_pdf(*, feedback: Feedback, label: str) -> bytes:
    """The feedback as PDF bytes; ``label`` is how the student is named on it."""
    # Imported here: WeasyPrint loads Pango, which no other page needs.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        """Refuse every URL: the document is self-contained."""

        def fetch(self, url, headers=None):
            raise ValueError(f"Feedback PDFs load nothing: refused {url!r}")

    html = render_to_string(
        "courseware/marking/feedback_pdf.html",
        {"feedback": feedback, "label": label, "made_at": timezone.now()},
    )
    stylesheet = CSS(filename=finders.find(PRINT_CSS))
    return HTML(string=html, url_fetcher=NoFetching(), base_url=".").write_pdf(
        stylesheets=[stylesheet]
    )
