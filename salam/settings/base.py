"""Settings shared by every environment.

The environment is read here (and in production.py) only; every variable is documented in the
README under "Configuration".
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from salam.settings.env import env, env_base_url, env_bool, env_float, env_int, env_list, env_rate

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("SALAM_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "salam",
    "themes",
    "publications",
    "lectures",
    "search",
    "repository",
    "alerts",
    "usage",
    "wagtail.contrib.forms",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: the public pages' policy, or the admin's own (salam/security_headers.py).
    "salam.security_headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second sign-in step (salam/two_factor/).
    "django_otp.middleware.OTPMiddleware",
    "salam.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Admin changes and the outbox rows their signals write commit together (salam/middleware.py).
    "salam.middleware.AtomicAdminWritesMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salam.urls"
WSGI_APPLICATION = "salam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "salam" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "salam.context_processors.site_chrome",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points elsewhere (CI and production: PostgreSQL).
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'salam.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers. Used this way the web server's threads and the workers share the file
    # without "database is locked": WAL lets readers go on while one process writes; every transaction
    # takes the write lock when it begins (IMMEDIATE), so it waits its turn for up to `timeout` seconds
    # instead of failing at once when a read inside it turns into a write (SQLite cannot wait there).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
    # A fresh clone has no var/ yet, and SQLite will not create the folder for its file.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in throttling (django-axes): after ADMIN_LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked out for ADMIN_LOGIN_LOCKOUT_MINUTES (other people and other
# addresses are not). Attempts are kept in the database, so every process and machine sees them.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "salam.views.sign_in_locked"
AXES_CLIENT_IP_CALLABLE = "salam.ratelimits.client_ip"
AXES_VERBOSE = False

# Two-factor sign-in (TOTP, django-otp): an editor may turn it on in their account; when it is on,
# the admin asks for a code after the password. With the setting on, every staff account must.
TWO_FACTOR_REQUIRED_FOR_STAFF = env_bool("TWO_FACTOR_REQUIRED_FOR_STAFF", False)
OTP_TOTP_ISSUER = "SALAM knowledge hub"

# Security headers. Public pages: no inline script or style, nothing from other hosts except the
# video players a lecture page embeds. The admin has its own, looser policy (ADMIN_CSP_DIRECTIVES).
VIDEO_PLAYERS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")
CONTENT_SECURITY_POLICY_REPORT_URI = env("CSP_REPORT_URI", "")
PUBLIC_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "frame-src": ["'self'", *VIDEO_PLAYERS],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    # Wagtail's preview shows a page in a frame of the admin (same origin); nobody else may frame it.
    "frame-ancestors": ["'self'"],
    **({"report-uri": [CONTENT_SECURITY_POLICY_REPORT_URI]} if CONTENT_SECURITY_POLICY_REPORT_URI else {}),
}
# Wagtail's admin writes inline <script> (inline panels, date pickers) and style="..." attributes,
# so it needs 'unsafe-inline' for both; everything else is as strict as the public pages.
ADMIN_CSP_DIRECTIVES = {
    **PUBLIC_CSP_DIRECTIVES,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
}
ADMIN_CSP_PREFIXES = ("/admin/",)
# CSP_REPORT_ONLY: browsers report what the policy would block and block nothing (for trying a change).
_csp_report_only = env_bool("CSP_REPORT_ONLY", False)
CONTENT_SECURITY_POLICY = None if _csp_report_only else {"DIRECTIVES": PUBLIC_CSP_DIRECTIVES}
CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": PUBLIC_CSP_DIRECTIVES} if _csp_report_only else None
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    # A lecture's recording plays in the provider's frame: it may go full screen and play.
    "autoplay": ["self", *VIDEO_PLAYERS],
    "encrypted-media": ["self", *VIDEO_PLAYERS],
    "fullscreen": ["self", *VIDEO_PLAYERS],
    "picture-in-picture": ["self", *VIDEO_PLAYERS],
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail would fetch editors' pictures from gravatar.com: no requests to other hosts.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Asia/Kathmandu")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Whether Django serves MEDIA_ROOT itself at /media/ (never its documents/ folder); off where a proxy does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Email: console unless EMAIL_HOST is set (then SMTP).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "SALAM knowledge hub <noreply@salam-hub.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Background work: Django's tasks framework (django-tasks) with a database-backed queue.
# PDF extraction has a queue of its own, so a slow or hostile PDF never holds up emails and indexing:
# run one worker for each queue (scripts/worker does).
TASK_QUEUES = ["default", "extraction"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
# A task still running after this long, on a worker this machine cannot see, is taken to have lost its
# worker and is queued again (salam.workers); longer than any task may take.
TASK_WORKER_LOST_AFTER_S = env_int("TASK_WORKER_LOST_AFTER_S", 6 * 3600)

# Wagtail
WAGTAIL_SITE_NAME = "SALAM knowledge hub"
# The one public address of the hub: every absolute link built without a request (emails, calendar
# invitations, Wagtail's notifications) starts with it, whatever the Wagtail Site record says.
WAGTAILADMIN_BASE_URL = env_base_url("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "ppt", "pptx", "odp", "key", "doc", "docx", "odt", "txt", "vtt", "srt"]
# Uploads named .pdf must really be PDFs within PDF_MAX_UPLOAD_MB (publications/forms.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "publications.forms.PublicationDocumentForm"
# Always serve documents through Wagtail's view, so the before_serve_document hooks (embargoed and
# draft publication PDFs) cannot be bypassed by a redirect to the storage's public URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True

# Public search: our own Elasticsearch index (see search/). The admin search stays on the database.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
SEARCH_INDEX_NAME = env("SEARCH_INDEX_NAME", "salam")
SEARCH_INDEX_SHARDS = env_int("SEARCH_INDEX_SHARDS", 1)
SEARCH_INDEX_REPLICAS = env_int("SEARCH_INDEX_REPLICAS", 0)
# Where `manage.py backup` has Elasticsearch write its snapshots: inside the nodes' path.repo
# (scripts/elasticsearch sets path.repo to this folder), and readable by this process to archive them.
SEARCH_SNAPSHOT_DIR = Path(env("SEARCH_SNAPSHOT_DIR", str(VAR_DIR / "elasticsearch" / "snapshots")))
ELASTICSEARCH_TIMEOUT_S = env_int("ELASTICSEARCH_TIMEOUT_S", 10)

# PDF extraction limits (per file, enforced in a child process).
PDF_MAX_UPLOAD_MB = env_int("PDF_MAX_UPLOAD_MB", 50)
PDF_EXTRACT_TIMEOUT_S = env_int("PDF_EXTRACT_TIMEOUT_S", 60)
PDF_EXTRACT_MEMORY_MB = env_int("PDF_EXTRACT_MEMORY_MB", 768)
# Cover thumbnails (publications.covers): poppler's pdftoppm draws a PDF's first page, within limits.
COVER_PDFTOPPM = env("COVER_PDFTOPPM", "pdftoppm")
COVER_TIMEOUT_S = env_int("COVER_TIMEOUT_S", 20)
COVER_MEMORY_MB = env_int("COVER_MEMORY_MB", 512)
COVER_WIDTH_PX = env_int("COVER_WIDTH_PX", 400)

# Lectures: days after a lecture when registrants' personal data is deleted.
LECTURE_PERSONAL_DATA_RETENTION_DAYS = env_int("LECTURE_PERSONAL_DATA_RETENTION_DAYS", 90)

# Rate limits, "<count>/<s|m|h|d>" or "off": the search API per address; registration per address and email.
SEARCH_API_RATE_LIMIT = env_rate("SEARCH_API_RATE_LIMIT", "120/m")
LECTURE_REGISTRATION_RATE_PER_IP = env_rate("LECTURE_REGISTRATION_RATE_PER_IP", "30/h")
LECTURE_REGISTRATION_RATE_PER_EMAIL = env_rate("LECTURE_REGISTRATION_RATE_PER_EMAIL", "5/h")
# Email alerts: subscriptions per address and per email (rate limits as above); days a confirmation
# link stays valid (an unconfirmed subscription is deleted after that); most items in one digest.
ALERTS_SUBSCRIBE_RATE_PER_IP = env_rate("ALERTS_SUBSCRIBE_RATE_PER_IP", "20/h")
ALERTS_SUBSCRIBE_RATE_PER_EMAIL = env_rate("ALERTS_SUBSCRIBE_RATE_PER_EMAIL", "5/h")
ALERTS_CONFIRM_DAYS = env_int("ALERTS_CONFIRM_DAYS", 7)
ALERTS_DIGEST_MAX_ITEMS = env_int("ALERTS_DIGEST_MAX_ITEMS", 25)
# Behind a reverse proxy every request comes from the proxy: name the header it puts the client's address in.
if env("RATELIMIT_IP_META_KEY"):
    RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY")

# Tagger: scores in [0, 1] from which a label is applied / shown to editors as a suggestion; how long
# a burst of vocabulary edits is collected before every page is retagged.
# The trained tagger's scores are calibrated so that 0.5 is each label's decision boundary.
TAGGER_APPLY_THRESHOLD = env_float("TAGGER_APPLY_THRESHOLD", 0.5, low=0.0, high=1.0)
TAGGER_SHOW_THRESHOLD = env_float("TAGGER_SHOW_THRESHOLD", 0.25, low=0.0, high=1.0)
TAGGER_RETAG_DEBOUNCE_S = env_int("TAGGER_RETAG_DEBOUNCE_S", 60)
# The labelled corpus the tagger is trained and calibrated on (themes/corpus/GUIDELINES.md).
TAGGER_CORPUS_DIR = Path(env("TAGGER_CORPUS_DIR", str(BASE_DIR / "themes" / "corpus")))
# Where the model trained on the corpus alone is cached, so a fresh database installs it in a second.
TAGGER_CACHE_DIR = Path(env("TAGGER_CACHE_DIR", str(VAR_DIR / "tagger")))

# OAI-PMH (repository/): the domain in every record identifier (oai:<it>:publication/<id>; change it
# never once harvesters have it), the name and contact harvesters see, records per answer, token lifetime.
OAI_REPOSITORY_IDENTIFIER = env("OAI_REPOSITORY_IDENTIFIER", "salam-hub.example")
OAI_REPOSITORY_NAME = env("OAI_REPOSITORY_NAME", "SALAM knowledge hub")
OAI_ADMIN_EMAIL = env("OAI_ADMIN_EMAIL", "repository@salam-hub.example")
OAI_PAGE_SIZE = env_int("OAI_PAGE_SIZE", 100)
OAI_RESUMPTION_TOKEN_HOURS = env_int("OAI_RESUMPTION_TOKEN_HOURS", 24)
# Atom feeds: entries per feed.
FEED_ITEMS = env_int("FEED_ITEMS", 30)
# Usage figures (usage/recorder.py): whether page views and PDF downloads are counted; how often each
# web process's background thread counts what it queued; how many events it may hold (then drops).
USAGE_COUNTING = env_bool("USAGE_COUNTING", True)
USAGE_FLUSH_INTERVAL_S = env_float("USAGE_FLUSH_INTERVAL_S", 5.0, low=0.5, high=300.0)
USAGE_QUEUE_MAX = env_int("USAGE_QUEUE_MAX", 10000)
# The header and footer (navigation, centre settings, partners) are cached this long in the default
# cache (salam/site_chrome.py); publishing, moving, deleting or restricting a page ends the copy at
# once, the timeout only bounds a missed change. 0 reads them on every request.
SITE_CHROME_CACHE_SECONDS = max(0, env_int("SITE_CHROME_CACHE_SECONDS", 600))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "salam_cache",
    },
    # Rate-limit counters: one atomic SQL statement per count, shared by every process (salam/cache.py).
    "ratelimit": {"BACKEND": "salam.cache.AtomicCounterCache", "TIMEOUT": None},
}
RATELIMIT_USE_CACHE = "ratelimit"
# A counter that cannot be read or written lets the request through (and is logged): nobody is
# refused because of an internal error.
RATELIMIT_FAIL_OPEN = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
    },
}


def require(name: str, value: str) -> str:
    """Return a required setting's value or refuse to start with a clear message."""
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value
