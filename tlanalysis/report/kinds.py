"""Kinds of report: the annual report, the certification report, and any other one built the same way.

A `ReportKind` says once what makes one kind of report:

* its name (`annual`, `certification`: the `kind` of the build state, `--kind` of `tlanalysis build`)
  and its notebook (papermill parameters `year`, `region`, `data_dir`, `render`, `min_count`...);
* its context class, made from the notebook's checked parameters (`ReportParameters`): a subclass of
  `report.base.BaseReportContext`, which gives its charts and its key-figures document;
* its sections (name → the parts of the section, in the notebook's order), which the notebook displays
  and whose charts the build draws as images;
* its file names (a slug prefix: `OUT/<year>/certification-75-nouvelle-aquitaine.html`, and the chart
  ids and images `certification-75-2019-…`) and its title (page title, PDF footer);
* which (year, region) reports it has for given data (`covers`; None: every pair the build plans);
* the notebook parameters it takes besides the common ones (`parameters`, e.g. `target_jobs`): the
  build passes them to its notebook, so its fingerprint depends on them, and its JSON records them;
* how the index lists it (a table with its own heading) and the build's progress lines name it;
* its products: the key-figures JSON (`context.document()`), the charts that go to PNG/SVG (every
  chart of its sections), the PDF of its page, the XLSX workbook (`workbook`), and the deck (PPTX/ODP:
  title, its key figures as `cards` give them, every chart, the network's text, sources).

The build (`tlanalysis.publish`: plan, products, runner, index) takes all of it from the kind and names
none. The registry holds the annual and the certification report (in that order: the index lists them
so); `register` adds another, and a build can be given kinds that are not registered
(`BuildOptions.kinds`). `tlanalysis build --notebook FILE` replaces the notebook of the default kind
(the annual report) only.

This module is cheap to import (a build plans with it before anything heavy is loaded) and a kind is
plain data (it travels to the build's worker processes): its context class, sections and workbook writer
are named "module:attribute" and imported where they are used (they import this module, not the other
way round). The workbook writer belongs to a later stage (`tlanalysis.export`): the build, which may
import it, resolves the name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..config import CERTIFICATION_NOTEBOOK, REPORT_NOTEBOOK
from ..errors import UsageError
from .wording import CERTIFICATION as CERTIFICATION_NAME
from .wording import CERTIFICATION_FOLLOW_UP

if TYPE_CHECKING:
    from ..reference import Region
    from ..validate.dataset import Dataset
    from .params import ReportParameters


class KindContext(Protocol):
    """What the build reads from the context of a report (`report.base.BaseReportContext` has it all)."""

    @property
    def slug(self) -> str: ...

    @property
    def dataset(self) -> Dataset: ...

    def document(self) -> dict: ...

    def charts(self) -> list[tuple[object, str]]: ...


def resolve(reference: str) -> Any:
    """The object a "module:attribute" reference names (imported now)."""
    module, _, attribute = reference.partition(":")
    if not module or not attribute:
        raise ValueError(f"{reference!r} is not a 'module:attribute' reference")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True, order=True)
class ReportKind:
    """One kind of report, everything the build needs to know about it (see the module doc)."""

    #: Identifies the kind: in the build state, `--kind`, the JSON's `kind` key; lower case, no space.
    name: str
    #: The notebook papermill executes for each report of this kind.
    notebook: Path
    #: "module:Class" of its context, a `BaseReportContext` subclass with `from_parameters(params)`.
    context: str
    #: "module:NAME" of its sections, a dict: name → function (context → parts), in the notebook's order.
    sections: str
    #: The report's title (page title, PDF footer): `str.format` with `region` (its name) and `year`.
    title: str
    #: Put before the slug of its files, chart ids and images ("certification-"); "" for one kind only.
    slug_prefix: str = ""
    #: Whether the data holds a report of this kind for (dataset, year, region); None: every planned pair.
    covers: Callable[[Dataset, int, Region], bool] | None = None
    #: Notebook parameters besides the common ones, given by the build (e.g. "target_jobs").
    parameters: tuple[str, ...] = ()
    #: The protections its reports read, computed once per build before the workers start.
    protections: tuple[str, ...] = ("annual",)
    #: The heading of its table on the index, and the note under it ("" for none).
    index_title: str = ""
    index_note: str = ""
    #: How the build's progress lines name it after the region ("" for none): « 2019 France (certification) ».
    label: str = ""
    #: "module:function" writing its XLSX workbook, `(context, path) -> path`; None: no workbook.
    workbook: str | None = None
    #: "module:function" giving its key figures as cards, `(context) -> list[Card]`, for the deck's
    #: key-figures slide (the deck, `--formats pptx,odp`, is a product of every kind); None: no such slide.
    cards: str | None = None

    def make_context(self, params: ReportParameters) -> KindContext:
        """The context of one report, from the notebook's checked parameters."""
        return resolve(self.context).from_parameters(params)

    def report_title(self, region_name: str, year: int) -> str:
        return self.title.format(region=region_name, year=year)

    def has_report(self, dataset: Dataset, year: int, region: Region) -> bool:
        return self.covers is None or self.covers(dataset, year, region)


def _has_certification_data(dataset: Dataset, year: int, region: Region) -> bool:
    """Certified holders or jury results of cohorts before `year` in `region`: something to show (the
    compute stage answers it: no protection, hence no solver, is imported to plan a build)."""
    from ..compute.certification import has_certification_data

    return has_certification_data(dataset, year, region)


ANNUAL = ReportKind(
    name="annual",
    notebook=REPORT_NOTEBOOK,
    context="tlanalysis.report.context:ReportContext",
    sections="tlanalysis.report.notebook:SECTIONS",
    title="Tiers-lieux — {region} {year}",
    index_title="Tous les rapports",
    workbook="tlanalysis.export.workbook:key_figures_workbook",
    cards="tlanalysis.report.headline:key_figure_cards",
)

CERTIFICATION = ReportKind(
    name="certification",
    notebook=CERTIFICATION_NOTEBOOK,
    context="tlanalysis.report.certification:CertificationContext",
    sections="tlanalysis.report.certification:SECTIONS",
    title=f"Certification {CERTIFICATION_NAME} — {{region}} {{year}}",
    slug_prefix="certification-",
    covers=_has_certification_data,
    parameters=("target_jobs",),
    protections=("annual", "certification"),
    index_title=CERTIFICATION_FOLLOW_UP,
    index_note=(
        "Certifiés et insertion par année d'obtention (France Compétences), résultats du jury par promotion : "
        "années de certification et promotions antérieures à l'année indiquée."
    ),
    label="certification",
    workbook="tlanalysis.export.dossier:write_certification_workbook",
)

#: The kind `--notebook` replaces the notebook of, and whose national report gives the index its key figures.
DEFAULT = ANNUAL

_REGISTRY: dict[str, ReportKind] = {kind.name: kind for kind in (ANNUAL, CERTIFICATION)}


def registered() -> tuple[ReportKind, ...]:
    """Every registered kind, in the order the index lists them."""
    return tuple(_REGISTRY.values())


def kind_named(name: str) -> ReportKind:
    """The registered kind called `name`; a UsageError lists the others."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UsageError(f"unknown report kind {name!r}; choose among {', '.join(_REGISTRY)}") from None


def register(kind: ReportKind) -> ReportKind:
    """Add a kind to the registry (or replace the one of that name): built by default, listed on the index."""
    if not kind.name or kind.name != kind.name.strip().lower() or " " in kind.name:
        raise ValueError(f"a report kind's name is lower case without spaces, got {kind.name!r}")
    taken = {k.slug_prefix: k.name for k in _REGISTRY.values() if k.name != kind.name}
    if kind.slug_prefix in taken:
        raise ValueError(
            f"report kind {kind.name!r}: slug prefix {kind.slug_prefix!r} is that of {taken[kind.slug_prefix]!r}; "
            "the files of two kinds must not share names"
        )
    _REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind added by `register` (the annual and the certification report stay)."""
    if name in (ANNUAL.name, CERTIFICATION.name):
        raise ValueError(f"the {name} report is part of tlanalysis and cannot be removed")
    _REGISTRY.pop(name, None)


__all__ = [
    "ANNUAL",
    "CERTIFICATION",
    "DEFAULT",
    "KindContext",
    "ReportKind",
    "kind_named",
    "register",
    "registered",
    "resolve",
    "unregister",
]
