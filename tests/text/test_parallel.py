"""Coding with a forked tokenizer (utenforskap.text._worker) gives what coding in
one process gives, falls back when the worker fails, and is used only where
asked for or worth it."""

import pinned_coding as pinned
import pytest
from pandas.testing import assert_frame_equal

from utenforskap import code, load_codebook
from utenforskap.text import _worker as parallel
from utenforskap.text._worker import fork_is_safe

# forked workers on large inputs: make test and CI run them
pytestmark = pytest.mark.slow

needs_fork = pytest.mark.skipif(not fork_is_safe(), reason="a fork is not safe here (platform, one core or threads)")


@pytest.fixture(scope="module")
def synthetic():
    """3,000 statements that exercise every rule (three chunks), and the frozen codebook."""
    return pinned.synthetic_statements(), load_codebook(pinned.CODEBOOK)


@pytest.fixture
def workers(monkeypatch):
    """The chunks each started worker delivered."""
    delivered = []
    original = parallel.TokenWorker.next

    def counting(self):
        answer = original(self)
        delivered.append(answer is not None)
        return answer

    monkeypatch.setattr(parallel.TokenWorker, "next", counting)
    return delivered


@needs_fork
def test_two_processes_code_as_one(synthetic, workers):
    texts, book = synthetic
    one = code(texts, context=False, processes=1, codebook=book, semantic=False)
    assert workers == []
    two = code(texts, context=False, processes=2, codebook=book, semantic=False)
    assert workers == [True, True, True]  # every chunk came from the worker
    assert_frame_equal(one, two)


@needs_fork
def test_a_failing_worker_leaves_the_rest_to_this_process(synthetic, monkeypatch, caplog):
    texts, book = synthetic
    one = code(texts, context=False, processes=1, codebook=book, semantic=False)
    serve = parallel._serve

    def one_chunk_then_fail(conn, parent_end, words, chunks, normalised_of, batch_size):
        serve(conn, parent_end, words, chunks[:1], normalised_of, batch_size)  # closes the connection after one chunk

    monkeypatch.setattr(parallel, "_serve", one_chunk_then_fail)
    with caplog.at_level("WARNING", logger="utenforskap.text._worker"):
        two = code(texts, context=False, processes=2, codebook=book, semantic=False)
    assert "coding goes on in this one" in caplog.text
    assert_frame_equal(one, two)


def test_small_inputs_stay_in_this_process(workers):
    code(["Finansieringen er en hindring."] * 50)
    assert workers == []
    with pytest.raises(ValueError, match="processes must be 1, 2 or None"):
        code(["x"], processes=3)


def test_no_worker_to_be_had_codes_in_this_process(monkeypatch):
    """Where no process can be started (a daemon process may not have
    children), coding goes on in this one."""

    def refused(self, *args, **kwargs):
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(parallel.TokenWorker, "__init__", refused)
    texts = ["Finansieringen er en hindring.", "Vi bør styrke samarbeidet."] * 2500
    coded = code(texts, context=False, processes=2)
    assert coded["barriers"].sum() == 2500 and coded["opportunities"].sum() == 2500


@needs_fork
def test_two_processes_code_a_large_workshop_in_context_as_one(bundled_path, workers):
    """The bundled workshop 60 times over (5,160 statements, with groups,
    questions and sections), coded in context: the worker is used by
    default and the frame is the one of a single process."""
    import pandas as pd

    from utenforskap import read_workshop

    statements = read_workshop(bundled_path)
    big = pd.concat([statements.assign(segment_id=statements["segment_id"] + f"-{i}") for i in range(60)], ignore_index=True)
    one = code(big, processes=1)
    assert workers == []
    assert_frame_equal(one, code(big))
    assert workers == [True] * 6
