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


def lazy_attributes(package: str, where: dict[str, str]):
    """A module ``__getattr__`` for ``package`` that imports each name of
    ``where`` from its module (relative to ``package``) on first use, so a
    heavy dependency (scikit-learn, Dask) loads only when it is needed.

    Examples
    --------
    >>> getattr_ = lazy_attributes("json", {"JSONDecoder": "decoder"})
    >>> getattr_("JSONDecoder").__name__
    'JSONDecoder'
    """
    import importlib

    def __getattr__(name: str):
        if name in where:
            module = importlib.import_module(f".{where[name]}", package)
            value = getattr(module, name)
            setattr(importlib.import_module(package), name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
