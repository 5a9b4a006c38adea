"""Settings for pytest: fast hashing, eager Celery, a SQLite *file* when no
DATABASE_URL is given (a worker process in a test must be able to reach it)."""

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Lockout and throttles are switched on by the tests that exercise them (the
# suite signs in thousands of times from one address).
AXES_ENABLED = False
API_THROTTLE_RATES = {}
SIGN_IN_ADDRESS_FAILURE_LIMIT = 0
CERTIFICATE_VERIFY_LIMIT = 0
LANGUAGE_CODE = "zh-hans"
DEMO_PROPOSAL_SCALE = 0.1

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# The suite's tests write inside transactions that a replica never sees, so it
# runs on one database. The replica tests (tests/core/test_replica.py) bring a
# primary and a streaming replica of their own, started by .ci/replica-clusters;
# without these two they are skipped.
DATABASES.pop("replica", None)
REPLICA_TEST_PRIMARY_URL = env.str("REPLICA_TEST_PRIMARY_URL", default="")
REPLICA_TEST_REPLICA_URL = env.str("REPLICA_TEST_REPLICA_URL", default="")

# The notices' tests run a messenger robot of their own on this machine, over
# plain http (tests/notices/conftest.py); no other host is opened up.
NOTICE_WEBHOOK_HOSTS = [*NOTICE_WEBHOOK_HOSTS, "127.0.0.1"]  # noqa: F405
NOTICE_WEBHOOK_HTTP_HOSTS = ["127.0.0.1"]
NOTICE_RETRY_DELAY = 0

# The test databases are thrown away: their commits need not wait for the disk.
# The suite commits tens of thousands of times (migrations, transactional tests).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _flags = DATABASES["default"]["OPTIONS"].get("options", "")
    DATABASES["default"]["OPTIONS"]["options"] = f"{_flags} -c synchronous_commit=off".strip()
