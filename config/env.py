"""Read and validate settings from the environment.

Every reader raises ``ImproperlyConfigured`` naming the variable, so a production start-up with a
missing or malformed value fails at once with a message that says which one to fix.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_DATABASE_ENGINES = {
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
}

env = environ.Env()


def read_bool(name: str, *, default: bool) -> bool:
    """Read a boolean spelled 1/0, true/false, yes/no or on/off; anything else is an error."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def read_str(name: str, *, default: str | None = None) -> str:
    """Read a non-empty string; without a default the variable is required."""
    raw = env.str(name, default="").strip()
    if raw:
        return raw
    if default is None:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return default


def read_list(name: str, *, default: list[str] | None = None) -> list[str]:
    """Read a comma-separated list; without a default at least one item is required."""
    items = [item.strip() for item in env.str(name, default="").split(",") if item.strip()]
    if items:
        return items
    if default is None:
        raise ImproperlyConfigured(f"{name} must list at least one value (comma-separated).")
    return default


def read_int(name: str, *, default: int) -> int:
    """Read a whole number."""
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def read_database_url(name: str, *, default: str | None) -> dict:
    """Read a PostgreSQL or SQLite database URL into a Django ``DATABASES`` entry."""
    raw = env.str(name, default="").strip() or default
    if not raw:
        raise ImproperlyConfigured(f"{name} must be set in production (postgres://user@host/db).")
    config = env.db_url_config(raw)
    if config.get("ENGINE") not in _DATABASE_ENGINES or not config.get("NAME"):
        raise ImproperlyConfigured(
            f"{name} is not a usable database URL (postgres://user@host:5432/dbname "
            f"or sqlite:///path); got {_redacted(raw)!r}."
        )
    return config


def read_redis_url(name: str, *, required: bool) -> str | None:
    """Read a ``redis://`` or ``rediss://`` URL, or None when absent and not required."""
    raw = env.str(name, default="").strip()
    if not raw:
        if required:
            raise ImproperlyConfigured(f"{name} must be set in production (redis://host:6379/0).")
        return None
    parts = urlsplit(raw)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} is not a Redis URL (redis://host:6379/0); got {_redacted(raw)!r}."
        )
    return raw


def _redacted(url: str) -> str:
    """Hide a password in a URL before it goes into an error message."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
