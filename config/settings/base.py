"""Settings shared by every environment.

The environment is read here and nowhere else (docs/architecture.md). Every value has a
safe default for the embedded setup: SQLite under var/ and Celery over kombu's
filesystem transport, so `make run` needs neither PostgreSQL nor Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# The app's own files: the beat schedule always, the media files and the cache
# by default, the SQLite database in the embedded mode. var/ is git-ignored, so
# a fresh checkout has none: it is created here, whatever the database (beat
# on PostgreSQL died on a fresh checkout without it).
VAR_DIR = Path(env.str("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "treebeard",
    "core.third_party.SignInLockoutsConfig",  # django-axes
    # Before core: core.history installs itself on the models auditlog follows.
    "core.third_party.ChangeHistoryConfig",  # django-auditlog
    "core",
    "accounts",
    "notices",
    "studios",
    "achievements",
    "competitions",
    "apprenticeships",
    "reports",
    "hr",
    "showcase",
    "naming",
    "documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above every middleware that reads or writes the database: while it cannot
    # be reached, a 503 with Retry-After (JSON on the API), never Django's 500.
    "core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every write of a request is recorded as made through the page, the API or
    # the admin, by the person signed in (core.history).
    "core.history.HistoryMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication: an API POST's Idempotency-Key is kept per person.
    "core.idempotency.IdempotencyMiddleware",
    # A query cut by the statement timeout is a 503 page, not a 500.
    "core.middleware.DatabaseTimeoutMiddleware",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# DATABASE_URL selects PostgreSQL in production and CI. Without it the embedded
# default is a SQLite file, tuned so the web server and the Celery worker can both
# write: WAL lets readers and one writer work at once, IMMEDIATE transactions take
# the write lock up front (no "database is locked" on lock upgrade), and the
# timeout makes a writer wait instead of failing.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
# PostgreSQL cancels a statement that runs longer than this, below gunicorn's
# 30-second request timeout (Procfile): a request the web server gives up on
# leaves no query running, and the reader gets a 503 saying so instead of a 502
# (core.middleware). Celery workers use their own, longer limit (config/celery.py)
# and a long command can be given 0 (none), e.g. a migration of a large table.
DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=25_000)
# An optional streaming replica for the dashboard's and the reports' reads
# (core.db.on_replica), used while it is at most this far behind the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=30)
DATABASE_ROUTERS = ["core.db.PrimaryReplicaRouter"]
DATABASE_CONN_MAX_AGE = env.int("DJANGO_CONN_MAX_AGE", default=60)
# Behind PgBouncer in transaction pooling a cursor kept open across transactions
# (`.iterator()`) may find itself on another server connection: turn them off.
DATABASE_DISABLE_SERVER_SIDE_CURSORS = env.bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)


def postgres_database(database: dict, **options) -> dict:
    """A PostgreSQL entry: persistent connections with a health check, the
    statement timeout, and any further connection `options`."""
    database["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
    database["CONN_HEALTH_CHECKS"] = True
    database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_DISABLE_SERVER_SIDE_CURSORS
    database["OPTIONS"] = {**database.get("OPTIONS", {}), **options}
    if DATABASE_STATEMENT_TIMEOUT_MS:
        flags = database["OPTIONS"].get("options", "")
        database["OPTIONS"]["options"] = (
            f"{flags} -c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}".strip()
        )
    return database


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    postgres_database(DATABASES["default"])
    if DATABASE_REPLICA_URL:
        # Read only inside core.db.on_replica, never written to or migrated
        # (core.db.PrimaryReplicaRouter); one that does not answer within two
        # seconds is skipped for the primary. A SQLite default has no replica.
        DATABASES["replica"] = postgres_database(
            env.db_url_config(DATABASE_REPLICA_URL), connect_timeout=2
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------
# The queue of the embedded mode's long jobs (below; core/management/commands/run_embedded.py).
EMBEDDED_LONG_QUEUE = "long"
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Past 300 entries (the default) a third are dropped at random,
            # answers kept for Idempotency-Key (core/idempotency.py) among them.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
    # Embedded mode: kombu's filesystem transport. Producer and worker exchange
    # messages through one folder, so "in" and "out" must be the same path.
    CELERY_QUEUE_DIR = VAR_DIR / "celery"
    # The host is ignored by this transport; naming it keeps kombu from warning
    # "No hostname was supplied" each time a worker or beat connects.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
    # SQLite has one writer: the long jobs (report builds, HR imports) go to a
    # queue of their own that one worker process takes one at a time (`manage.py
    # run_embedded`), beside the worker for everything else.
    CELERY_TASK_ROUTES = {
        task: {"queue": EMBEDDED_LONG_QUEUE}
        for task in (
            "reports.tasks.build_report",
            "hr.tasks.preview_import",
            "hr.tasks.apply_import",
        )
    }

CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# A worker's statements may run as long as its longest task (a report over the
# whole group), not a request's 25 seconds; no statement outlives the task that
# ran it, though (a task killed at its hard limit would otherwise leave its
# query running). 0: none.
CELERY_STATEMENT_TIMEOUT_MS = env.int(
    "CELERY_STATEMENT_TIMEOUT_MS", default=CELERY_TASK_TIME_LIMIT * 1000
)
# The database row is the truth for background work (docs/architecture.md), so no
# result backend is needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat records a heartbeat each time it sends a task (core.queue), for /healthz.
CELERY_BEAT_SCHEDULER = "core.queue:HeartbeatScheduler"
# /healthz answers 503 when the newest worker heartbeat (a task beat sends every
# minute, run by a worker) or beat's own heartbeat (each task it sends) is older
# than this: three missed minutes.
HEALTHZ_WORKER_MAX_AGE = env.int("HEALTHZ_WORKER_MAX_AGE_SECONDS", default=180)
HEALTHZ_BEAT_MAX_AGE = env.int("HEALTHZ_BEAT_MAX_AGE_SECONDS", default=180)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.tasks.worker_heartbeat", "schedule": 60.0},
    "recover-report-runs": {"task": "reports.tasks.recover_report_runs", "schedule": 60.0},
    "recover-imports": {"task": "hr.tasks.recover_imports", "schedule": 60.0},
    "monthly-five-small-reports": {
        "task": "reports.tasks.schedule_monthly_five_small_reports",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    "yearly-studio-reports": {
        "task": "reports.tasks.schedule_yearly_studio_reports",
        "schedule": crontab(minute=30, hour=2, day_of_month=2, month_of_year=1),
    },
    # The pairings' stored at-risk columns against their records: must fix nothing.
    "check-pairings": {
        "task": "apprenticeships.tasks.check_pairings",
        "schedule": crontab(minute=15, hour=3),
    },
    # The dashboard's kept figures that a change made stale (reports/snapshots.py);
    # a round not started within four minutes gives way to the next one.
    "refresh-dashboard-snapshots": {
        "task": "reports.tasks.refresh_dashboard_snapshots",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # All of them, nightly: at risk depends on the date; after the pairings' check.
    "rebuild-dashboard-snapshots": {
        "task": "reports.tasks.rebuild_dashboard_snapshots",
        "schedule": crontab(minute=45, hour=3),
    },
    # One mail a day per person with the notices they chose to get as a digest
    # (CELERY_TIMEZONE: Shanghai time).
    "notice-digests": {
        "task": "notices.tasks.send_digests",
        "schedule": crontab(minute=0, hour=env.int("NOTICE_DIGEST_HOUR", default=8)),
    },
    # Reminders before the mail digest: reviews due or late, evaluations due
    # (docs/notices.md); each sweep tells a person once, whenever it runs.
    "review-reminders": {
        "task": "competitions.tasks.send_review_reminders",
        "schedule": crontab(minute=0, hour=7),
    },
    "expert-reminders": {
        "task": "naming.tasks.send_expert_reminders",
        "schedule": crontab(minute=10, hour=7),
    },
    "evaluation-reminders": {
        "task": "apprenticeships.tasks.send_evaluation_reminders",
        "schedule": crontab(minute=20, hour=7),
    },
    "prune-notices": {
        "task": "notices.tasks.prune_notices",
        "schedule": crontab(minute=30, hour=4),
    },
    # The dormancy rule and the rectifications' deadlines (docs/naming.md), after
    # midnight and before the nightly rebuild of the dashboard's figures; each
    # safe to run twice (a studio flagged, a deadline checked, the office told once).
    "flag-dormant-studios": {
        "task": "naming.tasks.flag_dormant_studios",
        "schedule": crontab(minute=0, hour=3),
    },
    "check-rectification-deadlines": {
        "task": "naming.tasks.check_rectification_deadlines",
        "schedule": crontab(minute=5, hour=3),
    },
}
CELERY_TASK_ALWAYS_EAGER = False

# `manage.py seed_demo` refuses to run where this is False (production).
DEMO_DATA_ALLOWED = True
# How many of the demo's five-small proposals to write (1.0: 200 last year and
# 300 this year, every one through the services). The test suite, which checks
# the demo's shape rather than its volume, writes a tenth of them.
DEMO_PROPOSAL_SCALE = env.float("DEMO_PROPOSAL_SCALE", default=1.0)
# A list exported to Excel or CSV comes in the answer up to this many rows.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=5_000)
# A longer one is built in the background by this service (core imports no app).
EXPORT_BACKGROUND_SERVICE = "reports.services.list_export_request"
# Exports and downloads are recorded as access events by this service.
ACCESS_EVENT_SERVICE = "accounts.services.access_event_record"

# --- History of every change (core.history, README "Dependencies") -------------
# The records whose every change is kept, field by field (django-auditlog).
# Fields left out: secrets, and figures derived from other records.
AUDITLOG_INCLUDE_TRACKING_MODELS = [
    "accounts.OrgUnit",
    {
        "model": "accounts.User",
        "exclude_fields": ["password", "last_login", "name_pinyin", "name_initials"],
    },
    "accounts.RoleGrant",
    "studios.Studio",
    "studios.Membership",
    "studios.RecognitionList",
    "studios.Honour",
    "studios.Assessment",
    {"model": "achievements.TechnicalProblem", "m2m_fields": ["team"]},
    "achievements.Achievement",
    "achievements.Contributor",
    "achievements.Adoption",
    "achievements.Patent",
    "achievements.Inventor",
    {"model": "achievements.PromotionConference", "m2m_fields": ["achievements"]},
    "competitions.Campaign",
    "competitions.Criterion",
    "competitions.AwardGrade",
    {
        "model": "competitions.Proposal",
        "exclude_fields": ["title_gram_count"],
        "m2m_fields": ["related_to"],
    },
    "competitions.CoAuthor",
    "competitions.ReviewAssignment",
    "competitions.CampaignReviewer",
    "competitions.Review",
    "competitions.ReviewScore",
    "competitions.Award",
    "competitions.AwardShare",
    {
        "model": "apprenticeships.Pairing",
        "exclude_fields": ["last_session_on", "next_step_due_on", "at_risk_from"],
    },
    "apprenticeships.Extension",
    "apprenticeships.MentorCapacity",
    "apprenticeships.Milestone",
    "apprenticeships.Session",
    "apprenticeships.Attendance",
    "apprenticeships.Evaluation",
    {"model": "showcase.Story", "m2m_fields": ["people", "studios"]},
    "naming.NamingCall",
    "naming.NamingApplication",
    "naming.ExpertAssignment",
    "naming.NamingReview",
    "naming.Objection",
    "naming.Rectification",
    "naming.ReReview",
    "notices.NoticePreference",
    {"model": "notices.UnitWebhook", "exclude_fields": ["url_encrypted"]},
    "core.Attachment",
]
# Our models deliberately not followed (tests/core/test_history.py checks that
# every model is in one list or the other): history and logs themselves,
# search indexes, counters, heartbeats, queued work and messages.
HISTORY_UNTRACKED = [
    "accounts.SkillLevelChange",  # itself a history of skill levels
    "accounts.AccountEvent",  # itself the log of account care and access
    "studios.StudioEvent",
    "achievements.ProblemEvent",
    "achievements.PatentEvent",
    "competitions.ProposalEvent",
    "apprenticeships.PairingEvent",
    "showcase.StoryEvent",
    "naming.NamingApplicationEvent",
    "naming.ObjectionEvent",
    "naming.RectificationEvent",
    "competitions.TitleGram",  # the similarity search's index
    "competitions.CodeSequence",  # proposal code counters
    "core.WorkerHeartbeat",
    "core.BeatHeartbeat",
    "reports.ReportRun",  # a request and its progress, kept as its own record
    "reports.DashboardSnapshot",  # derived figures
    "hr.ImportRun",  # the import's own record (its rows' changes are followed)
    "notices.Notice",
    "notices.Delivery",
    "documents.Certificate",  # issued once from records that are followed
    "naming.NamingMaterials",  # the holder of an application's files (the files are followed)
]
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Authentication -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an employee number out for a while after repeated wrong passwords. By
# employee number only: a whole mine or plant reaches us from one NAT address and
# often one shared terminal, so an address lock would shut out everyone there
# (hence axes' "add ip_address" warning is silenced on purpose).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Internationalisation -------------------------------------------------------
# Language: the user's choice (cookie set by the switch), else Accept-Language when
# it names Chinese or English, else zh-hans. LocaleMiddleware does exactly this.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Largest accepted upload (attachments); stories may allow more for their media.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=20) * 2**20
# A story's audio or video (a short video of a few minutes from a phone).
STORY_MEDIA_MAX_BYTES = env.int("STORY_MEDIA_MAX_MB", default=200) * 2**20
# Photos larger than this many pixels are refused, from the header, before a
# pixel is decoded: a phone photo is 12 MP (48–50 MP sensors save 12 by default),
# and decoding costs ~4 bytes a pixel (a 56 MP PNG of 163 KB took ~580 MB and
# seconds of a worker). Pillow's own bomb limit is set to the same (core/apps.py).
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_MEGAPIXELS", default=30) * 1_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- REST API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with a WWW-Authenticate header
    # (docs/api.md), instead of the 403 session authentication alone would give.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.middleware.PasswordChosen",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "core.api.ordering.UniqueOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # `?format=` is a filter of ours (a session's format, a report run's file
    # type), not DRF's renderer override, which answered 404 to any such value.
    "URL_FORMAT_OVERRIDE": None,
    # Rates in API_THROTTLE_RATES below (core/throttles.py): 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttles.AnonymousThrottle",
        "core.throttles.PersonThrottle",
        "core.throttles.ScopedThrottle",
    ],
}
# An API token stops working this many days after it was issued (a new one is
# issued for the password); changing or resetting a password drops them at once.
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=30)
# API requests allowed per address without a signed-in person ("anon"), per
# person ("user": a whole mine shares one address), and per address on the
# token exchange ("sign_in"); "<n>/second|minute|hour|day".
API_THROTTLE_RATES = {
    "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
    "user": env.str("API_THROTTLE_PERSON", default="600/minute"),
    "sign_in": env.str("API_THROTTLE_SIGN_IN", default="20/minute"),
}
# Failed sign-ins (page and token exchange) one address may make within the
# window before its sign-ins are refused (429) until the window ends: far above
# a shared terminal's, below a spray over many employee numbers (axes still
# locks each employee number after AXES_FAILURE_LIMIT). 0: no limit.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=30)
SIGN_IN_ADDRESS_WINDOW_SECONDS = env.int("SIGN_IN_ADDRESS_WINDOW_SECONDS", default=900)
# Certificate checks at /verify/<code>/ one address may make per window before
# it is answered 429 (documents/certificates/limits.py); 0: no limit.
CERTIFICATE_VERIFY_LIMIT = env.int("CERTIFICATE_VERIFY_LIMIT", default=30)
CERTIFICATE_VERIFY_WINDOW_SECONDS = env.int("CERTIFICATE_VERIFY_WINDOW_SECONDS", default=60)
# Reverse proxies in front of gunicorn that append the client's address to
# X-Forwarded-For (core.throttles.client_address); 0: REMOTE_ADDR is the client.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "core.throttles.client_address"
SPECTACULAR_SETTINGS = {
    "TITLE": "Innovation Studios API",
    "DESCRIPTION": "Innovation studios, five-small competition, mentoring and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "StudioStatusEnum": "studios.models.Studio.Status",
        "RecognitionLevelEnum": "studios.models.RecognitionList.Level",
        "ProblemStatusEnum": "achievements.models.TechnicalProblem.Status",
        "PatentStatusEnum": "achievements.models.Patent.Status",
        "ProblemCategoryEnum": "achievements.models.TechnicalProblem.Category",
        "ProposalStatusEnum": "competitions.models.Proposal.Status",
        "ProposalCategoryEnum": "competitions.models.Proposal.Category",
        "AwardGradeEnum": "competitions.models.AwardGrade.Grade",
        "PairingStatusEnum": "apprenticeships.models.Pairing.Status",
        "EvaluationLevelEnum": "apprenticeships.models.Evaluation.Level",
        "EvaluationOutcomeEnum": "apprenticeships.models.Evaluation.Outcome",
        "SessionFormatEnum": "apprenticeships.models.Session.Format",
        "SkillLevelEnum": "accounts.models.SkillLevel",
        "StoryFormEnum": "showcase.models.Story.Form",
        "StoryStatusEnum": "showcase.models.Story.Status",
        "ImportKindEnum": "hr.models.ImportRun.Kind",
        "RoleGrantRoleEnum": "accounts.models.RoleGrant.Role",
        "MembershipRoleEnum": "studios.models.Membership.Role",
    },
}

# --- Security defaults safe everywhere ----------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Report runs ----------------------------------------------------------------
# A running report whose worker has not written a heartbeat for this long is
# re-queued by the periodic check (Redis's own redelivery would wait out its
# visibility timeout, an hour); after this many attempts it fails for good.
REPORT_HEARTBEAT_TIMEOUT = env.int("REPORT_HEARTBEAT_TIMEOUT_SECONDS", default=120)
# The longest quiet spell between two heartbeats while a report's rows are read,
# well inside the timeout above. A single query slower than this still delays
# the next beat (it is checked per row).
REPORT_HEARTBEAT_INTERVAL = env.float("REPORT_HEARTBEAT_INTERVAL_SECONDS", default=3.0)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
# A build cut by a transient database error (a restart, a lost connection) gives
# the run back and its task tries again after this many seconds.
REPORT_RETRY_DELAY = env.int("REPORT_RETRY_DELAY_SECONDS", default=10)
# HR imports (docs/operations.md): the largest file accepted, and the number of
# attempts and the heartbeat timeout of the background preview and apply.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=50) * 2**20

# --- Notices and email (docs/notices.md) ------------------------------------------
# EMAIL_URL (smtp://user:password@host:587, smtp+tls://…, smtps://…) or the usual
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL; without either, mails are written to the console (the log).
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="notices@localhost")
# Where a mail's and a messenger post's links point (the site as people reach it).
NOTICE_SITE_URL = env.str("NOTICE_SITE_URL", default="http://localhost:8000")
# The only hosts a unit's messenger robot may live on (https only): the WeCom and
# DingTalk robot hosts, so the server cannot be pointed at an internal address.
NOTICE_WEBHOOK_HOSTS = env.list(
    "NOTICE_WEBHOOK_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
)
# Hosts allowed over plain http as well: none outside the tests.
NOTICE_WEBHOOK_HTTP_HOSTS: list[str] = []
# A mail or a post that met a transient failure is tried this many times in all,
# this many seconds apart; then it fails for good and shows as failed.
NOTICE_MAX_ATTEMPTS = env.int("NOTICE_MAX_ATTEMPTS", default=4)
NOTICE_RETRY_DELAY = env.int("NOTICE_RETRY_DELAY_SECONDS", default=120)

# --- Studios' dynamic management (docs/naming.md#dynamic-management) ---------------
# A named or established studio with no achievement, patent filed or benefit
# verified for this many months is flagged dormant by the nightly rule.
NAMING_DORMANCY_MONTHS = env.int("NAMING_DORMANCY_MONTHS", default=12)
# Studios named this many years ago or more are listed for a re-review each year.
NAMING_RE_REVIEW_YEARS = env.int("NAMING_RE_REVIEW_YEARS", default=5)
