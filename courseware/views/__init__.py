"""Courseware views, one module per area: content and teaching."""
