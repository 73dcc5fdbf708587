"""The packaging rules pyproject.toml cannot say on its own.

Packages are found, never listed: every package under ``collector``,
``hooks`` and ``cctracker_client`` (anything with an ``__init__.py``) ships
without anyone editing this file. The Datasette configuration stays at the
top of the repository as ``datasette/`` -- with no ``__init__.py``, so it can
never shadow the real ``datasette`` package -- and is mapped into the wheel as
``collector/dashboard_files``, where ``collector.serve.dashboard`` finds it through
``importlib.resources``. Every file in it ships, in every folder below it.
Everything else is in pyproject.toml.
"""

import os

from setuptools import find_packages, setup

#: Top-level packages of the distribution; their subpackages are found.
ROOTS = ("collector", "hooks", "cctracker_client")

#: Where the Datasette configuration lives in the checkout, and its name in the wheel.
DASHBOARD_SOURCE = "datasette"
DASHBOARD_PACKAGE = "collector.dashboard_files"


def dashboard_packages():
    """``datasette/`` and each folder below it, as (dotted) packages of the wheel.

    Declaring the folders (rather than globbing files into one package) is what
    setuptools asks for data in subfolders; ``"*"`` then takes every file in each.
    """
    found = []
    for folder, dirs, _ in os.walk(DASHBOARD_SOURCE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        rel = os.path.relpath(folder, DASHBOARD_SOURCE)
        found.append(DASHBOARD_PACKAGE if rel == "." else DASHBOARD_PACKAGE + "." + rel.replace(os.sep, "."))
    return found


DASHBOARD = dashboard_packages()

setup(
    packages=find_packages(include=[p for root in ROOTS for p in (root, root + ".*")]) + DASHBOARD,
    package_dir={DASHBOARD_PACKAGE: DASHBOARD_SOURCE},
    package_data={name: ["*"] for name in DASHBOARD},
    exclude_package_data={name: ["*.pyc"] for name in DASHBOARD},
)
