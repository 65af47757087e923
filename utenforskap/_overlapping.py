"""A process-wide setting changed for as long as a call runs, where calls
may overlap (threads in one notebook): the first to start saves the
caller's value and sets its own, the last to end puts the caller's back.
Coding uses it for Arrow's memory pool and the garbage collector, and
:func:`utenforskap.analyse` for the collector's thresholds.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any


class OverlappingSetting:
    """A setting read with ``read()`` and set with ``write(value)``.

    Examples
    --------
    >>> box = {"size": 1}
    >>> setting = OverlappingSetting(lambda: box["size"], lambda v: box.update(size=v))
    >>> with setting.changed(lambda old: old * 10):
    ...     with setting.changed(lambda old: old * 10):  # overlapping: the setting stays as the first set it
    ...         inner = box["size"]
    ...     still = box["size"]
    >>> inner, still, box["size"]
    (10, 10, 1)
    """

    def __init__(self, read: Callable[[], Any], write: Callable[[Any], None]):
        self._read, self._write = read, write
        self._lock = threading.Lock()
        self._calls = 0  # calls running now
        self._saved: Any = None  # the caller's value, while any call runs

    @contextlib.contextmanager
    def changed(self, new: Callable[[Any], Any]) -> Iterator[None]:
        """Hold the setting at ``new(caller's value)`` while this and any
        overlapping call run; the caller's value is back when the last ends,
        also on error."""
        with self._lock:
            if self._calls == 0:
                self._saved = self._read()
                self._write(new(self._saved))
            self._calls += 1
        try:
            yield
        finally:
            with self._lock:
                self._calls -= 1
                if self._calls == 0:
                    self._write(self._saved)
                    self._saved = None
