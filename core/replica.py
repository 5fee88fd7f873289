"""A PostgreSQL standby for the heavy anonymous reads, used explicitly and guarded.

Set REPLICA_DATABASE_URL (a streaming standby) and the views marked `@public_reads` — the
clustered map and its list, the practice search, the public lists — read from it for anonymous
readers. Nothing else does: there is no blanket "reads to the replica" router. Sessions, sign-in,
every signed-in page and every write stay on the primary.

The guard, checked at most once a second per process (`REPLICA_CHECK_SECONDS`):
- the standby must answer within its connect timeout (`connect_timeout`, 1 s by default);
- it must be streaming from the primary, its replay not paused and less than
  `REPLICA_MAX_LAG_SECONDS` (5 by default) behind what it has received;
- for a page the public page cache will keep (core/pagecache.py), the standby must already hold
  the content version the cache key names, so that no stale page is kept under a newer version.
Otherwise the view reads from the primary. A standby that fails during the view (stopped,
restarting) is set aside for `REPLICA_RETRY_SECONDS` and the view runs again on the primary.
"""

import functools
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

ALIAS = "replica"
_reading: ContextVar[bool] = ContextVar("enlace_replica_reading", default=False)
_state = {"checked": 0.0, "usable": False, "down_until": 0.0, "lag": None}

# What the standby answers: 0 when it has replayed all it received, else the age of its last
# replayed transaction; None when replay is paused or it no longer streams from the primary (it
# would then have "replayed all it received" while falling behind).
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_is_wal_replay_paused() THEN NULL
  WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def configured():
    return ALIAS in settings.DATABASES


def lag_seconds():
    """The standby's replay lag in seconds; None when paused; raises when it does not answer."""
    connection = connections[ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":  # a copy of the primary (tests): never behind
            cursor.execute("SELECT 0")
        else:
            cursor.execute(LAG_SQL)
        value = cursor.fetchone()[0]
    return None if value is None else float(value)


def set_aside(error):
    """The standby failed: read from the primary for a while, and drop the broken connection."""
    _state["down_until"] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    _state["usable"] = False
    logger.warning("Replica set aside for %ss: %s", settings.REPLICA_RETRY_SECONDS, error)
    try:
        connections[ALIAS].close()
    except Exception:  # noqa: BLE001 - closing a dead connection may fail; it is dropped anyway
        logger.debug("Closing the replica connection failed", exc_info=True)


def usable():
    """True when the standby answers and is not behind more than the guard allows."""
    if not configured():
        return False
    now = time.monotonic()
    if now < _state["down_until"]:
        return False
    if now - _state["checked"] < settings.REPLICA_CHECK_SECONDS:
        return _state["usable"]
    _state["checked"] = now
    try:
        lag = lag_seconds()
    except (OperationalError, InterfaceError) as error:
        set_aside(error)
        return False
    _state["lag"] = lag
    _state["usable"] = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
    return _state["usable"]


def status():
    """For /readyz: "absent", "ok", "behind" (lagging or paused) or "down"."""
    if not configured():
        return "absent"
    _state["checked"] = 0.0  # a fresh look
    if usable():
        return "ok"
    return "down" if time.monotonic() < _state["down_until"] else "behind"


def holds_version(version):
    """True when the standby has replayed the audit entry `version` (the page cache's key)."""
    from core.models import AuditEntry

    if not version:
        return True
    return AuditEntry.objects.using(ALIAS).filter(pk__gte=version).exists()


class ExplicitReplicaRouter:
    """Reads go to the standby only inside a `@public_reads` view that chose it; else Django decides."""

    def db_for_read(self, model, **hints):
        return ALIAS if _reading.get() else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _wants_replica(request):
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    if not usable():
        return False
    pending = getattr(request, "_page_cache", None)
    if pending is not None:
        try:
            return holds_version(pending[1])
        except (OperationalError, InterfaceError) as error:
            set_aside(error)
            return False
    return True


def _answers():
    try:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        return False
    return True


def public_reads(view):
    """Let an anonymous GET of this view read from the standby, within the guard."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _wants_replica(request):
            return view(request, *args, **kwargs)
        token = _reading.set(True)
        try:
            response = view(request, *args, **kwargs)
            response.from_replica = True
            return response
        except (OperationalError, InterfaceError) as error:
            if _answers():
                raise  # the standby answers: the failure is not its own
            set_aside(error)
        finally:
            _reading.reset(token)
        return view(request, *args, **kwargs)

    return wrapped
