"""API for originality reports."""

urlpatterns: list = []
