"""Reading workbooks: calamine against the other pandas engine of each format, side by side in one run.

Writes an employment sheet of 2k, 20k and 100k rows with openpyxl (as analysts' exports are),
then reads it through pandas with calamine and openpyxl; the same for .ods (2k and 20k rows,
written with odfpy) with calamine and odf. Cells are read as `tlanalysis.load.tables` reads them. The
ratios decide the engine `load.py` uses for each format. Usage: python benchmarks/bench_load.py
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

SIZES = (2_000, 20_000, 100_000)
ODS_SIZES = (2_000, 20_000)
REPEATS = 3
ENGINES = ("calamine", "openpyxl")
ODS_ENGINES = ("calamine", "odf")
RESULTS = Path(__file__).parent / "results"


def _write(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("employment")
    sheet.append(["year", "region", "tiers_lieu", "contract", "role", "count"])
    contracts, roles = ("CDI", "CDD", "alternance"), ("facilitation", "animation", "technique")
    for i in range(rows):
        sheet.append([2019 + i % 3, "75", f"Lieu {i % 500}", contracts[i % 3], roles[i % 7 % 3], 1 + i % 4])
    book.save(path)


def _write_ods(path: Path, rows: int) -> None:
    contracts, roles = ("CDI", "CDD", "alternance"), ("facilitation", "animation", "technique")
    frame = pd.DataFrame(
        {
            "year": [2019 + i % 3 for i in range(rows)],
            "region": "75",
            "tiers_lieu": [f"Lieu {i % 500}" for i in range(rows)],
            "contract": [contracts[i % 3] for i in range(rows)],
            "role": [roles[i % 7 % 3] for i in range(rows)],
            "count": [1 + i % 4 for i in range(rows)],
        }
    )
    frame.to_excel(path, engine="odf", sheet_name="employment", index=False)


def _read(path: Path, engine: str) -> float:
    start = time.perf_counter()
    frame = pd.read_excel(path, engine=engine, dtype=str, keep_default_na=False, header=None)
    elapsed = time.perf_counter() - start
    assert len(frame) > 1
    return elapsed


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in SIZES:
            path = Path(tmp) / f"employment-{rows}.xlsx"
            _write(path, rows)
            times = {e: statistics.median(_read(path, e) for _ in range(REPEATS)) for e in ENGINES}
            ratio = times["openpyxl"] / times["calamine"]
            results.append(
                {"format": "xlsx", "rows": rows, **{f"{e}_s": round(t, 4) for e, t in times.items()}, "ratio": ratio}
            )
            print(
                f"xlsx {rows:>7} rows: calamine {times['calamine']:.3f} s, openpyxl {times['openpyxl']:.3f} s "
                f"-> calamine {ratio:.1f}x faster",
                flush=True,
            )
        for rows in ODS_SIZES:
            path = Path(tmp) / f"employment-{rows}.ods"
            _write_ods(path, rows)
            times = {e: statistics.median(_read(path, e) for _ in range(REPEATS)) for e in ODS_ENGINES}
            ratio = times["odf"] / times["calamine"]
            results.append(
                {"format": "ods", "rows": rows, **{f"{e}_s": round(t, 4) for e, t in times.items()}, "ratio": ratio}
            )
            print(
                f"ods  {rows:>7} rows: calamine {times['calamine']:.3f} s, odf {times['odf']:.3f} s "
                f"-> calamine {ratio:.1f}x faster",
                flush=True,
            )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
