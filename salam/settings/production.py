"""Production: everything from the environment; refuses to start without a secret key."""

from salam.settings.base import *  # noqa: F403
from salam.settings.base import require
from salam.settings.env import env, env_base_url, env_bool, env_int

DEBUG = False
SECRET_KEY = require("SECRET_KEY", env("SECRET_KEY"))
# Emails and calendar invitations link to this address: a forgotten one would send every reader to localhost.
WAGTAILADMIN_BASE_URL = env_base_url(
    "WAGTAILADMIN_BASE_URL", require("WAGTAILADMIN_BASE_URL", env("WAGTAILADMIN_BASE_URL"))
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin iframe; DENY would break it.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# Persistent database connections: opening one per request costs more than most requests do.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
