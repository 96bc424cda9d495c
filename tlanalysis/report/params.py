"""Checking the parameters of the report notebook.

papermill does not check types: `-p` values are read as YAML, so `-p region 04`
arrives as the integer 4 and `-p year "2019"` may arrive as text. The notebook's
first step is `validate_parameters`, which either returns clean parameters or
raises a `ParameterError` whose message says what to type instead; the
notebook then fails on that message, not deep inside a chart.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from pathlib import Path

from ..compute.certification import DEFAULT_TARGET_JOBS, check_target_jobs
from ..config import DEFAULT_MIN_COUNT, SAMPLE_DATA_DIR
from ..errors import ParameterError, UsageError
from ..reference import Region, find_region
from ..validate.dataset import Dataset, load_dataset
from ..validate.selection import check_selection
from .brand import HOUSE, Brand, find_brand
from .charts import RENDERS


@dataclass(frozen=True, eq=False)
class ReportParameters:
    """The parameters of one report, checked: the data is loaded and holds the (year, region) asked for."""

    year: int
    region: Region
    data_dir: Path
    dataset: Dataset
    render: str = "interactive"
    min_count: int = DEFAULT_MIN_COUNT
    #: The private state folder holding the build's validated data and protection (`state_key` given):
    #: protections are read from it (checked) rather than computed; None: compute them.
    state_root: Path | None = None
    #: What « le métier visé » means in the certification report (situation codes, checked).
    target_jobs: tuple[str, ...] = DEFAULT_TARGET_JOBS
    #: The network's brand (`report.brand`): the given brand file, the data folder's `_brand.yml`, or the
    #: house look.
    brand: Brand = HOUSE

    @property
    def is_national(self) -> bool:
        return self.region.is_national

    @property
    def slug(self) -> str:
        """Identifies the report in ids and file names: "75-2019", "france-2019"."""
        return f"{'france' if self.is_national else self.region.code}-{self.year}"


def _whole_number(name: str, value: object, example: str) -> int:
    """An int from an int or a text of digits; anything else is a ParameterError."""
    if isinstance(value, bool):
        raise ParameterError(f"{name}={value!r} is a boolean; pass a whole number, e.g. `-p {name} {example}`")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, numbers.Real):
        raise ParameterError(f"{name}={value!r} is not a whole number; pass e.g. `-p {name} {example}`")
    raise ParameterError(
        f"{name}={value!r} ({type(value).__name__}) is not a whole number; pass e.g. `-p {name} {example}`"
    )


def _region_text(value: object) -> str:
    """The region parameter as text, or a ParameterError explaining papermill's YAML typing."""
    if isinstance(value, str):
        if not value.strip():
            raise ParameterError(
                "region is empty; pass a region name or code, e.g. `-r region 75`, "
                "or `-r region France` for the national report"
            )
        return value
    if isinstance(value, bool) or value is None:
        raise ParameterError(
            f"region={value!r} is not a region; pass a region name or code as text, e.g. `-r region 75`"
        )
    if isinstance(value, numbers.Integral):
        code = f"{int(value):02d}"
        region = find_region(code)
        cause = (
            f"papermill turned '{code}' into {value}"
            if code != str(value)
            else "papermill reads `-p` values as YAML, so a code arrives as a number"
        )
        named = f" ({region.name})" if region else ""
        raise ParameterError(f"region={value} is a number: {cause}; pass it as text with `-r region {code}`{named}")
    raise ParameterError(
        f"region={value!r} ({type(value).__name__}) is not text; pass a region name or code "
        "as text, e.g. `-r region 75`"
    )


def _data_dir(value: object) -> Path:
    if value is None or (isinstance(value, str) and not value.strip()):
        return SAMPLE_DATA_DIR
    if not isinstance(value, (str, Path)):
        raise ParameterError(f"data_dir={value!r} is not a folder path; pass text, e.g. `-p data_dir /path/to/data`")
    path = Path(value).expanduser()
    if not path.is_dir():
        where = "" if path.is_absolute() else f" (relative to the notebook's working directory {Path.cwd()})"
        raise ParameterError(
            f"data_dir: folder not found: {path}{where}; pass an absolute path, "
            "or leave data_dir empty for the bundled example data"
        )
    return path.resolve()


def _load_cached(folder: Path, drop_personal_columns: bool, mapping: Path | None = None) -> Dataset:
    """The dataset of a folder, read again only when one of its files changed (a build worker
    makes several reports from the same data)."""
    files = [p for p in folder.iterdir() if p.is_file()] + ([mapping] if mapping is not None else [])
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    key = (folder, drop_personal_columns, mapping, stamp)
    if key not in _DATASETS:
        _DATASETS.clear()
        _DATASETS[key] = load_dataset(folder, drop_personal_columns, mapping)
    return _DATASETS[key]


def _state_key(value: object) -> str | None:
    """The `state_key` parameter: the hash naming the build's validated data in the state folder."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or not all(c in "0123456789abcdef" for c in value.strip()):
        raise ParameterError(f"state_key={value!r} is not a key of a build's state; leave it empty to read data_dir")
    return value.strip()


def _from_state(
    key: str, data_dir: object, drop_personal_columns: bool, mapping: Path | None
) -> tuple[Dataset, Path | None]:
    """The build's validated data by its key (from this process, or the private state folder, checked);
    when it is not there (another machine, a cleared cache) or fails its checks, the data folder given
    as `data_dir` is read instead."""
    from ..state import StateRejected, state_root
    from ..validate import store

    root = state_root()
    try:
        return store.load(key, root), root
    except StateRejected as exc:
        if data_dir is None or (isinstance(data_dir, str) and not data_dir.strip()):
            raise ParameterError(
                f"the validated data of this report (state_key {key[:12]}…) is not in the state folder of this "
                f"machine ({exc}); pass -p data_dir FOLDER to read the data, and leave state_key empty"
            ) from None
    return _load_cached(_data_dir(data_dir), drop_personal_columns, mapping), None


def _mapping_file(value: object) -> Path | None:
    """The `mapping` parameter: None (the folder's tlanalysis.toml if any) or an existing file."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, (str, Path)):
        raise ParameterError(
            f"mapping={value!r} is not a file path; pass text, e.g. `-p mapping /path/tlanalysis.toml`"
        )
    path = Path(value).expanduser()
    if not path.is_file():
        raise ParameterError(f"mapping: file not found: {path}; pass the path of a tlanalysis.toml, or leave it empty")
    return path.resolve()


_DATASETS: dict[tuple, Dataset] = {}


def _target_jobs(value: object) -> tuple[str, ...]:
    """The `target_jobs` parameter: a list of situation codes, or one text of them comma-separated
    (`-p target_jobs facilitation,autre_coordination`), as `--target-job` takes them."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ParameterError(
            f"target_jobs={value!r} is not a list of situation codes; pass e.g. "
            "`-y 'target_jobs: [facilitation, autre_coordination]'`"
        )
    try:
        return check_target_jobs(value)
    except UsageError as exc:
        raise ParameterError(f"target_jobs: {exc}") from None


def _stored_brand(key: object) -> Brand:
    """The brand a build kept in the private state folder (`brand_key`)."""
    from ..state import StateRejected, state_root
    from .brand import stored_brand

    if not isinstance(key, str):
        raise ParameterError(f"brand_key={key!r} must be the text a build writes")
    try:
        return stored_brand(key, state_root())
    except StateRejected as exc:
        raise ParameterError(
            f"the brand of this report (brand_key {key[:12]}…) is not in the state folder of this machine ({exc}); "
            "pass -p brand_file FILE instead, and leave brand_key empty"
        ) from None


def _brand_path(value: object, folder: Path) -> Path | None:
    """The brand file: as given (absolute, or relative to the current folder), else relative to the data
    folder's parent, where the build writes it from (kernels run there; its other processes do not)."""
    if not value:
        return None
    path = Path(str(value))
    if path.is_absolute() or path.is_file():
        return path
    beside = Path(folder).parent / path
    return beside if beside.is_file() else path


def validate_parameters(
    year: object,
    region: object,
    data_dir: object = None,
    render: object = "interactive",
    min_count: object = DEFAULT_MIN_COUNT,
    drop_personal_columns: object = False,
    mapping: object = None,
    target_jobs: object = DEFAULT_TARGET_JOBS,
    state_key: object = None,
    brand_file: object = None,
    brand_key: object = None,
) -> ReportParameters:
    """Check the notebook's parameters, load the data and check it holds (year, region).

    - year: a whole number or a text of digits ("2019");
    - region: text (name, INSEE code such as "04", ISO code, or "France" for all
      regions); a number means papermill dropped a leading zero or read a code as YAML;
    - data_dir: a folder; None or "" means the bundled example data, wherever the
      notebook runs from;
    - render: "interactive" (JupyterLab, `fig.show()`) or "report" (the build);
    - min_count: the smallest number of holders a published figure may rest on;
    - drop_personal_columns: ignore holders' columns that look like personal data instead of
      refusing the file;
    - mapping: a mapping file (tlanalysis.toml) saying how to read the folder's files; None means
      the folder's own tlanalysis.toml if there is one.
    - target_jobs: the situations « le métier visé » means in the certification report (a list of
      codes of `schema.EMPLOYED_SITUATIONS`, or one text of them comma-separated);
    - state_key: set by `tlanalysis build`, the hash naming its validated data in the private state
      folder (`tlanalysis.state`; no path of the machine in a published notebook): the data and the
      protections are read from there, checked against their content hashes and sources; without it
      (or where the state is not), data_dir is read and the protection computed here.
    - brand_file: a brand.yml file (the network's name, logo, colours, fonts); None or "" means the data
      folder's own `_brand.yml` if there is one, else the house look;
    - brand_key: set by `tlanalysis build --brand FILE`: the brand it checked, kept in the private state
      folder under this key (no path of the machine in a published notebook).

    Raises ParameterError (or DataError for invalid data files) with a message meant for the user.
    """
    if render not in RENDERS:
        raise ParameterError(f"render={render!r} must be one of {', '.join(map(repr, RENDERS))}")
    year_value = _whole_number("year", year, "2019")
    min_count_value = _whole_number("min_count", min_count, str(DEFAULT_MIN_COUNT))
    if min_count_value < 1:
        raise ParameterError(f"min_count={min_count_value} must be at least 1")
    region_text = _region_text(region)
    if not isinstance(drop_personal_columns, bool):
        raise ParameterError(f"drop_personal_columns={drop_personal_columns!r} must be True or False")
    jobs = _target_jobs(target_jobs)
    key = _state_key(state_key)
    root: Path | None = None
    if key is not None:
        dataset, root = _from_state(key, data_dir, drop_personal_columns, _mapping_file(mapping))
        # the folder this report was asked for (its texts, its _brand.yml): the stored data may have been
        # validated from a copy of the same files elsewhere
        given = Path(data_dir) if isinstance(data_dir, str | Path) and str(data_dir).strip() else None
        folder = given.resolve() if given is not None and given.is_dir() else dataset.data_dir
    else:
        folder = _data_dir(data_dir)
        dataset = _load_cached(folder, drop_personal_columns, _mapping_file(mapping))
    try:
        selected = check_selection(dataset, year_value, region_text)
    except ParameterError:
        raise
    except UsageError as exc:
        raise ParameterError(str(exc)) from None
    if brand_file is not None and not isinstance(brand_file, str | Path):
        raise ParameterError(f"brand_file={brand_file!r} must be the path of a brand.yml file")
    brand = _stored_brand(brand_key) if brand_key else find_brand(folder, _brand_path(brand_file, folder))
    return ReportParameters(year_value, selected, folder, dataset, str(render), min_count_value, root, jobs, brand)
