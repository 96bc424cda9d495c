"""The private state folder: what a build keeps between runs, never in the folder it publishes.

A build keeps things that must not be published: the validated data (every record), the protection of
its reports, what it built and how long each report took, its lock. They live in a state folder of
their own, chosen in this order:

* `--state-dir DIR` (`tlanalysis build`, `tlanalysis audit`), passed on to report kernels through
  `$TLANALYSIS_STATE_DIR`;
* `$TLANALYSIS_STATE_DIR`;
* the user's cache folder (`platformdirs.user_cache_dir("tlanalysis")`: `~/.cache/tlanalysis` on Linux,
  `~/Library/Caches/tlanalysis` on macOS, `%LOCALAPPDATA%\\tlanalysis\\Cache` on Windows).

Why a user cache folder: the state belongs to the analyst who builds, not to the site (it holds the
microdata: it must not travel with the output folder, be uploaded or zipped with it); everything in
it can be recomputed (deleting it only makes the next build a full one); and a cache folder is where
operating systems and backup tools expect such files. Records of data and protection are keyed by
content (the hashes of their sources), so a moved or copied output folder, or a moved data folder,
still finds them.

**Sealed records.** Whatever is read back is sealed when written (`write_sealed`): its files, then a
manifest with each file's SHA-256, the key of what the files were made from, and an HMAC of the
manifest under this state folder's own secret (`secret.key`: random, made on first use, readable by its
owner only). `read_sealed` returns the files only when the manifest's HMAC, its key and every file's
hash match, and raises `StateRejected` saying why otherwise: a tampered, truncated, stale or foreign
record (copied from another machine, planted in a shared folder) is never trusted; callers warn,
ignore it and compute again. Payloads are JSON or Parquet: nothing here can run code when read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from pathlib import Path

from . import atomic

#: Environment variable naming the state folder (set by the build for its report kernels).
ENV_VARIABLE = "TLANALYSIS_STATE_DIR"
#: Version of the manifest layout.
MANIFEST_FORMAT = 1
MANIFEST = "manifest.json"
SECRET = "secret.key"
#: Why `read_sealed` refuses a record that was never written (not worth a warning).
NOT_THERE = "not there"


class StateRejected(Exception):
    """A record of the state folder that may not be used (missing, tampered, stale or foreign)."""


def default_root() -> Path:
    """The user's cache folder for tlanalysis (see the module doc)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tlanalysis", appauthor=False))


def state_root(override: Path | str | None = None) -> Path:
    """The state folder: `override` (`--state-dir`), else $TLANALYSIS_STATE_DIR, else the user's cache."""
    if override is not None and str(override).strip():
        return Path(override).expanduser().resolve()
    from_env = os.environ.get(ENV_VARIABLE, "").strip()
    if from_env:
        return Path(from_env).expanduser().resolve()
    return default_root()


def key_digest(key: Mapping) -> str:
    """The name of a record: a hash of its key (what it was made from)."""
    from .provenance import json_sha256

    return json_sha256(dict(key))[:40]


def _secret(root: Path) -> bytes:
    """This state folder's HMAC key, made on first use (owner-only permissions)."""
    path = root / SECRET
    for _ in range(3):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b""
        if len(data) == 32:
            return data
        if data:  # a key that is not ours: start again with a new one (every record becomes stale)
            atomic.remove(path)
        root.mkdir(parents=True, exist_ok=True)
        temp = atomic.temp_path(path)
        try:
            descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(os.urandom(32))
            try:
                os.link(temp, path)  # never replaces a key another process made meanwhile
            except FileExistsError:
                pass
            except OSError:  # no hard links (some file systems): last writer wins
                os.replace(temp, path)
        finally:
            atomic.remove(temp)
    raise OSError(f"cannot make the state folder's secret key {path}")


def _mac(secret: bytes, manifest: Mapping) -> str:
    body = json.dumps({k: v for k, v in manifest.items() if k != "hmac"}, sort_keys=True, ensure_ascii=True)
    return hmac.new(secret, body.encode("ascii"), hashlib.sha256).hexdigest()


def write_sealed(folder: Path, kind: str, key: Mapping, files: Mapping[str, bytes], root: Path) -> Path:
    """Write `files` (name -> bytes) into `folder`, then their manifest (written last, atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic.remove(folder / MANIFEST)  # a reader never pairs an old manifest with new files
    for name, data in files.items():
        atomic.write_bytes(folder / name, data)
    manifest: dict = {
        "format": MANIFEST_FORMAT,
        "kind": kind,
        "key": dict(key),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    manifest["hmac"] = _mac(_secret(root), manifest)
    atomic.write_text(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, sort_keys=True) + "\n")
    return folder


def read_sealed(folder: Path, kind: str, key: Mapping | None, root: Path) -> tuple[dict[str, bytes], dict]:
    """The files of a sealed record and its key, checked (see the module doc): the record must be named
    after its key (`key_digest`), be signed by this state folder, and equal `key` when one is given.
    Raises StateRejected otherwise."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StateRejected(NOT_THERE) from None
    except (OSError, ValueError) as exc:
        raise StateRejected(f"its manifest cannot be read ({type(exc).__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise StateRejected("its manifest is not one tlanalysis writes")
    try:
        secret = _secret(root)
    except OSError as exc:
        raise StateRejected(f"the state folder's key cannot be read ({exc.strerror or exc})") from None
    if not hmac.compare_digest(str(manifest.get("hmac", "")), _mac(secret, manifest)):
        raise StateRejected("it is not signed by this state folder (edited by hand, or copied from elsewhere)")
    stored_key = manifest.get("key")
    if manifest.get("kind") != kind or not isinstance(stored_key, dict) or key_digest(stored_key) != folder.name:
        raise StateRejected("it is not the record its name says")
    if key is not None and stored_key != dict(key):
        raise StateRejected("it was made from other sources")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise StateRejected("its manifest lists no files")
    out: dict[str, bytes] = {}
    for name, digest in files.items():
        if Path(name).name != name:
            raise StateRejected("its manifest names a file outside its folder")
        try:
            data = (folder / name).read_bytes()
        except OSError:
            raise StateRejected(f"{name} is missing") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise StateRejected(f"{name} does not match its content hash (edited or damaged)")
        out[name] = data
    return out, stored_key


__all__ = [
    "ENV_VARIABLE",
    "StateRejected",
    "default_root",
    "key_digest",
    "read_sealed",
    "state_root",
    "write_sealed",
]
