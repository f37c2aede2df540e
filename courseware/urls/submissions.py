"""Essay writing and submission pages."""

urlpatterns: list = []
