"""Courseware services, one module per area: content and teaching."""
