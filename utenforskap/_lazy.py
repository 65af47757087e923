"""pandas and numpy, imported on first use.

``import utenforskap`` makes every stage module importable without loading
pandas (0.3-0.6 s on the development machine) or numpy: each module binds
``pd`` / ``np`` to the module object at once, but the module's code runs only
when an attribute is first looked up (the standard library's
``importlib.util.LazyLoader``, as in the Python documentation's lazy-import
recipe).  A module already imported is used as it is.
"""

from __future__ import annotations

import importlib.util
import sys


def lazy_module(name: str):
    """The module ``name``; if not imported yet, one that imports itself on
    first attribute access.

    Examples
    --------
    >>> lazy_module("json").dumps([1])
    '[1]'
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # let the ordinary import say what is missing
        return importlib.import_module(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
