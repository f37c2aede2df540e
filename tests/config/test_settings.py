"""The embedded default and production are chosen by environment alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p7#kq2!vz9x@m4w8r1t6y3u5i0o-a2s4d6f8g0h1j3k5l7z9x1c3v5b7",
    "ALLOWED_HOSTS": "lectern.example.org",
    "DATABASE_URL": "postgres://lectern@db.example.org:5432/lectern",
    "REDIS_URL": "redis://cache.example.org:6379/0",
}
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'email': s.EMAIL_BACKEND, 'broker': s.CELERY_BROKER_URL, "
    "'cache': s.CACHES['default']['BACKEND'], 'sessions': s.SESSION_ENGINE}))"
)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_no_environment_gives_the_embedded_default():
    result = _run(["-c", PRINT_SETTINGS], {})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "debug": True,
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "email": "django.core.mail.backends.console.EmailBackend",
        "broker": "memory://",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "sessions": "django.contrib.sessions.backends.db",
    }


def test_production_uses_postgres_redis_and_a_real_worker():
    result = _run(["-c", PRINT_SETTINGS], PRODUCTION)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == PRODUCTION["REDIS_URL"]
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["sessions"] == "django.contrib.sessions.backends.cache"


def test_check_deploy_is_clean_with_production_values():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_start_fails_naming_a_missing_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert f"{missing} must" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysqlx://db/lectern"),
        ("REDIS_URL", "http://cache.example.org"),
        ("CONN_MAX_AGE", "forever"),
    ],
)
def test_production_start_fails_naming_a_malformed_variable(variable, value):
    result = _run(["manage.py", "check"], {**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_a_password_in_a_bad_url_is_not_printed():
    bad = "ftp://lectern:s3cret-pw@db.example.org/lectern"
    result = _run(["manage.py", "check"], {**PRODUCTION, "DATABASE_URL": bad})
    assert result.returncode != 0
    assert "s3cret-pw" not in result.stderr


SIGN_IN_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "p = s.SOCIALACCOUNT_PROVIDERS; "
    "print(json.dumps({'google': p['google']['APPS'], 'microsoft': p['microsoft']['APPS'], "
    "'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
)


def test_sign_in_providers_are_configured_by_the_environment_alone():
    unset = json.loads(_run(["-c", SIGN_IN_SETTINGS], {}).stdout)
    assert unset == {"google": [], "microsoft": [], "form_action": ["'self'"]}
    half = json.loads(_run(["-c", SIGN_IN_SETTINGS], {"GOOGLE_CLIENT_ID": "id-only"}).stdout)
    assert half["google"] == []  # a client id without its secret offers nothing
    assert half["form_action"] == ["'self'"]
    result = _run(
        ["-c", SIGN_IN_SETTINGS],
        {
            "GOOGLE_CLIENT_ID": "g-id",
            "GOOGLE_CLIENT_SECRET": "g-secret",
            "MICROSOFT_CLIENT_ID": "m-id",
            "MICROSOFT_CLIENT_SECRET": "m-secret",
            "MICROSOFT_TENANT_ID": "school-tenant",
        },
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["google"] == [{"client_id": "g-id", "secret": "g-secret", "key": ""}]
    assert values["microsoft"][0]["settings"] == {"tenant": "school-tenant"}
    assert values["form_action"] == [
        "'self'",
        "https://accounts.google.com",
        "https://login.microsoftonline.com",
    ]
