"""Let the ``holidays`` package import one country's module instead of all of them (issue 14).

``holidays.country_holidays("FR")`` imports the package ``holidays.countries``, whose
``__init__`` imports the module of every one of its 250 countries: 50 ms of every plan's
start-up. :func:`install` puts in its place a package object with the same path that imports
a country's module the first time one of its names (``France``, ``FR``, ``FRA``) is asked for,
from the package's own registry. Everything else is unchanged: ``holidays.countries.France``,
``from holidays.countries import FR`` and ``holidays.list_supported_countries()`` work as
before, they only import less. Nothing is done when the package is already imported or has
no registry to read the names from.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

PACKAGE = "holidays.countries"


def install() -> None:
    """Make ``holidays.countries`` import each country's module on first use."""
    if PACKAGE in sys.modules:
        return
    try:
        from holidays.registry import COUNTRIES

        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return
    if spec is None or spec.submodule_search_locations is None or not isinstance(COUNTRIES, dict):
        return
    owner = {name: module for module, names in COUNTRIES.items() for name in names if isinstance(name, str)}
    package = types.ModuleType(PACKAGE, "Countries, each imported on first use (see roadmap.lazy_holidays).")
    package.__path__ = list(spec.submodule_search_locations)
    package.__package__ = PACKAGE
    package.__file__ = spec.origin
    package.__spec__ = spec

    def __getattr__(name: str) -> Any:  # a module's __getattr__ (PEP 562)
        module = owner.get(name)
        if module is None:
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{PACKAGE}.{module}"), name)
        setattr(package, name, value)
        return value

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[PACKAGE] = package
    parent = sys.modules.get("holidays")
    if parent is not None:
        parent.countries = package  # type: ignore[attr-defined]
