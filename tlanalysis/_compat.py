"""The module paths of tlanalysis 0.1 (flat modules), kept working for analysts' own notebooks.

`from tlanalysis import charts` or `from tlanalysis.formatting import fmt_int` still work: each old
path is an alias of the module that now holds it (the same module object, so nothing is loaded
twice), with a `FutureWarning` naming the new path. Where a module was split in two, the alias is a
thin module whose attributes are looked up in both parts. New code imports the new paths.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

#: Old module → the module(s) that now hold its names (first match wins).
MOVED: dict[str, tuple[str, ...]] = {
    "tlanalysis.geography": ("tlanalysis.reference.geography",),
    "tlanalysis.geo": ("tlanalysis.reference.boundaries",),
    "tlanalysis.published": ("tlanalysis.reference.published",),
    "tlanalysis.mapping": ("tlanalysis.load.mapping",),
    "tlanalysis.join": ("tlanalysis.load.join",),
    "tlanalysis.wide": ("tlanalysis.validate.wide",),
    "tlanalysis.assessment_checks": ("tlanalysis.validate.assessments",),
    "tlanalysis.dataset": ("tlanalysis.validate.dataset",),
    "tlanalysis.selection": ("tlanalysis.validate.selection",),
    "tlanalysis.templates": ("tlanalysis.validate.templates",),
    "tlanalysis.indicators": ("tlanalysis.compute.indicators",),
    "tlanalysis.certification": ("tlanalysis.compute.certification",),
    "tlanalysis.reconcile": ("tlanalysis.compute.reconcile",),
    "tlanalysis.disclosure": ("tlanalysis.protect.annual", "tlanalysis.protect.masked"),
    "tlanalysis.certification_disclosure": ("tlanalysis.protect.certification",),
    "tlanalysis.protection_store": ("tlanalysis.protect.store",),
    "tlanalysis.compare": ("tlanalysis.protect.compare",),
    # the labels of 0.1's formatting (contract_label, SITUATION_SHORT…) are now the wording catalogue's
    "tlanalysis.formatting": ("tlanalysis.report.formatting", "tlanalysis.report.wording"),
    "tlanalysis.charts": ("tlanalysis.report.charts",),
    "tlanalysis.params": ("tlanalysis.report.params",),
}


class _Alias(importlib.abc.Loader):
    def __init__(self, targets: tuple[str, ...]):
        self.targets = targets

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        warnings.warn(
            f"{spec.name} is now {' and '.join(self.targets)}; the old path will be removed in a later version",
            FutureWarning,
            stacklevel=2,
        )
        modules = [importlib.import_module(name) for name in self.targets]
        if len(modules) == 1:
            return modules[0]
        alias = types.ModuleType(spec.name, f"Alias of {', '.join(self.targets)}.")

        def __getattr__(name: str) -> object:
            for module in modules:
                if hasattr(module, name):
                    return getattr(module, name)
            raise AttributeError(f"module {spec.name!r} has no attribute {name!r}")

        alias.__dict__["__getattr__"] = __getattr__
        return alias

    def exec_module(self, module: types.ModuleType) -> None:
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        targets = MOVED.get(fullname)
        if targets is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(targets))


def install() -> None:
    """Put the alias finder on `sys.meta_path` (once)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
