"""Template tags for LTI: the grade passback notice on an assignment's marking pages."""

from django import template

from courseware.selectors.integrations import passback_counts

register = template.Library()


@register.inclusion_tag("courseware/integrations/_passback_notice.html")
def lti_passback_notice(assignment):
    """Failed grade passbacks, or how many went, for the assignment's markers (one query)."""
    return {"assignment": assignment, "counts": passback_counts(assignment=assignment)}
