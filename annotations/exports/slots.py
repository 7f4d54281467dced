"""How many streamed exports run at once, across every web process: PostgreSQL advisory-lock slots.

A streamed CSV holds a web thread and a database backend for as long as the
download lasts; a handful of them at once would starve everyone else. Each
streamed export first takes one of FACTCHECK["STREAMED_EXPORTS_MAX"] slots, a
session-level advisory lock on its own database connection. No slot free: the
caller answers 429 and points to the export job API instead.

Advisory locks belong to the database session, so a slot is freed however the
stream ends: the generator finishing, the client going away, or the worker
process dying (its connection closes and PostgreSQL drops the lock).
"""

from collections.abc import Iterator

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

# First key of the two-key advisory lock: "FCEX"; the second key is the slot number.
LOCK_CLASS = 0x46434558


def slot_limit() -> int:
    return int(settings.FACTCHECK.get("STREAMED_EXPORTS_MAX", 2))


def acquire_slot(connection: BaseDatabaseWrapper) -> int | None:
    """Take a free slot on `connection` and return its number, or None when all are taken."""
    limit = slot_limit()
    if limit <= 0:
        return None
    with connection.cursor() as cursor:
        for slot in range(limit):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, slot])
            if cursor.fetchone()[0]:
                return slot
    return None


def release_slot(connection: BaseDatabaseWrapper, slot: int) -> None:
    """Give the slot back; if the connection is broken, close it (PostgreSQL then frees the lock)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, slot])
    except Exception:
        connection.close()


def holding_slot(blocks: Iterator[bytes], connection: BaseDatabaseWrapper, slot: int) -> Iterator[bytes]:
    """`blocks`, releasing the slot once they are sent or the client is gone."""
    try:
        yield from blocks
    finally:
        close = getattr(blocks, "close", None)
        if close is not None:
            close()  # stops the COPY before the connection is used again
        release_slot(connection, slot)
