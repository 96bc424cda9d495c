"""Report kinds (`tlanalysis.report.kinds`) and the context base every kind's context shares: one
registry says, for the annual and the certification report, what the build needs; their contexts give
the same provenance, sections, charts and key-figures document."""

from __future__ import annotations

import dataclasses

import pytest

from tlanalysis.errors import UsageError
from tlanalysis.report import kinds
from tlanalysis.report.base import BaseReportContext, section_html
from tlanalysis.report.certification import CertificationContext
from tlanalysis.report.context import ReportContext
from tlanalysis.report.employment import employment_charts
from tlanalysis.report.holders import holders_charts
from tlanalysis.report.kinds import ANNUAL, CERTIFICATION, DEFAULT, ReportKind, resolve
from tlanalysis.report.params import validate_parameters
from tlanalysis.report.regions import regions_charts

#: The keys of each kind's `<slug>.json`, in their order: scripts and `tlanalysis diff` read them.
ANNUAL_KEYS = ["year", "region", "region_code", "example_data", "data_date", "min_count", "data_files", "figures"]
CERTIFICATION_KEYS = ["kind", *ANNUAL_KEYS[:6], "target_jobs", "data_files", "figures"]


@pytest.fixture(scope="module")
def contexts() -> dict[str, BaseReportContext]:
    """The sample data's 2019 reports of Nouvelle-Aquitaine and France, of both kinds."""
    return {
        f"{kind.name} {region}": kind.make_context(validate_parameters(2019, region))  # type: ignore[misc]
        for kind in (ANNUAL, CERTIFICATION)
        for region in ("75", "France")
    }


def test_the_registry_holds_the_annual_then_the_certification_report():
    assert kinds.registered() == (ANNUAL, CERTIFICATION) and DEFAULT is ANNUAL
    assert kinds.kind_named("certification") is CERTIFICATION
    with pytest.raises(UsageError, match="unknown report kind 'bilan'; choose among annual, certification"):
        kinds.kind_named("bilan")


@pytest.mark.parametrize("kind", [ANNUAL, CERTIFICATION], ids=lambda k: k.name)
def test_each_kind_names_its_notebook_context_and_sections(kind):
    assert kind.notebook.is_file()
    context = resolve(kind.context)
    assert issubclass(context, BaseReportContext) and context.kind is kind
    sections = resolve(kind.sections)
    assert sections and all(callable(section) for section in sections.values())
    assert kind.workbook is None or callable(resolve(kind.workbook))
    assert kind.index_title and "{region}" in kind.title and "{year}" in kind.title


def test_titles_and_what_the_kinds_depend_on():
    assert ANNUAL.report_title("Bretagne", 2019) == "Tiers-lieux — Bretagne 2019"
    assert CERTIFICATION.report_title("France", 2021) == "Certification « Piloter un tiers-lieu » — France 2021"
    assert (ANNUAL.slug_prefix, CERTIFICATION.slug_prefix) == ("", "certification-")
    assert (ANNUAL.parameters, CERTIFICATION.parameters) == ((), ("target_jobs",))
    assert ANNUAL.covers is None and CERTIFICATION.covers is not None


def test_register_adds_a_kind_and_refuses_clashing_files():
    third = dataclasses.replace(ANNUAL, name="bilan", slug_prefix="bilan-", index_title="Bilans")
    try:
        assert kinds.register(third) is third
        assert kinds.registered() == (ANNUAL, CERTIFICATION, third) and kinds.kind_named("bilan") is third
        with pytest.raises(ValueError, match="slug prefix 'certification-' is that of 'certification'"):
            kinds.register(dataclasses.replace(third, name="autre", slug_prefix="certification-"))
        with pytest.raises(ValueError, match="lower case without spaces"):
            kinds.register(dataclasses.replace(third, name="Mon bilan", slug_prefix="mb-"))
    finally:
        kinds.unregister("bilan")
    assert kinds.registered() == (ANNUAL, CERTIFICATION)
    with pytest.raises(ValueError, match="cannot be removed"):
        kinds.unregister("annual")


def test_a_kind_is_plain_data_for_the_build_workers():
    import pickle

    for kind in kinds.registered():
        assert pickle.loads(pickle.dumps(kind)) == kind
    assert sorted([CERTIFICATION, ANNUAL]) == [ANNUAL, CERTIFICATION]  # reports of one territory sort by kind


def test_contexts_are_made_by_their_kind(contexts):
    assert type(contexts["annual 75"]) is ReportContext and type(contexts["certification 75"]) is CertificationContext
    assert [ctx.slug for ctx in contexts.values()] == [
        "75-2019",
        "france-2019",
        "certification-75-2019",
        "certification-france-2019",
    ]
    for ctx in contexts.values():
        assert ctx.place in ("en Nouvelle-Aquitaine", "en France")
        assert ctx.territory in ("Nouvelle-Aquitaine", "France entière")
        assert ctx.is_example and ctx.data_folder() == "sample (données d'exemple livrées avec tlanalysis)"
        assert "employment.csv (empreinte SHA-256 " in ctx.data_files()


def test_the_json_documents_keep_their_keys(contexts):
    for name, ctx in contexts.items():
        document = ctx.document()
        assert list(document) == (ANNUAL_KEYS if name.startswith("annual") else CERTIFICATION_KEYS), name
        assert document["region_code"] == (None if name.endswith("France") else "75")
    assert contexts["annual 75"].document()["figures"] is contexts["annual 75"].figures
    certification = contexts["certification 75"].document()
    assert certification["kind"] == "certification" and certification["target_jobs"] == ["facilitation"]
    assert set(certification["figures"]) == {"promotions", "cohorts"}


def test_the_charts_of_a_report_are_those_of_its_sections(contexts):
    """What goes to PNG/SVG comes from the sections: the national report's maps too."""
    national, regional = contexts["annual France"], contexts["annual 75"]
    ids = [chart_id for _, chart_id in national.charts()]
    expected = employment_charts(national) + regions_charts(national) + holders_charts(national)
    assert ids == [chart_id for _, chart_id in expected]
    for name in ("regions-map", "regions-views", "regions-bar", "regions-trends"):
        assert f"chart-france-2019-{name}" in ids
    assert not regions_charts(regional) and not any("regions" in i for _, i in regional.charts())
    for ctx in (contexts["certification 75"], contexts["certification France"]):
        ids = [chart_id for _, chart_id in ctx.charts()]
        assert ids and all(i.startswith(f"chart-{ctx.slug}-") for i in ids)


def test_both_title_blocks_name_the_data_the_same_way(contexts):
    for ctx in contexts.values():
        title = section_html(ctx, "title")
        assert "<strong>Données d'exemple fictives</strong>" in title
        assert "<dt>Dossier de données</dt><dd>sample (données d'exemple livrées avec tlanalysis)</dd>" in title
        assert f"<dt>Fichiers</dt><dd>{ctx.data_files()}</dd>" in title


def test_the_certification_report_of_la_reunion_says_a_la_reunion():
    ctx = CERTIFICATION.make_context(validate_parameters(2021, "La Réunion"))
    assert ctx.place == "à La Réunion"
    assert "Certification et insertion à La Réunion — 2021" in section_html(ctx, "title")


def test_a_kind_without_covers_has_every_report():
    kind = ReportKind(name="x", notebook=ANNUAL.notebook, context=ANNUAL.context, sections=ANNUAL.sections, title="")
    assert kind.has_report(None, 2019, None)  # type: ignore[arg-type]
