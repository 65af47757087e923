"""Progress bars that start no thread."""

from __future__ import annotations


def progress_bar(iterable=None, **kwargs):
    """A tqdm bar (the notebook widget in Jupyter) without tqdm's monitor thread.

    tqdm starts a monitor thread for every bar, even a disabled one, and it
    lives on for ten seconds after the bar is gone.  A process with a thread
    must not fork, so the monitor would keep :func:`utenforskap.analyse`
    from rendering figures on the second core when it runs twice in one
    session.  The monitor only nudges bars that stall; these bars do without.
    """
    import warnings

    from tqdm.std import TqdmExperimentalWarning

    # tqdm.auto without its asyncio mixin (these bars are never iterated
    # asynchronously, and asyncio costs 10 ms to import): the notebook widget in
    # Jupyter, the text bar elsewhere, without autonotebook's warning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=TqdmExperimentalWarning)
        from tqdm.autonotebook import tqdm

    class _Bar(tqdm):
        monitor_interval = 0

    return _Bar(iterable, **kwargs)
