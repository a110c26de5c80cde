"""Settings for tuyengiao, read from the environment.

Without any variable the project runs on SQLite, local media files and a
local-memory cache, so `make run` works on a bare machine. Each production
integration switches on when its variable is set:

- DATABASE_URL   e.g. postgres://user@127.0.0.1:5432/tuyengiao
- REDIS_URL      e.g. redis://127.0.0.1:6379/0 (cache, session cache, view-count buffer)
- SECRET_KEY, DEBUG, ALLOWED_HOSTS, WAGTAILADMIN_BASE_URL
- IDLE_TIMEOUT_MINUTES (default 30)
"""

import datetime
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR / "tuyengiao"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "tuyengiao.core",
    "tuyengiao.units",
    "tuyengiao.portal",
    "tuyengiao.search",
    "tuyengiao.documents",
    "tuyengiao.opinion",
    "tuyengiao.tasks",
    "tuyengiao.education",
    "tuyengiao.reports",
    "tuyengiao.accounts",
    "tuyengiao.audit",
    "tuyengiao.worker",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "tuyengiao.core.logs.RequestLogMiddleware",  # request id + one log line per request
    "django.middleware.security.SecurityMiddleware",
    "tuyengiao.accounts.middleware.SecurityHeadersMiddleware",
    "tuyengiao.core.downloads.DownloadHeadersMiddleware",  # served files: attachment, nosniff, CSP sandbox
    "tuyengiao.portal.middleware.ArticleFastPathMiddleware",
    "tuyengiao.audit.middleware.RequestOriginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "tuyengiao.core.unicode_input.NFCInputMiddleware",  # form and query text in NFC
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tuyengiao.accounts.middleware.IdleSessionMiddleware",
    "tuyengiao.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tuyengiao.urls"
WSGI_APPLICATION = "tuyengiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "tuyengiao.accounts.context_processors.idle_session",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let readers and the single writer overlap, so
    # concurrent view counts wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "tuyengiao.core.cache.ResilientRedisCache",  # Redis down = empty cache, not a 500
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tuyengiao"),
        }
    }
    # Sessions in the database, cached in Redis (Django's cached_db, tuyengiao/core/sessions.py):
    # signing in and staying signed in work while Redis is down.
    SESSION_ENGINE = "tuyengiao.core.sessions"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tuyengiao",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Django's validators with Vietnamese messages (tuyengiao/accounts/password_validation.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tuyengiao.accounts.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "tuyengiao.accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "tuyengiao.accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "tuyengiao.accounts.password_validation.NumericPasswordValidator"},
]
# django-axes checks for a lock before the password is tried (it needs the request: sign in through
# the login form, or use force_login in tests).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# Vietnamese first, whatever the browser asks for (no LocaleMiddleware); an editor
# can choose English in the admin's account settings.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Django's vi locale has no input formats: without these, "08/07/2022" would be read as 7 August.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_PERMISSIONS = 0o644

WAGTAIL_SITE_NAME = "Tuyên giáo"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Uploads (tuyengiao/core/uploads.py): every file's type is read from its content and must match its
# extension; SVG, HTML, XML and JavaScript are refused whatever these lists say. Documents also
# take scans (jpg, png) and archives; files are served with the types below, never guessed.
_MB = 1024 * 1024
WAGTAILDOCS_EXTENSIONS = env_list(
    "UPLOAD_DOCUMENT_EXTENSIONS", "pdf,docx,doc,xlsx,xls,pptx,ppt,odt,ods,odp,rtf,txt,zip,rar,jpg,jpeg,png"
)
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("UPLOAD_DOCUMENT_MAX_MB", "50")) * _MB
WAGTAILDOCS_DOCUMENT_FORM_BASE = "tuyengiao.core.upload_forms.DocumentForm"
WAGTAILDOCS_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
# Only PDFs open in the browser (the "Xem trước" frames); everything else is downloaded.
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
UPLOAD_IMPORT_MAX_BYTES = int(os.environ.get("UPLOAD_IMPORT_MAX_MB", "10")) * _MB  # XLSX imports
# Zip bombs: a DOCX/XLSX/ODT/ZIP whose entries would unpack past this size, or past RATIO times its
# own size (above 10 MB unpacked), or that holds more entries, is refused.
UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("UPLOAD_ZIP_MAX_UNCOMPRESSED_MB", "200")) * _MB
UPLOAD_ZIP_MAX_RATIO = int(os.environ.get("UPLOAD_ZIP_MAX_RATIO", "100"))
UPLOAD_ZIP_MAX_ENTRIES = int(os.environ.get("UPLOAD_ZIP_MAX_ENTRIES", "10000"))
# Files always go through Wagtail's view, where the documents app refuses non-public Party documents
# (with remote storage Wagtail would otherwise redirect to the storage URL).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("UPLOAD_IMAGE_MAX_MB", "10")) * _MB
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Decodes the whole image so a truncated file is refused with a message, not a 500.
WAGTAILIMAGES_IMAGE_FORM_BASE = "tuyengiao.portal.image_forms.ImageForm"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILREDIRECTS_AUTO_CREATE = True
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
WAGTAILADMIN_COMMENTS_ENABLED = False
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Tag slugs in ASCII with đ → d ("chuyển đổi số" → "chuyen-doi-so").
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True

LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"

# Idle session: warn after IDLE_TIMEOUT_MINUTES without activity, end the
# session IDLE_COUNTDOWN_SECONDS later unless the editor asks to stay.
IDLE_TIMEOUT_MINUTES = float(os.environ.get("IDLE_TIMEOUT_MINUTES", "30"))
IDLE_COUNTDOWN_SECONDS = int(os.environ.get("IDLE_COUNTDOWN_SECONDS", "60"))

# Comments: per-client rate limit (comments per window).
COMMENT_RATE_LIMIT = int(os.environ.get("COMMENT_RATE_LIMIT", "3"))
COMMENT_RATE_WINDOW_SECONDS = int(os.environ.get("COMMENT_RATE_WINDOW_SECONDS", "600"))
# Key for hashing client IPs; never store raw IPs.
CLIENT_HASH_KEY = os.environ.get("CLIENT_HASH_KEY", SECRET_KEY)

# View counting: seconds between flushes of the Redis buffer to the database.
VIEW_COUNT_FLUSH_SECONDS = int(os.environ.get("VIEW_COUNT_FLUSH_SECONDS", "10"))
# Seconds an article's rendered HTML is kept for anonymous readers.
ARTICLE_HTML_CACHE_SECONDS = int(os.environ.get("ARTICLE_HTML_CACHE_SECONDS", "300"))
# Seconds home and category pages are kept for anonymous readers (app cache, and nginx's front cache):
# publishing drops them at once; their "most read" box is at most this old (twice behind nginx).
LISTING_CACHE_SECONDS = int(os.environ.get("LISTING_CACHE_SECONDS", "30"))
SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "60"))

# Background worker (tuyengiao/worker, `make worker`): with CELERY_BROKER_URL set (e.g. the Redis
# of REDIS_URL) the web processes enqueue scheduled publishing, view-count flushes, search indexing
# and front-cache refreshes, and the worker runs them; without it they run in the web process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "120"))
# A view-count flush holding a batch this long is taken for dead; the next flush adopts the batch.
VIEW_COUNT_CLAIM_SECONDS = int(os.environ.get("VIEW_COUNT_CLAIM_SECONDS", "60"))
# nginx front cache (deploy/nginx/tuyengiao.conf): FRONT_CACHE_URL is nginx's local refresh
# server; with it set nginx keeps anonymous article pages and counts their views in VIEW_LOG_PATH,
# which the worker ingests every VIEW_LOG_INGEST_SECONDS; pages whose count changed are refreshed
# in nginx's cache every FRONT_CACHE_COUNT_SECONDS.
FRONT_CACHE_URL = os.environ.get("FRONT_CACHE_URL", "")
FRONT_CACHE_SECONDS = int(os.environ.get("FRONT_CACHE_SECONDS", "600"))
FRONT_CACHE_COUNT_SECONDS = int(os.environ.get("FRONT_CACHE_COUNT_SECONDS", "10"))
VIEW_LOG_PATH = os.environ.get("VIEW_LOG_PATH", "")
VIEW_LOG_INGEST_SECONDS = float(os.environ.get("VIEW_LOG_INGEST_SECONDS", "2"))
if FRONT_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "nginx": {"BACKEND": "tuyengiao.worker.frontcache.NginxRefreshBackend", "LOCATION": FRONT_CACHE_URL}
    }

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# DENY: portal and admin pages are never framed; tuyengiao.accounts.middleware.SecurityHeadersMiddleware
# answers SAMEORIGIN for inline PDFs ("Xem trước") and Wagtail does for its preview panel.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# HSTS, sent on HTTPS requests only. Sub-domains and preload stay opt-in: ward portals may be
# sub-domains that are not all on HTTPS yet (manage.py check --deploy warns W005/W021 until set).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Django's own HTTP → HTTPS redirect and proxy trust: README, "Production settings".
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("SECURE_PROXY_SSL", False):  # trust X-Forwarded-Proto from nginx (request.is_secure())
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp; chosen per path by SecurityHeadersMiddleware). Portal pages
# run no inline script except the print page's `onclick="window.print()"` (allowed by its hash).
_CSP_COMMON = {
    "default-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "https:"],
    "media-src": ["'self'", "https:"],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'self'", "https:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": ["'self'", "'unsafe-hashes'", "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='"],
    }
}
# Wagtail 8's admin still writes inline scripts (date pickers, inline panels) and checks
# releases.wagtail.org for new versions.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "connect-src": ["'self'", "https://releases.wagtail.org"],
    }
}

# No Gravatar: staff e-mail hashes are not sent to a third party (and the CSP would block it).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Two-factor sign-in (django-otp): staff must confirm a code from an authenticator app after the
# password; the first sign-in enrols the app and shows ten single-use recovery codes.
# TWO_FACTOR_REQUIRED=false turns the requirement off (local experiments only).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Tuyên giáo")

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from one
# address, that pair waits AXES_COOLOFF_MINUTES (a cool-off, never a permanent lock).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "tuyengiao.accounts.views.lockout"
AXES_CLIENT_IP_CALLABLE = "tuyengiao.audit.origin.client_ip"
AXES_COOLOFF_MESSAGE = "Tài khoản tạm khóa do nhập sai nhiều lần. Vui lòng thử lại sau."
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit log (tuyengiao/audit)
AXES_VERBOSE = False

# Readers' data: comments keep a keyed hash of the client address (for the rate limit) and the
# e-mail address (never shown) for this many days; `purge_reader_data` (run daily by the
# scheduler) clears them afterwards. The privacy notice (/chinh-sach-rieng-tu/ on every portal) quotes this value.
READER_DATA_RETENTION_DAYS = int(os.environ.get("READER_DATA_RETENTION_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Logs as JSON lines (LOG_FORMAT=json, the default when DEBUG is off; LOG_FORMAT=text for people):
# every record carries the request id, and each request adds one line (tuyengiao/core/logs.py).
LOG_FORMAT = "text" if os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").lower() == "text" else "json"
LOGGING["formatters"] = {
    "json": {"()": "tuyengiao.core.logs.JsonFormatter"},
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
}
LOGGING["filters"] = {"request_id": {"()": "tuyengiao.core.logs.RequestContextFilter"}}
LOGGING["handlers"]["console"].update(formatter=LOG_FORMAT, filters=["request_id"])
# /healthz answers local probes over plain HTTP even with SECURE_SSL_REDIRECT on.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# `make run` serves static and media files itself; production leaves that to nginx.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
