"""Showing annotations: their text as sanitised HTML, and the student's own annotations in the
essay editor's readings panel."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from courseware.rendering import sanitise
from courseware.selectors import annotations as selectors

register = template.Library()

# Like an essay: Markdown with raw HTML off and no images, then nh3 against the essay allow-list.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).disable(["image", "heading", "lheading"])


@register.filter
def annotation_html(text: str) -> SafeString:
    """An annotation's text rendered as an essay is: Markdown, no raw HTML, sanitised."""
    html = _MARKDOWN.render(text or "")
    # nh3's output is safe to put in a page: it is the sanitiser's job to make it so.
    return mark_safe(sanitise(html))  # noqa: S308


@register.simple_tag
def essay_evidence(submission) -> list[selectors.Evidence]:
    """The student's own annotations on the essay's readings, for "Use as evidence"."""
    return selectors.evidence_for_essay(
        student=submission.student, assignment=submission.assignment
    )


@register.simple_tag
def annotation_readings(assignment) -> list:
    """The readings annotated within an assignment (none for a quiz)."""
    if assignment.kind == "reading":
        return [assignment.reading]
    if assignment.kind == "essay":
        return list(selectors.annotatable_readings(assignment=assignment).only("slug", "title"))
    return []
