"""API for essay submissions: draft saves with a revision check, and submitting."""

urlpatterns: list = []
