"""A small buffered writer shared by the JSON formats: text in, UTF-8 blocks out."""

import io
from collections.abc import Callable

BLOCK_SIZE = 64 * 1024


class BlockWriter:
    """Collects text and hands `write` UTF-8 blocks of about BLOCK_SIZE bytes, so no file is held whole."""

    def __init__(self, write: Callable[[bytes], object]) -> None:
        self._write = write
        self._buffer = io.StringIO()

    def text(self, text: str) -> None:
        self._buffer.write(text)
        if self._buffer.tell() >= BLOCK_SIZE:
            self.flush()

    def flush(self) -> None:
        if self._buffer.tell():
            self._write(self._buffer.getvalue().encode())
            self._buffer.seek(0)
            self._buffer.truncate()
