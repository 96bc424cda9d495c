"""What importing tlanalysis costs: the command line, the build's no-op path and papermill's engine entry point
import no pandas, and the public API of `import tlanalysis as tl` (imported on first use) and the module paths
of 0.1 still work. Checked in fresh interpreters (what is in `sys.modules`), never by timing."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "pyarrow", "scipy", "highspy", "plotly", "papermill", "nbconvert")


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    "modules",
    [
        "tlanalysis",
        "tlanalysis.cli",
        "tlanalysis.publish.runner, tlanalysis.publish.unchanged, tlanalysis.publish.cache",
        "tlanalysis.publish.engine",
    ],
)
def test_light_modules_import_nothing_heavy(modules):
    out = run(f"import sys, {modules}\nprint('HEAVY', [m for m in {HEAVY!r} if m in sys.modules])")
    assert "HEAVY []" in out, out


def test_importing_papermill_loads_our_engine_without_pandas():
    """papermill loads every engine's entry point when imported (tlanalysis-inprocess among them): analysts'
    papermill runs must not pay for pandas through it."""
    out = run(
        "import sys, papermill\n"
        "print('ENGINE', 'tlanalysis.publish.engine' in sys.modules, 'PANDAS', 'pandas' in sys.modules)"
    )
    assert "PANDAS False" in out, out


def test_public_api_imported_on_first_use():
    out = run(
        "import sys, tlanalysis as tl\n"
        "assert 'pandas' not in sys.modules\n"
        "assert {'load_dataset', 'key_figures', 'Dataset', 'FRANCE'} <= set(dir(tl))\n"
        "data = tl.load_dataset()\n"
        "assert isinstance(data, tl.Dataset)\n"
        "figures = tl.key_figures(data.employment, data.holders, 2019, tl.resolve_region('Nouvelle-Aquitaine'))\n"
        "from tlanalysis import FRANCE, Region, load_dataset, key_figures\n"
        "assert isinstance(FRANCE, Region) and load_dataset is tl.load_dataset\n"
        "print('JOBS', figures['jobs']['total'], tl.__version__ != '')\n"
    )
    assert "JOBS " in out and out.strip().endswith("True"), out
    with pytest.raises(AttributeError):
        import tlanalysis

        _ = tlanalysis.no_such_name


def test_module_paths_of_0_1_still_import():
    out = run(
        "import warnings, tlanalysis as tl\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    from tlanalysis.indicators import key_figures\n"
        "    charts = tl.charts\n"
        "print('MOVED', key_figures is tl.key_figures, any(w.category is FutureWarning for w in caught))\n"
    )
    assert "MOVED True True" in out, out
