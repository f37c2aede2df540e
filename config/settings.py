"""Lectern settings, read from the environment.

With no environment at all Lectern runs on the embedded default: SQLite, Celery tasks run eagerly,
email goes to the console and DEBUG is on. Production is chosen by environment only: ``DEBUG=0``
makes ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL`` required, and start-up
fails with a message naming any variable that is missing or malformed. ``.env.example`` lists
every variable.
"""

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import (
    read_bool,
    read_database_url,
    read_int,
    read_list,
    read_redis_url,
    read_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = read_bool("DEBUG", default=True)
PRODUCTION = not DEBUG

# Only the embedded default may fall back to a development key; production must supply its own.
SECRET_KEY = read_str(
    "SECRET_KEY",
    default=None if PRODUCTION else "dev-only-key-lectern-embedded-default-not-for-production",
)
ALLOWED_HOSTS = read_list(
    "ALLOWED_HOSTS",
    default=None if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = read_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # LTI 1.3 platform registrations, deployments and the tool's signing keys (django-lti).
    "lti_tool",
    "accounts",
    "courseware",
]

MIDDLEWARE = [
    "config.http_policy.RefuseTraceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before any view or form reads a parameter: one policy for every query string and form.
    "config.input_policy.InputPolicyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After sign-in, so it knows whose response it is: private ones are never stored.
    "config.http_policy.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.SiteNotFoundPageMiddleware",
    # Last, so that it sees the outcome of authentication on the admin login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "config.forms.FormRenderer"

# --- Data -----------------------------------------------------------------------------------

DATABASES = {
    "default": read_database_url(
        "DATABASE_URL",
        default=None if PRODUCTION else f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the threaded dev server write without "database locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = read_int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = read_redis_url("REDIS_URL", required=PRODUCTION)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lectern",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background work ------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = read_bool("CELERY_TASK_ALWAYS_EAGER", default=REDIS_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600

# --- Accounts -------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out admin logins before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courseware:dashboard"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# Reset links last PASSWORD_RESET_TIMEOUT; invitations their own, longer time (accounts.tokens).
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "accounts.tokens.ResetOrInvitationTokenGenerator"  # noqa: S105
ACCOUNT_SESSION_REMEMBER = None
# How many proxies (load balancers) stand in front of the web nodes and append the client's
# address to X-Forwarded-For. 0 (the default) trusts no forwarded header: the address is the
# connection's. Behind one load balancer set 1, so that limits per address see the client and not
# the balancer; a client's own X-Forwarded-For entries are never trusted. The one setting feeds
# allauth (site login), DRF's throttles (API) and django-axes (admin login).
TRUSTED_PROXY_COUNT = read_int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# allauth's limits, spelled out: failed logins per IP and per account, resets and signups.
ACCOUNT_RATE_LIMITS = {
    # Whole classes log in at once from one school address (NAT), so the per-address limits are
    # generous; failed logins are limited per account (the account, not the address, is locked:
    # five failures lock it for five minutes, and a password reset unlocks it at once). The same
    # budget covers the login form and the API's token endpoint.
    "login": read_str("LOGIN_RATE_LIMIT", default="300/m/ip"),
    "login_failed": read_str("LOGIN_FAILED_RATE_LIMIT", default="100/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# --- Sign in with Google and Microsoft -------------------------------------------------------
# A provider is offered only when its client id and secret are set: without them it has no
# button, and its sign-in URLs answer 404 (accounts.social). Who may sign in (the school's
# domains) and who becomes a teacher are kept in the database, edited in the admin.
GOOGLE_CLIENT_ID = read_str("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = read_str("GOOGLE_CLIENT_SECRET", default="")
MICROSOFT_CLIENT_ID = read_str("MICROSOFT_CLIENT_ID", default="")
MICROSOFT_CLIENT_SECRET = read_str("MICROSOFT_CLIENT_SECRET", default="")
# The Entra ID tenant (its id or primary domain) whose accounts may sign in; "organizations"
# lets any work or school account try, and the domain list then decides.
MICROSOFT_TENANT_ID = read_str("MICROSOFT_TENANT_ID", default="organizations")
GOOGLE_SIGN_IN = bool(GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET)
MICROSOFT_SIGN_IN = bool(MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET)
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "APPS": (
            [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}]
            if GOOGLE_SIGN_IN
            else []
        ),
        "SCOPE": ["openid", "profile", "email"],
        "OAUTH_PKCE_ENABLED": True,
    },
    "microsoft": {
        "APPS": (
            [
                {
                    "client_id": MICROSOFT_CLIENT_ID,
                    "secret": MICROSOFT_CLIENT_SECRET,
                    "key": "",
                    "settings": {"tenant": MICROSOFT_TENANT_ID},
                }
            ]
            if MICROSOFT_SIGN_IN
            else []
        ),
        "SCOPE": ["User.Read"],
        "OAUTH_PKCE_ENABLED": True,
    },
}
# An existing account is signed in (and linked) by a provider's verified address only when the
# address is in one of the school's listed domains; accounts.social decides, allauth links.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # only verified addresses get this far
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_AUTO_SIGNUP = True

# django-axes guards the Django admin login only; the site's own login is allauth's.
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "accounts.axes.AdminLoginHandler"
AXES_USERNAME_CALLABLE = "accounts.axes.attempted_username"
AXES_FAILURE_LIMIT = read_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- REST API -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.input_policy.PolicyJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": read_str("API_THROTTLE_ANON", default="60/min"),
        "user": read_str("API_THROTTLE_USER", default="1200/min"),
        "token": read_str("API_THROTTLE_TOKEN", default="10/min"),
        # The editor saves at most every few seconds per tab; this leaves room for two tabs.
        "autosave": read_str("API_THROTTLE_AUTOSAVE", default="120/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Throttles key on the connection's address, or the one TRUSTED_PROXY_COUNT proxies vouch
    # for; DRF's default (None) would take a client's own X-Forwarded-For as its identity.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lectern API",
    "DESCRIPTION": "Courses, readings, classes, assignments, submissions and grades.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind"; each choice set gets a component named after its model.
    "ENUM_NAME_OVERRIDES": {
        "AssignmentKindEnum": "courseware.models.AssignmentKind",
        "ReadingKindEnum": "courseware.models.ReadingKind",
        "NotificationKindEnum": "courseware.models.NotificationKind",
        "FrequencyEnum": "courseware.models.Frequency",
    },
}

# --- Email ----------------------------------------------------------------------------------

EMAIL_BACKEND = read_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = read_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = read_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = read_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = read_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = read_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = read_str("DEFAULT_FROM_EMAIL", default="Lectern <noreply@lectern.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en-au"
TIME_ZONE = read_str("TIME_ZONE", default="Australia/Sydney")
USE_I18N = True
USE_TZ = True

# Requests up to 5 MB reach the forms and serializers, whose own limits (2 MB readings, 50,000-word
# essays) answer with a clear message; larger bodies get Django's 400 (413 from the API).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(read_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the editor's autosave reads the token from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # TLS ends at the load balancer, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = read_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load-balancer health checks speak plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = read_int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # A sign-in button posts to Lectern, which redirects to the provider's sign-in page.
        "form-action": [
            "'self'",
            *(["https://accounts.google.com"] if GOOGLE_SIGN_IN else []),
            *(["https://login.microsoftonline.com"] if MICROSOFT_SIGN_IN else []),
        ],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "filters": {"no_client_error_tracebacks": {"()": "config.logging.NoTracebackForClientErrors"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_client_error_tracebacks"],
        }
    },
    "root": {"handlers": ["console"], "level": read_str("LOG_LEVEL", default="INFO")},
    # Django's default config gives the "django" logger a console handler of its own; its records
    # also reach the root's, so each line printed twice. The root alone prints them.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

LECTERN_SITE_NAME = _("Lectern")

# --- Notifications ------------------------------------------------------------------------------

# Where e-mails point: links in a message must be absolute. No trailing slash.
LECTERN_SITE_URL = read_str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The hour (school time) at which the daily digests go out.
LECTERN_DIGEST_HOUR = read_int("NOTIFICATION_DIGEST_HOUR", default=17)
# A "forgot your password" link works for an hour; an invitation's set-a-password link (its own
# token, courseware.invitations) for a week, since a new pupil may not read mail on the day.
PASSWORD_RESET_TIMEOUT = read_int("PASSWORD_RESET_TIMEOUT", default=3600)
LECTERN_INVITATION_TIMEOUT = read_int("INVITATION_TIMEOUT", default=7 * 24 * 3600)
# A finished originality check whose score reaches this percentage (or that finds overlap with
# another student's essay) is "flagged": the class's teachers are told, once per version.
LECTERN_ORIGINALITY_FLAG_PERCENT = read_int("ORIGINALITY_FLAG_PERCENT", default=20)

# --- LTI 1.3 ----------------------------------------------------------------------------------
# Platform registrations and the tool's keys live in the database (admin, `manage.py lti_platform`,
# `manage.py lti_keys`); nothing secret is configured here. A failed grade passback is retried
# this many times by its task, then by the schedule below, and is shown to the teacher meanwhile.
LTI_SCORE_POST_RETRIES = read_int("LTI_SCORE_POST_RETRIES", default=5)
# Seconds an OIDC login's state and nonce, and a launch's stored claims, stay usable.
LTI_LAUNCH_LIFETIME = read_int("LTI_LAUNCH_LIFETIME", default=3600)
# Seconds Lectern waits for an LMS (its keyset, tokens, gradebook and member list) before giving up.
LTI_HTTP_TIMEOUT = read_int("LTI_HTTP_TIMEOUT", default=10)

# Scheduled work for `celery -A config beat` (the times are the school's: CELERY_TIMEZONE). On the
# embedded default there is no beat: `manage.py notifications_run` does the same from cron.
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "notifications-dispatch": {
        "task": "courseware.notifications_dispatch_pending",
        "schedule": read_int("NOTIFICATION_DISPATCH_SECONDS", default=5 * 60),
    },
    "notifications-remind-due": {
        "task": "courseware.notifications_remind_due",
        "schedule": read_int("NOTIFICATION_REMINDER_SECONDS", default=15 * 60),
    },
    "lti-scores-retry": {
        "task": "courseware.lti_scores_post_pending",
        "schedule": read_int("LTI_SCORE_RETRY_SECONDS", default=10 * 60),
    },
    "notifications-digests": {
        "task": "courseware.notifications_send_digests",
        "schedule": crontab(minute=0, hour=LECTERN_DIGEST_HOUR),
    },
}
