"""Courseware's REST API (v1): serializers and views per area, calling the same services,
selectors and capabilities as the HTML views."""
