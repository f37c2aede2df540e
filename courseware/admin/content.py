"""Django admin for content models."""
