"""Work on the second core: when a fork is safe (also for the figures of
:mod:`utenforskap.report.figures`), and a forked tokenizer.

Coding a large collection spends about half its time in spaCy's tokenizer
and normalisation, and the rest in Python per word type and per statement.
:class:`TokenWorker` forks a process that normalises and tokenizes chunk
after chunk while this process codes the chunk before: on 20,000
statements with new words (the benchmark's realistic corpus) coding takes
about 0.6x the time of the bare tokenizer instead of 0.37x, with the same
output.  The fork needs Linux, two cores and no other thread in the process
(:func:`fork_is_safe`; a Jupyter kernel has threads, so there the coder uses
one process).  If the worker fails, the chunks it did not deliver are made
in this process, with a warning.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tokens import WordCache

__all__ = ["fork_is_safe", "TokenWorker"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def fork_is_safe() -> bool:
    """Whether this process may fork a worker: Linux, more than one core, and
    no thread besides the main one (a fork copies only the calling thread,
    so a lock another thread holds would stay locked in the child)."""
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


class TokenWorker:
    """A forked process that normalises and tokenizes chunks, in order.

    Parameters
    ----------
    words : WordCache
        The coder's word cache (an embedded pipeline: lemmas are a function
        of the form); the worker tokenizes with its pipeline and sends, for
        each token, its ORTH key and character offset, and the lexeme flags
        of the keys the cache did not hold when it forked.
    chunks : range
        The first row of every chunk.
    normalised_of : callable
        First row -> the chunk's (normalised text, abbreviations) pairs; it
        runs in the worker, on the data it inherited.
    batch_size : int
        Texts per ``nlp.pipe`` batch.
    """

    def __init__(self, words: WordCache, chunks: range, normalised_of: Callable[[int], list], batch_size: int = 256):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(child, self.conn, words, chunks, normalised_of, batch_size))
        self.process.daemon = True
        self.process.start()
        child.close()
        self.failed = False

    def next(self) -> tuple | None:
        """The next chunk: (normalised pairs, ORTH keys per text, offsets per
        text, flags of new keys); None once the worker has failed."""
        if self.failed:
            return None
        try:
            answer = self.conn.recv()
        except (EOFError, OSError) as exc:
            answer = ("error", f"the worker ended without an answer ({exc.__class__.__name__})")
        if answer[0] == "ok":
            return answer[1:]
        log.warning("tokenizing in a second process failed (%s); coding goes on in this one", answer[1])
        self.failed = True
        self.close()
        return None

    def close(self) -> None:
        """Stop the worker (if it still runs) and reap it."""
        self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _serve(conn, parent_end, words: WordCache, chunks: range, normalised_of: Callable[[int], list], batch_size: int) -> None:
    """The worker's loop: every chunk normalised, tokenized and sent."""
    from spacy.attrs import IDX, ORTH

    from .tokens import lexeme_flags

    parent_end.close()
    gc.disable()  # nothing it makes lives long
    known, sent = words.cache, set()
    try:
        for lo in chunks:
            normalised = normalised_of(lo)
            keys, offsets, flags = [], [], {}
            for doc in words.pipe([text for text, _ in normalised], batch_size=batch_size):
                table = doc.to_array([ORTH, IDX]).tolist()
                chunk_keys = [key for key, _ in table]
                keys.append(chunk_keys)
                offsets.append([start for _, start in table])
                for key in chunk_keys:
                    if key not in sent and key not in known:
                        sent.add(key)
                        flags[key] = lexeme_flags(doc.vocab[key])
            conn.send(("ok", normalised, keys, offsets, flags))
    except Exception as exc:  # reported; the coder makes the rest itself
        with contextlib.suppress(OSError):
            conn.send(("error", f"{exc.__class__.__name__}: {exc}"))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the coder stops and reaps this one
        pass
    finally:
        conn.close()
