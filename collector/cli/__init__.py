"""The ``cctracker`` command line: a thin skin over the collector library.

Each module in this package adds its commands to the group in ``base``.
"""

import importlib
import pkgutil

from .base import cli

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("base", "__main__"):
        importlib.import_module("%s.%s" % (__name__, _module.name))

__all__ = ["cli"]
