"""What every report's context shares, whatever its kind (`report.kinds`): the annual `ReportContext`,
the `CertificationContext`, and the context of any other kind.

A context is made once per report from the notebook's checked parameters (`ReportParameters`) and holds
what the report shows. The base gives every kind:

* the parameters (year, region, dataset, render, k), the slug of its chart ids and images (the kind's
  slug prefix + "75-2019"), the territory in a sentence (`report.wording`), the example-data flag;
* provenance: where a computed figure comes from (`computed_from`), the data folder and files with their
  content hash as the title blocks show them;
* the annual protection of every report of the data (`protection_of`: the build's, from the private state
  folder, or computed);
* its sections (its kind's: name → parts, HTML fragments and `Chart`s, in the notebook's order), shown
  in a notebook by `display_section` and as HTML by `section_html`; its charts (every chart of every
  section: what a build writes as PNG/SVG);
* its key-figures document (`document()`): what the build writes as `<slug>.json`, for scripts and
  `tlanalysis diff`: the report's identity, data and k, the kind's own parameters, and its protected
  figures (`key_figures()`, given by each kind).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

from ..config import SAMPLE_DATA_DIR
from ..protect import store as protection_store
from ..reference import Region
from ..validate.dataset import Dataset
from . import charts, texts, wording
from .brand import Brand
from .html import Card, Chart, Html, section
from .kinds import ReportKind, resolve
from .params import ReportParameters

if TYPE_CHECKING:
    from ..protect.annual import Protection

#: One section of a report: the context → its parts in reading order.
Section = Callable[[Any], list[Html | Chart]]


@dataclass(frozen=True, eq=False)
class BaseReportContext:
    """One report of some kind: its checked parameters, and what every kind derives from them."""

    params: ReportParameters
    #: The kind of report this context makes (`report.kinds`): its slug prefix, its name in the JSON.
    kind: ClassVar[ReportKind]

    @classmethod
    def from_parameters(cls, params: ReportParameters) -> Self:
        """The context of the report these checked parameters ask for (each kind says how)."""
        raise NotImplementedError

    # -- parameters

    @property
    def year(self) -> int:
        return self.params.year

    @property
    def region(self) -> Region:
        return self.params.region

    @property
    def dataset(self) -> Dataset:
        return self.params.dataset

    @property
    def render(self) -> str:
        return self.params.render

    @property
    def min_count(self) -> int:
        return self.params.min_count

    @property
    def is_national(self) -> bool:
        return self.region.is_national

    @property
    def brand(self) -> Brand:
        """The network's brand (name, logo, colours, fonts), or the house look."""
        return self.params.brand

    @property
    def is_example(self) -> bool:
        """Built from the bundled fictitious data: everything that shows the report must say so."""
        return self.dataset.is_example

    @property
    def slug(self) -> str:
        """Identifies the report in chart ids and image names: "75-2019", "certification-france-2019"."""
        return f"{self.kind.slug_prefix}{self.params.slug}"

    @property
    def place(self) -> str:
        """The territory in a sentence: « en Nouvelle-Aquitaine », « à La Réunion », « en France »."""
        return wording.in_territory(self.region)

    @property
    def territory(self) -> str:
        """The territory as a label: « France entière » or the region's name."""
        return wording.territory_name(self.region)

    @property
    def title(self) -> str:
        """The report's title, as its page's heading (each kind words it)."""
        return self.kind.report_title(self.region.name, self.year)

    @property
    def kind_label(self) -> str:
        """What the report is, above its title: « Rapport annuel des tiers-lieux »."""
        return self.kind.index_title or self.kind.name

    def key_cards(self) -> list[Card]:
        """The report's key figures as its page's cards show them (the deck's key-figures slide): its
        kind's `cards` function, none without one."""
        return resolve(self.kind.cards)(self) if self.kind.cards else []

    def chart_id(self, name: str) -> str:
        return charts.chart_id(self.slug, name)

    # -- provenance

    def computed_from(self, table: str) -> str:
        """« Calculé à partir de employment.csv (empreinte SHA-256 1a2b3c4d5e6f) »: where a computed figure
        comes from."""
        return wording.computed_from(self.dataset.sources.get(table), table)

    def data_folder(self) -> str:
        """The data folder's name, « sample (données d'exemple livrées avec tlanalysis) » for the bundled one."""
        folder = self.dataset.data_dir
        return wording.data_folder(folder.name, folder.resolve() == SAMPLE_DATA_DIR.resolve())

    def data_files(self) -> str:
        """The data files with their content hash: « employment.csv (empreinte SHA-256 1a2b3c4d5e6f); … »."""
        return wording.data_files(self.dataset.sources.values())

    # -- sections and charts

    def sections(self) -> Mapping[str, Section]:
        """The report's sections in the notebook's order (its kind's): name → a function giving its parts."""
        return resolve(self.kind.sections)

    def section_parts(self, name: str) -> list[Html | Chart]:
        """A section's parts, its charts in the network's colours (`report.brand`)."""
        parts = self.sections()[name](self)
        colours = self.brand.chart_colours()
        if not colours:
            return parts
        return [Chart(self._branded(p.figure, colours), p.chart_id) if isinstance(p, Chart) else p for p in parts]

    def _branded(self, figure: Any, colours: dict[str, str]) -> Any:
        branded = charts.recoloured(figure, colours)
        branded.update_layout(font_family=self.brand.font)
        return branded

    def charts(self) -> list[tuple[object, str]]:
        """(figure, chart id) of every chart of the report, in reading order (for image exports)."""
        return [
            (part.figure, part.chart_id)
            for name in self.sections()
            for part in self.section_parts(name)
            if isinstance(part, Chart)
        ]

    # -- the network's text (report.texts)

    def placeholders(self) -> dict[str, texts.Placeholder]:
        """The figures a text may quote, by name: the report's own published figures (`key_figures`)."""
        return texts.placeholders(self.kind.name, self.key_figures())

    def text_file(self) -> Path | None:
        """The network's text for this report in the data folder (`textes/<year>/<region>.md`), if any."""
        code = None if self.is_national else self.region.code
        return texts.text_path(self.params.data_dir, self.year, code, self.region.name, self.kind.slug_prefix)

    def text_parts(self) -> list[Html]:
        """The network's text with its figures, as a part of a section ([] without a text file)."""
        path = self.text_file()
        if path is None:
            return []
        shown_as = f"{texts.TEXTS_DIR}/{self.year}/{path.name}"
        body = texts.render_text(path, self.placeholders(), shown_as)
        return [section(texts.text_block(body, wording.NETWORK_TEXT))]

    # -- the key-figures document

    def key_figures(self) -> dict:
        """The report's protected figures, keyed so that `tlanalysis diff` names the figure that moved."""
        raise NotImplementedError

    def document(self) -> dict:
        """The key-figures JSON of the report (masked values are their labels, « < 5 » or « secret »)."""
        return {
            "kind": self.kind.name,
            "year": self.year,
            "region": self.region.name,
            "region_code": self.region.code,
            "example_data": self.is_example,
            "data_date": self.dataset.data_date.isoformat(),
            "min_count": self.min_count,
            # the kind's own parameters, e.g. the target jobs of the certification report
            **{name: _plain(getattr(self, name)) for name in self.kind.parameters},
            "data_files": {name: src.short_hash for name, src in self.dataset.sources.items()},
            "figures": self.key_figures(),
        }


def _plain(value: object) -> object:
    """A parameter's value as JSON writes it (tuples as lists)."""
    return list(value) if isinstance(value, tuple) else value


def protection_of(params: ReportParameters) -> Protection | protection_store.StoredProtection:
    """The annual protection of every report of the data: the one this process holds (`protect.cache`),
    else the build's, read from the private state folder (`params.state_root`; checked against its content
    hash and its sources: one that fails is ignored and the protection computed), else computed here."""
    return protection_store.annual_protection(params.dataset, params.min_count, params.state_root)


def section_html(ctx: BaseReportContext, name: str) -> str:
    """A section as the built report shows it, charts included (`charts.chart_html`, without plotly.js)."""
    return "".join(
        charts.chart_html(part.figure, part.chart_id) if isinstance(part, Chart) else str(part)
        for part in ctx.section_parts(name)
    )


def _display(fragment: str) -> None:
    from IPython.display import HTML, display

    display(HTML(fragment))


def display_section(ctx: BaseReportContext, name: str) -> None:
    """Display one section in a notebook: consecutive HTML parts as one output, each chart as its own
    (`charts.show`: HTML in a report kernel, plotly's renderer in JupyterLab)."""
    pending: list[str] = []
    for part in ctx.section_parts(name):
        if isinstance(part, Chart):
            if pending:
                _display("".join(pending))
                pending = []
            charts.show(part.figure, part.chart_id, render=ctx.render)
        else:
            pending.append(str(part))
    if pending:
        _display("".join(pending))


__all__ = ["BaseReportContext", "Section", "display_section", "protection_of", "section_html"]
