"""Courseware selectors, one module per area: content and teaching."""
