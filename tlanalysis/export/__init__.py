"""Exports for funders, next to the HTML reports: a PDF of a report, PNG and SVG of its charts, an XLSX of
its key figures.

- `tlanalysis.export.pdf`: `html_to_pdf`, `PdfPrinter` (headless Chromium through Playwright);
- `tlanalysis.export.images`: `export_chart_images`, `ChartImageExporter` (kaleido, same Chromium);
- `tlanalysis.export.workbook`: `key_figures_workbook` (openpyxl).

The submodules are imported on demand (`from tlanalysis.export.pdf import PdfPrinter`), so that importing
this package needs neither Playwright nor kaleido.

Two rules every export follows:

* **A file under its final name is complete.** Bytes are written to a temporary file in the same folder,
  named like the build's (`.<name>.tmp-<pid>-<n>`, see `tlanalysis.atomic`) so an interrupted build
  cleans them up, then `os.replace`d onto the final name.
* **One browser for a batch.** Starting Chromium costs about a second or two; a PDF or an image from a
  browser already open costs a tenth of that. `PdfPrinter` and `ChartImageExporter` are context managers
  that keep one open; the one-shot functions open one when none is given.

Chromium is found by `find_chromium` (an explicit path, `BROWSER_PATH`, Debian's `/usr/bin/chromium`, or
`PATH`); nothing is downloaded. A missing browser is an `ExportError`, with what to install.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .. import atomic
from ..errors import TLAnalysisError


class ExportError(TLAnalysisError):
    """An export (PDF, image, workbook) could not be produced: no browser, a chart that never drew..."""


#: Where Debian and Ubuntu put Chromium; the first place looked at after an explicit choice.
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")

_EXECUTABLE_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_chromium(path: str | Path | None = None) -> Path:
    """The Chromium to drive: `path` if given, else `BROWSER_PATH`, else /usr/bin/chromium, else PATH.

    Raises ExportError when the browser named (or any browser) is not there. Nothing is downloaded:
    Playwright's and kaleido's own browser downloads are never used.
    """
    if path is not None:
        chosen = Path(path).expanduser()
        if not _is_executable(chosen):
            raise ExportError(
                f"Chromium not found at {chosen}: pass the path of an installed Chromium "
                "(Debian/Ubuntu: `apt-get install chromium`)"
            )
        return chosen
    env = os.environ.get("BROWSER_PATH")
    if env:
        chosen = Path(env).expanduser()
        if not _is_executable(chosen):
            raise ExportError(
                f"BROWSER_PATH={env} is not an executable; point it at an installed Chromium "
                "or unset it to use /usr/bin/chromium"
            )
        return chosen
    if _is_executable(DEFAULT_CHROMIUM):
        return DEFAULT_CHROMIUM
    for name in _EXECUTABLE_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ExportError(
        "no Chromium found for the PDF and image exports: install it (Debian/Ubuntu: "
        "`apt-get install chromium`) or set BROWSER_PATH to its executable"
    )


def write_bytes_atomic(final: Path, data: bytes) -> Path:
    """Write `data` to `final` through a temporary file in the same folder (see `tlanalysis.atomic`)."""
    final = Path(final)
    atomic.write_bytes(final, data)
    return final


__all__ = ["DEFAULT_CHROMIUM", "ExportError", "find_chromium", "write_bytes_atomic"]
