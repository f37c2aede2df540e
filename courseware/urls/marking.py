"""Marking, feedback and the gradebook pages."""

urlpatterns: list = []
