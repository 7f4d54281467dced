"""CSV export: PostgreSQL's COPY streamed block by block.

The bytes: UTF-8, one header row, RFC 4180 with CRLF after every record (line
breaks inside quoted cells are kept as they are), an empty unquoted cell for a
missing or empty value, and a leading "'" on cells a spreadsheet would run as a
formula (formatting is done in SQL, see query.copy_sql). COPY ends records with
LF; it sends one CopyData message per row, so each row's final LF is turned
into CRLF as it arrives, without parsing the CSV.

The file is never held whole: COPY writes into blocks of BLOCK_SIZE bytes,
and a streamed response reads them from a bounded queue filled by a thread.
"""

import queue
import threading
from collections.abc import Callable, Iterator

from django.db.backends.base.base import BaseDatabaseWrapper

from .blocks import BLOCK_SIZE
from .filters import ExportFilters
from .query import copy_sql

BOM = b"\xef\xbb\xbf"
QUEUE_BLOCKS = 16  # blocks in flight between the COPY thread and the response: 1 MB at most


class Progress:
    """Rows written so far (header excluded); read by whoever reports progress."""

    def __init__(self) -> None:
        self.rows = 0

    def add(self, rows: int) -> None:
        self.rows += rows


def write_csv(
    filters: ExportFilters,
    write: Callable[[bytes], object],
    *,
    connection: BaseDatabaseWrapper,
    bom: bool = False,
    progress: Progress | None = None,
    statement: str | None = None,
) -> int:
    """Write the CSV through `write` in blocks, from COPY. Returns the row count.

    `statement`: another COPY than the verdicts' own (exports.sheets: labels, local times, evidence)."""
    progress = progress or Progress()
    if bom:
        write(BOM)
    _copy(statement or copy_sql(filters, connection), write, connection=connection, progress=progress)
    return progress.rows


def stream_csv(
    filters: ExportFilters, *, connection: BaseDatabaseWrapper, bom: bool = False, statement: str | None = None
) -> Iterator[bytes]:
    """The CSV as an iterator of blocks for a streamed response.

    COPY runs in a thread on the caller's connection (so it sees
    exactly what the caller's transaction sees) and hands blocks over a bounded
    queue: memory stays flat however large the export. If the client goes away,
    the query is cancelled on the server and the thread ends.
    """
    if bom:
        yield BOM
    # Built here, on the caller's thread: Django's connection wrapper is not shared across threads.
    yield from _threaded_copy(statement or copy_sql(filters, connection), connection)


class _RowSink:
    """The file COPY writes into: one call per row; turns the row's LF into CRLF and emits blocks."""

    def __init__(self, emit: Callable[[bytes], object], progress: Progress) -> None:
        self.emit = emit
        self.progress = progress
        self.buffer = bytearray()
        self.header_seen = False

    def write(self, row: bytes) -> None:
        buffer = self.buffer
        buffer += row
        buffer[-1:] = b"\r\n"
        if self.header_seen:
            self.progress.add(1)
        else:
            self.header_seen = True
        if len(buffer) >= BLOCK_SIZE:
            self.emit(bytes(buffer))
            buffer.clear()

    def flush(self) -> None:
        if self.buffer:
            self.emit(bytes(self.buffer))
            self.buffer.clear()


def _copy(statement, write, *, connection, progress) -> None:
    sink = _RowSink(write, progress)
    connection.ensure_connection()
    run_copy(connection.connection, statement, sink)
    sink.flush()


def run_copy(raw, statement: str, sink) -> None:
    """Run the COPY on a psycopg2 connection with a plan that does not depend on luck.

    No JIT: compiling the export's expressions costs more than it saves on a scan.
    No parallel workers: a Gather Merge of a million wide rows through shared memory
    queues cost more than the whole serial scan (bench/export.py, issue 11). Inside a
    transaction the settings are local to it; in autocommit they are set for the
    session and reset after the COPY.
    """
    settings = ("jit = off", "max_parallel_workers_per_gather = 0")
    with raw.cursor() as cursor:
        local = not raw.autocommit
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}" if local else f"SET {setting}")
        cursor.copy_expert(statement, sink)
        if not local:
            cursor.execute("RESET jit; RESET max_parallel_workers_per_gather")


class _Cancelled(Exception):
    pass


def _threaded_copy(statement: str, connection: BaseDatabaseWrapper) -> Iterator[bytes]:
    blocks: queue.Queue = queue.Queue(maxsize=QUEUE_BLOCKS)
    cancelled = threading.Event()
    done = object()
    failure: list[BaseException] = []
    connection.ensure_connection()
    raw = connection.connection

    def put(block) -> None:
        while not cancelled.is_set():
            try:
                blocks.put(block, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _Cancelled

    def produce() -> None:
        sink = _RowSink(put, Progress())
        try:
            run_copy(raw, statement, sink)
            sink.flush()
        except BaseException as error:  # handed to the consumer, re-raised there
            failure.append(error)
        finally:
            if not cancelled.is_set():
                put(done)

    thread = threading.Thread(target=produce, name="csv-copy", daemon=True)
    thread.start()
    finished = False
    try:
        while (block := blocks.get()) is not done:
            yield block
        finished = True  # the producer handed over `done` and is only ending: nothing to cancel
    finally:
        if not finished and thread.is_alive():
            cancelled.set()
            raw.cancel()  # stop the server sending the rest
        thread.join()
        if cancelled.is_set():
            # The COPY was cut off mid-stream; the connection's protocol state is unknown, so drop it.
            connection.close()
    if failure and not isinstance(failure[0], _Cancelled):
        raise failure[0]
