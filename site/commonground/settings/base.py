"""Settings shared by every environment; dev, test and production add thin layers on top."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from .environment import env_bool, env_int, env_list, env_str

# The repository root: site/commonground/settings/base.py is three folders below it.
BASE_DIR = Path(__file__).resolve().parents[3]
SOURCE_DIR = BASE_DIR / "site"
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Ours
    "accounts",
    "intranet",
    "organisation",
    "sitesearch",
    "notifications",
    "projects",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.api.v2",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (the admin's relaxed policy is in there too).
    "commonground.content_security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The intranet is private: every view needs a login unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After Session/LocaleMiddleware: right after a login, switch to the language in the profile.
    "accounts.languages.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the clickjacking middleware, so it answers first: admin previews frame our pages.
    "intranet.middleware.AdminPreviewFramingMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commonground.urls"
WSGI_APPLICATION = "commonground.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "notifications.context_processors.unread_notifications",
                # {{ CSP_NONCE }} for an inline <script nonce="…"> (the policy allows no other).
                "csp.context_processors.nonce",
            ],
        },
    },
]

# SQLite in the git-ignored data folder unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Persistent connections buy nothing on SQLite, and WAL lets readers run beside a writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles queries it estimates as costly to machine code (JIT). Ours are short
    # page queries, where compiling cost more than it saved: 227 ms of a 492 ms search facet
    # on the large organisation. `DATABASE_URL=...?options=-c%20jit%3Don` keeps it on; behind
    # PgBouncer, which refuses start-up options, see the README.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cg",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Nobody may frame the intranet, except the Wagtail admin framing its own previews.
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only our own scripts run. We render no inline script
# and no inline event handler; an inline script would need nonce="{{ CSP_NONCE }}".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Style attributes carry data-driven values: each department's colour as a CSS
        # variable (style="--dept-bg: …"), bar widths, chart font sizes. Hashing every colour
        # is not workable, so attributes may be inline; <style> elements may not (style-src-elem).
        # style-src is the fallback for browsers that know neither of the two finer directives.
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # As X_FRAME_OPTIONS; the admin's policy lets it frame its previews.
        "frame-ancestors": [NONE],
    },
}
# The Wagtail admin is Wagtail's code, not ours, and Wagtail 8 still renders inline scripts
# (its date choosers call initDateChooser(…) inline) and its rich-text editor (Draftail) adds
# <style> elements as one types. Only on its paths, and only for editors who logged in, may
# scripts and styles be inline. No nonce there: a nonce would make browsers ignore
# 'unsafe-inline'.
CONTENT_SECURITY_POLICY_ADMIN = {
    "URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF, UNSAFE_INLINE],
        # The admin shows page previews in a frame of its own.
        "frame-ancestors": [SELF],
    },
}
# The admin shows no Gravatar pictures: no editor's (hashed) e-mail address leaves the intranet,
# and img-src needs no third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Failed logins are throttled (django-axes) per user name and address together: a typist
# at one desk cannot lock a colleague out, and guessing one person's password from one
# address stops after AXES_FAILURE_LIMIT tries. A successful login starts the count again.
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: it refuses a locked-out login before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The address behind reverse proxies: see accounts.client_address.
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (directly
# reachable) means REMOTE_ADDR; a wrong, higher count would let clients pick their address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# One login page for the intranet and its admin.
WAGTAILADMIN_LOGIN_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fi", _("Finnish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The admin offers our languages only.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Editors may translate intranet pages (Translate in the page menu). Addresses carry no
# language prefix: readers get the live translation in their profile language at the same
# address, else the English page (see intranet.models.IntranetPage.serve).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = env_str("TIME_ZONE", "Europe/Helsinki")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Photos and documents are small on an intranet; refuse anything larger early.
# A request body without its files (forms, pasted CSV) may be up to 10 MB; uploaded files
# above 2.5 MB go to a temporary file on disk rather than memory (Django's default, stated).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# A small file can still decode to a huge bitmap (a "decompression bomb"): 40 megapixels is
# more than any phone camera, and far below Wagtail's default of 128.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40 * 1000 * 1000

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Common Ground <commonground@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: notification e-mails, chat webhooks, Wagtail's index updates. Development
# and tests run tasks at once; production queues them in the database for `db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Reminders go out this many days before a promised date (a commitment, the next update).
REMINDER_LEAD_DAYS = env_int("REMINDER_LEAD_DAYS", 2)
# The daily notification digest goes out on the first periodic run after this local hour.
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
# The weekly digest goes out on this weekday (0 = Monday … 6 = Sunday), from DIGEST_HOUR on.
WEEKLY_DIGEST_WEEKDAY = env_int("WEEKLY_DIGEST_WEEKDAY", 0)
# Chat webhooks: how long one attempt may take, and the waits between attempts (seconds).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
# Hosts whose webhooks may use plain http (the address carries a secret; https elsewhere).
WEBHOOK_ALLOWED_HTTP_HOSTS = env_list("WEBHOOK_ALLOWED_HTTP_HOSTS")
WEBHOOK_RETRY_DELAYS = [int(s) for s in env_list("WEBHOOK_RETRY_DELAYS", ["60", "300", "1800"])]

WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Common Ground")
WAGTAILADMIN_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No SVG: an SVG is a document that can carry scripts, served from our own origin.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

# A project is "joint" when its members come from at least this many departments.
JOINT_PROJECT_MIN_DEPARTMENTS = env_int("JOINT_PROJECT_MIN_DEPARTMENTS", 2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per background task is noise at INFO; failures still show.
        "django_tasks": {"level": "WARNING"},
        # django-axes says INFO at every start and login; failures and lockouts are WARNINGs.
        "axes": {"level": "WARNING"},
    },
}
