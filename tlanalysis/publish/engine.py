"""A papermill engine that runs a notebook's cells in this process, through IPython.

papermill still does everything around the execution: it reads the notebook, injects the parameters,
records the run in the notebook's metadata (start, end, duration and status of each cell), marks the
failing cell, raises `PapermillExecutionError` and writes the executed notebook. Only the cells run
here, in an IPython `InteractiveShell` of this process rather than in a kernel: magics, `display`, rich
reprs and tracebacks work as in a kernel, and their outputs are written into the cells as a kernel's
would be (streams, `display_data`, `execute_result`, `error`).

Running in-process makes sense in a process forked for one report (`publish.fork`): the parent has
imported everything and loaded the data, the child runs the cells and exits, and copy-on-write gives
each report the isolation of a fresh kernel. It is registered under papermill's engine entry point
(`papermill.engine` in pyproject.toml, as ploomber-engine does), so it can be used by hand too:

    papermill notebooks/annual_report.ipynb out.ipynb --engine tlanalysis-inprocess -p year 2019

(then cells share the calling process: no timeout, no isolation between two runs in one process).

Keyword arguments the build gives (papermill hands them to the engine): `published_as` (the executed
notebook's path in the site, written in its metadata instead of a path of this machine) and `on_cell`
(called with each cell's index before it runs, so that the parent knows where a child that died was).

Importing this module is cheap (papermill loads every engine entry point when it is imported).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENGINE_NAME = "tlanalysis-inprocess"

#: The outputs of the cell running now (None between cells).
_current: list | None = None
_shell: Any = None


def _append(output: dict) -> None:
    if _current is not None:
        _current.append(output)


class _CellStream(io.TextIOBase):
    """sys.stdout / sys.stderr while a cell runs: text becomes the cell's stream outputs."""

    def __init__(self, name: str, fallback):
        self.name = name
        self._fallback = fallback

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        if not isinstance(text, str):
            text = str(text)
        if not text:
            return 0
        if _current is None:
            return self._fallback.write(text)
        from nbformat.v4 import new_output

        last = _current[-1] if _current else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == self.name:
            last["text"] += text
        else:
            _current.append(new_output("stream", name=self.name, text=text))
        return len(text)

    @property
    def encoding(self):  # type: ignore[override]
        return "utf-8"

    def isatty(self) -> bool:
        return False


def shell():
    """This process's IPython shell for in-process cells (made once; a forked child inherits it)."""
    global _shell
    if _shell is not None:
        return _shell
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from nbformat.v4 import new_output
    from traitlets import Type
    from traitlets.config import Config

    class CellDisplayPublisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            output = new_output("display_data", data=dict(data), metadata=dict(metadata or {}))
            display_id = (transient or {}).get("display_id")
            if display_id and _current is not None:
                output.setdefault("transient", {})["display_id"] = display_id
                if update:
                    for index, old in enumerate(_current):
                        if old.get("transient", {}).get("display_id") == display_id:
                            _current[index] = output
                    return
            _append(output)

        def clear_output(self, wait=False):
            if _current is not None:
                _current.clear()

    class CellDisplayHook(DisplayHook):
        def start_displayhook(self):
            pass

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            _append(
                new_output(
                    "execute_result",
                    data=dict(format_dict),
                    metadata=dict(md_dict or {}),
                    execution_count=_shell.execution_count if _shell is not None else None,
                )
            )

        def finish_displayhook(self):
            pass

    class CellShell(InteractiveShell):
        def _showtraceback(self, etype, evalue, stb):
            _append(
                new_output("error", ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue), traceback=stb)
            )

        display_pub_class = Type(CellDisplayPublisher)
        displayhook_class = Type(CellDisplayHook)

    config = Config()
    config.HistoryManager.enabled = False  # no sqlite file, no history thread (the process forks)
    config.InteractiveShell.colors = "Linux"  # tracebacks coloured as a kernel's
    config.InteractiveShell.xmode = "Context"
    _shell = CellShell.instance(config=config)
    return _shell


def run_cells(nb_man, on_cell: Callable[[int], None] | None = None) -> None:
    """Run every code cell of papermill's managed notebook in `shell()`, stopping at the first error
    (as papermill's nbclient engine does)."""
    global _current
    from nbformat.v4 import output_from_msg  # noqa: F401  (nbformat's output helpers, warm)

    ip = shell()
    saved = sys.stdout, sys.stderr
    streams = _CellStream("stdout", saved[0]), _CellStream("stderr", saved[1])
    try:
        for index, cell in enumerate(nb_man.nb.cells):
            if on_cell is not None:
                on_cell(index)
            nb_man.cell_start(cell, index)
            failed = None
            try:
                if cell.cell_type != "code":
                    continue
                cell.outputs = _current = []
                sys.stdout, sys.stderr = streams
                try:
                    count = ip.execution_count
                    result = ip.run_cell(cell.source, store_history=True, silent=False)
                finally:
                    sys.stdout, sys.stderr = saved
                    _current = None
                cell.execution_count = count
                for output in cell.outputs:
                    output.pop("transient", None)
                failed = result.error_before_exec or result.error_in_exec
                if failed is not None:
                    if not any(o.get("output_type") == "error" for o in cell.outputs):
                        cell.outputs.append(_error_output(failed))
                    nb_man.cell_exception(cell, index, exception=failed)
            finally:
                nb_man.cell_complete(cell, index)
            if failed is not None:
                break
    finally:
        sys.stdout, sys.stderr = saved
        _current = None


def _error_output(exc: BaseException) -> dict:
    import traceback

    from nbformat.v4 import new_output

    return new_output(
        "error",
        ename=type(exc).__name__,
        evalue=str(exc),
        traceback=traceback.format_exception(type(exc), exc, exc.__traceback__),
    )


def _engine_class():
    from papermill.engines import Engine

    class InProcessEngine(Engine):
        """papermill engine: the cells run in this process's IPython shell (see the module doc)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            published_as = kwargs.get("published_as")
            if published_as:  # the notebook is published: no path of this machine in its metadata
                meta = nb_man.nb.metadata.papermill
                meta["input_path"] = Path(str(kwargs.get("input_path") or "")).name
                meta["output_path"] = published_as
            run_cells(nb_man, kwargs.get("on_cell"))

        @classmethod
        def nb_kernel_name(cls, nb, name=None):
            return name or nb.metadata.get("kernelspec", {}).get("name") or "python3"

        @classmethod
        def nb_language(cls, nb, language=None):
            info = nb.metadata.get("kernelspec", {}).get("language") or nb.metadata.get("language_info", {}).get("name")
            return language or info or "python"

    return InProcessEngine


def __getattr__(name: str):
    # papermill imports the entry point's object; the engine class needs papermill, imported on demand
    if name == "InProcessEngine":
        value = _engine_class()
        globals()[name] = value
        return value
    raise AttributeError(name)
