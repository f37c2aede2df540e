"""Originality report pages."""

urlpatterns: list = []
