"""API for grades and the gradebook."""

urlpatterns: list = []
