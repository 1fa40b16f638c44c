"""Settings for the mentorship site.

One module for every deployment: whatever differs between a laptop, CI and production
comes from the environment (see the README for every variable). Bad values fail at
start-up with a message that names the variable, rather than falling back silently.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: a typo such as DJANGO_DEBUG=ture must not mean False."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=None)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


# --- Core -------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false. "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    # Development only: DEBUG is on, so this key never signs anything in production.
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SITE_ID = 1
INVITATION_MAX_AGE_DAYS = env_int("DJANGO_INVITATION_DAYS", 14)
SITE_NAME = env.str("DJANGO_SITE_NAME", default="Mentorship")
# Used in emails, where no request is at hand to build absolute links from.
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The most proposals one bulk vote or decision acts on (one request, one transaction).
MATCHING_BULK_MAX = env_int("DJANGO_MATCHING_BULK_MAX", 100)
# A participant's home lists their open action items due within this many days (and overdue ones).
ACTION_ITEMS_DUE_DAYS = env_int("DJANGO_ACTION_ITEMS_DUE_DAYS", 7)
if ACTION_ITEMS_DUE_DAYS < 0:
    raise ImproperlyConfigured("DJANGO_ACTION_ITEMS_DUE_DAYS cannot be negative.")
# In-app notifications older than this are deleted by a nightly task.
NOTIFICATION_RETENTION_DAYS = env_int("DJANGO_NOTIFICATION_DAYS", 90)
# The local hour (in each person's time zone) from which their daily digest is sent.
DIGEST_HOUR = env_int("DJANGO_DIGEST_HOUR", 7)
if not 0 <= DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("DJANGO_DIGEST_HOUR must be an hour from 0 to 23.")
if NOTIFICATION_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("DJANGO_NOTIFICATION_DAYS must be at least 1.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",
    "rules.apps.AutodiscoverRulesConfig",
    "django_celery_beat",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "mentorship",
    "cohorts",
    "questionnaires",
    "matching",
    "meetings",
    "showcase",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every query of an organization's data inside the request is limited to the person's
    # organizations (the admin site, for staff, to none): see mentorship.tenancy.
    "mentorship.tenancy.TenantScopeMiddleware",
    # After authentication: a person's own language choice wins over the browser's.
    "mentorship.middleware.PersonLanguageMiddleware",
    # Everything needs a signed-in person unless its view says otherwise
    # (sign-in, sign-up, invitations, public showcase pages).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "mentorship.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
ASGI_APPLICATION = "mentorship.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mentorship.context_processors.site",
                "mentorship.context_processors.navigation",
                "cohorts.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL compiles a query to machine code once its estimated cost passes
    # jit_above_cost: that costs 50-70 ms per query, more than the page's aggregates
    # themselves take at 5,000 participants (bench/pages.py). Off unless asked for.
    if not env_bool("DJANGO_DB_JIT", default=False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
elif DATABASES["default"]["ENGINE"].endswith("sqlite3") and DATABASES["default"]["NAME"] not in ("", ":memory:"):
    # The embedded default has three processes writing one file (the server, a worker and
    # beat): write-ahead logging lets readers go on while one writes, and a writer waits
    # for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="locmemcache://")}

# --- Accounts ---------------------------------------------------------------------------

AUTH_USER_MODEL = "mentorship.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's, loading the person with their organizations' ids (tenancy).
    "mentorship.auth_backends.ScopedModelBackend",
    "mentorship.auth_backends.ScopedAllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("DJANGO_FAST_PASSWORD_HASHER", default=False):
    # Tests only: the default hasher is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "mentorship.forms.SignupForm", "login": "mentorship.forms.LoginForm"}
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory in production; the demo lets people in without a mail round-trip.
ACCOUNT_EMAIL_VERIFICATION = env.str("DJANGO_ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory")
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    raise ImproperlyConfigured("DJANGO_ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none.")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "mentorship.adapter.AccountAdapter"
# Failed passwords slow the address that sent them, never the account for everyone
# (mentorship/signin.py): the wait starts after this many failures and doubles with each one.
SIGNIN_FREE_FAILURES = env_int("DJANGO_SIGNIN_FREE_FAILURES", 5)  # one account from one address
SIGNIN_ADDRESS_FREE_FAILURES = env_int("DJANGO_SIGNIN_ADDRESS_FREE_FAILURES", 20)  # any account
SIGNIN_ACCOUNT_FREE_FAILURES = env_int("DJANGO_SIGNIN_ACCOUNT_FREE_FAILURES", 50)  # unknown browsers
SIGNIN_DELAY_SECONDS = env_int("DJANGO_SIGNIN_DELAY_SECONDS", 30)
SIGNIN_MAX_DELAY_SECONDS = env_int("DJANGO_SIGNIN_MAX_DELAY_SECONDS", 15 * 60)
SIGNIN_WINDOW_SECONDS = env_int("DJANGO_SIGNIN_WINDOW_SECONDS", 24 * 3600)
# The way in that no throttle blocks: a one-time code sent by email.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env_int("DJANGO_SIGNIN_CODE_SECONDS", 10 * 60)
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# The address counted is the client's: behind N proxies that append to X-Forwarded-For, say
# so, or every visitor looks like the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# allauth's own limits (resets, sign-ups, codes), kept on explicitly so that nobody mistakes the
# default for "off". Its "login_failed" limit is replaced by the adapter's throttle above.
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    "request_login_code": "20/m/ip,3/m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "

# Dates people type (due dates, meetings, cohort dates, closing times) must fall within this
# many years before and after today (mentorship/dates.py).
DATE_YEARS_PAST = env_int("DJANGO_DATE_YEARS_PAST", 5)
DATE_YEARS_FUTURE = env_int("DJANGO_DATE_YEARS_FUTURE", 5)

# --- Internationalization ---------------------------------------------------------------

LANGUAGE_CODE = "en"
# Each language under its own name, as people look for it in the switch.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates in one style per language: templates name a format (DATE_FORMAT, SHORT_DATE_FORMAT...)
# and mentorship/formats/<language>/formats.py says what it looks like.
FORMAT_MODULE_PATH = "mentorship.formats"

# --- Static and media files -------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs collectstatic first, which development and tests skip.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------------------

_email = env.email_url("DJANGO_EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Mentorship <mentorship@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------

_secure_cookies = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response: scripts, styles, images, fonts and requests from
# the site itself only; no inline script or style (an element that needs one carries the
# request's nonce, {{ CSP_NONCE }}), no eval, no plugins, never framed. One escaping slip then
# cannot run script in a person's session. Bootstrap's stylesheet draws its icons as data:
# images. Forms post only to the site, plus the origins listed in DJANGO_CSP_FORM_ACTION
# (a single sign-on provider that receives a form post, for example).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *env.list("DJANGO_CSP_FORM_ACTION", default=[])],
        "frame-ancestors": [NONE],
    },
}

# --- Celery -----------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker every task runs in-process, right away (the tests, a quick shell).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# The embedded default (`make run`): a real worker and beat with a broker that needs no
# server, messages being files in a folder of the project.
BROKER_IS_FOLDER = CELERY_BROKER_URL.startswith("filesystem://")
CELERY_RESULT_BACKEND = (
    env.str("CELERY_RESULT_BACKEND", default="") or (None if BROKER_IS_FOLDER else CELERY_BROKER_URL) or None
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker process killed while running a task (out of memory, a deploy) gives the message
# back to the broker instead of acknowledging it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis hands an unacknowledged message to another worker after this long. It must outlast
# the longest task, or a task still running is delivered a second time; a dead worker's job
# is picked up much sooner by its heartbeat (JOB_STALE_SECONDS).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60}
if BROKER_IS_FOLDER:
    BROKER_FOLDER = Path(env.str("DJANGO_BROKER_FOLDER", default=str(BASE_DIR / "var" / "broker")))
    BROKER_FOLDER.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER),
        "data_folder_out": str(BROKER_FOLDER),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }

# --- Long jobs (imports, exports, matching runs, publishing) -------------------------------

# A running job's worker writes a heartbeat this often; a job whose heartbeat is older than
# JOB_STALE_SECONDS has lost its worker and is queued again (or marked failed after
# JOB_MAX_ATTEMPTS claims) by the periodic recovery task, which runs every
# JOB_RECOVER_SECONDS. Together they bound how long a dead worker's job waits.
JOB_HEARTBEAT_SECONDS = env_int("DJANGO_JOB_HEARTBEAT_SECONDS", 5)
JOB_STALE_SECONDS = env_int("DJANGO_JOB_STALE_SECONDS", 30)
JOB_RECOVER_SECONDS = env_int("DJANGO_JOB_RECOVER_SECONDS", 15)
JOB_MAX_ATTEMPTS = env_int("DJANGO_JOB_MAX_ATTEMPTS", 3)
JOB_RESEND_AFTER = datetime.timedelta(minutes=5)
if JOB_HEARTBEAT_SECONDS * 2 > JOB_STALE_SECONDS:
    raise ImproperlyConfigured("DJANGO_JOB_STALE_SECONDS must be at least twice DJANGO_JOB_HEARTBEAT_SECONDS.")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks are defined here so that a fresh install has them; beat copies them
# into its database table.
CELERY_BEAT_SCHEDULE = {
    "mentorship-recover-jobs": {"task": "mentorship.recover_jobs", "schedule": float(JOB_RECOVER_SECONDS)},
    "questionnaires-send-due": {"task": "questionnaires.send_due", "schedule": crontab(minute="*/15")},
    "questionnaires-send-reminders": {"task": "questionnaires.send_reminders", "schedule": crontab(minute=5)},
    "questionnaires-delete-old-exports": {
        "task": "questionnaires.delete_old_exports",
        "schedule": crontab(hour=3, minute=15),
    },
    # Hourly, so that "the day after" is right to the hour.
    # A meeting is reminded of once (claimed), so checking often costs little and no
    # meeting starts within two days without its reminder going out soon.
    "meetings-send-meeting-reminders": {
        "task": "meetings.send_meeting_reminders",
        "schedule": crontab(minute="*/5"),
    },
    "meetings-send-log-reminders": {"task": "meetings.send_log_reminders", "schedule": crontab(minute=35)},
    # Time alone moves a pair to "at risk" or "no contact": the stored health follows hourly.
    "meetings-refresh-pair-health": {"task": "meetings.refresh_pair_health", "schedule": crontab(minute=20)},
    "meetings-flag-pairs-at-risk": {"task": "meetings.flag_pairs_at_risk", "schedule": crontab(hour=7, minute=0)},
    "meetings-send-monthly-checkin-reminders": {
        "task": "meetings.send_monthly_checkin_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "showcase-send-term-reminders": {"task": "showcase.send_term_reminders", "schedule": crontab(hour=7, minute=45)},
    # Hourly: each person's digest goes out once their own local DIGEST_HOUR has come.
    "mentorship-send-digests": {"task": "mentorship.send_digests", "schedule": crontab(minute=10)},
    "mentorship-prune-notifications": {
        "task": "mentorship.prune_notifications",
        "schedule": crontab(hour=3, minute=40),
    },
    # Webhook attempts whose delayed retry was lost (or ran in-process) are sent again.
    "mentorship-retry-webhooks": {"task": "mentorship.retry_webhooks", "schedule": crontab(minute="*/5")},
}

# --- REST API ---------------------------------------------------------------------------

# Requests per key, and per client address (counted before the key is checked).
API_RATE = env.str("DJANGO_API_RATE", default="1200/hour")
API_ADDRESS_RATE = env.str("DJANGO_API_ADDRESS_RATE", default="120/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["mentorship.api_auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["mentorship.api_auth.HasApiToken"],
    "DEFAULT_THROTTLE_CLASSES": ["mentorship.api_auth.PerKeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": API_RATE, "api_address": API_ADDRESS_RATE},
    "DEFAULT_PAGINATION_CLASS": "mentorship.api_auth.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "Read an organization's programs, cohorts, people, pairs and questionnaire responses, and invite "
        "people. Authenticate with `Authorization: Bearer <key>`, a key a coordinator creates in the app."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# --- Webhooks and chat alerts ------------------------------------------------------------

# Outbound requests to addresses coordinators register: private and loopback addresses are
# refused unless this is on (tests, local development). Never on in production.
OUTBOUND_ALLOW_PRIVATE = env_bool("DJANGO_OUTBOUND_ALLOW_PRIVATE", default=DEBUG)
OUTBOUND_TIMEOUT = env_int("DJANGO_OUTBOUND_TIMEOUT", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("DJANGO_WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_DISABLE_AFTER = env_int("DJANGO_WEBHOOK_DISABLE_AFTER", 15)

# --- Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
