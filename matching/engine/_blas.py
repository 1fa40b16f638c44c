"""Keep the BLAS library single-threaded while the engine runs.

The engine's matrix products are small (a few hundred rows at a time) and it runs row blocks
on its own worker threads. A multi-threaded BLAS on such products mostly waits on its own
threads, and much more so when another process holds a core; one BLAS thread per worker is
several times faster. The previous setting is restored on exit.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SYMBOLS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)
_lock = threading.Lock()
_depth = 0
_saved: list[tuple[ctypes._CFuncPtr, int]] = []
_controls: list[tuple[ctypes._CFuncPtr, ctypes._CFuncPtr]] | None = None


def _loaded_libraries() -> list[str]:
    try:
        lines = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return []
    paths = {line.split()[-1] for line in lines if "openblas" in line.lower() and line.split()[-1].startswith("/")}
    return sorted(paths)


def _find_controls() -> list[tuple[ctypes._CFuncPtr, ctypes._CFuncPtr]]:
    found = []
    for path in _loaded_libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for set_name, get_name in _SYMBOLS:
            setter = getattr(lib, set_name, None)
            getter = getattr(lib, get_name, None)
            if setter is not None and getter is not None:
                setter.argtypes = [ctypes.c_int]
                setter.restype = None
                getter.argtypes = []
                getter.restype = ctypes.c_int
                found.append((setter, getter))
                break
    return found


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    global _depth, _controls  # noqa: PLW0603 - one process-wide setting, entered once
    with _lock:
        if _controls is None:
            _controls = _find_controls()
        if _depth == 0:
            _saved.clear()
            for setter, getter in _controls:
                _saved.append((setter, int(getter())))
                setter(1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                for setter, previous in _saved:
                    setter(previous)
