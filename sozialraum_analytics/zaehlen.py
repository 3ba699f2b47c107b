"""Compiled loops without the GIL, so that the engine's threads count side by side.

numpy's ``bincount`` holds the GIL while it counts (with weights, for much of the time), so the engine's
threads (the levels' durations beside the counts) wait for each other there. :func:`bincount` is the
same function, compiled with numba and run without the GIL for large inputs; small ones go to numpy.
Same results: counts as integers, weighted sums added in the order of the rows.

:func:`kompiliert` compiles the package's other loops (:mod:`.dauer`, :mod:`.textspalten`) the same way:
on first use (numba is imported only then), without the GIL, the machine code cached on disk beside the
package (or in the user's cache where that is not writable).
"""

from __future__ import annotations

from functools import cache

import numpy as np

# Below this many values numpy counts (no compiled code is loaded for small Kreise and tests).
GRENZE = 50_000


def bincount(x: np.ndarray, weights: np.ndarray | None = None, minlength: int = 0) -> np.ndarray:
    """As :func:`numpy.bincount` (non-negative integers; a negative one is an error).

    >>> bincount(np.array([0, 2, 2]), minlength=4).tolist(), bincount(np.array([1, 1]), np.array([0.5, 2.0])).tolist()
    ([1, 0, 2, 0], [0.0, 2.5])
    """
    x = np.asarray(x)
    if len(x) < GRENZE or x.dtype.kind not in "iu":
        return np.bincount(x, weights, minlength)
    if x.dtype.kind == "i" and int(x.min()) < 0:
        raise ValueError("'list' argument must have no negative elements")
    size = max(int(minlength), int(x.max()) + 1)
    if weights is None:
        return kompiliert(_zaehlen)(x, size)
    return kompiliert(_summieren)(x, np.asarray(weights, dtype=np.float64), size)


def _zaehlen(x, size):  # noqa: ANN001, ANN202 - compiled by kompiliert
    out = np.zeros(size, np.int64)
    for i in range(x.shape[0]):
        out[x[i]] += 1
    return out


def _summieren(x, weights, size):  # noqa: ANN001, ANN202 - compiled by kompiliert
    out = np.zeros(size, np.float64)
    for i in range(x.shape[0]):
        out[x[i]] += weights[i]
    return out


@cache
def kompiliert(funktion):  # noqa: ANN001, ANN201 - a plain Python function of numbers and arrays; a numba dispatcher
    """``funktion`` compiled by numba without the GIL (once per process; its machine code cached on disk).

    The Python function stays the readable definition; the compiled one gives the same results.
    """
    from numba import njit

    return njit(nogil=True, cache=True)(funktion)
