"""How the C allocator keeps memory, set by the entry points (dashboard, command line, benchmark).

numpy takes its arrays from glibc's ``malloc``. By default glibc hands a freed block of more than
128 KB (a threshold that moves up to 32 MB) straight back to the system and trims the heap above
128 KB, so the next array of that size is new memory that the kernel must map and zero page by page.
Reading and computing a million case rows makes and frees hundreds of such arrays: measured on the
benchmark's file, about 60,000 page faults per run and a third of the duration figures' time.

:func:`einrichten` keeps freed memory in the process instead (``mallopt``, the settings
``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_`` and ``MALLOC_ARENA_MAX`` set at run time):

- blocks up to 32 MB (glibc's largest threshold) come from the heap and go back to it;
- the heap is trimmed only above 256 MB of free memory at its top;
- two arenas at most, so that the reader's and the engine's threads do not each keep their own.

The peak memory stays the same (the freed blocks are used again); the process just does not shrink
between two computations.

Arrow's buffers (the CSV reader's columns, every Arrow string column of the frames) come from its own
default allocator, mimalloc in the pyarrow wheels, which returns freed pages to the system the same way:
measured on the benchmark's file, 55,000 page faults per run of the pipeline and about a fifth more CPU
time than with glibc's allocator set as above (53 page faults). So where the settings above are made,
Arrow's default pool becomes the system allocator too. On other systems than Linux with glibc nothing is set.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

MMAP_SCHWELLE = 32 * 1024 * 1024  # glibc's largest (HEAP_MAX_SIZE / 2 on 64-bit systems)
TRIM_SCHWELLE = 256 * 1024 * 1024
ARENEN = 2

_eingerichtet: bool | None = None


def einrichten() -> bool:
    """Set the allocator as described above (once per process); True where it was set (glibc)."""
    global _eingerichtet
    if _eingerichtet is None:
        _eingerichtet = _mallopt({_M_MMAP_THRESHOLD: MMAP_SCHWELLE, _M_TRIM_THRESHOLD: TRIM_SCHWELLE,
                                  _M_ARENA_MAX: ARENEN})
        if _eingerichtet:
            import pyarrow as pa

            pa.set_memory_pool(pa.system_memory_pool())  # Arrow's buffers from the allocator set above
    return _eingerichtet


def _mallopt(settings: dict[int, int]) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt  # glibc; musl has none
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return all(mallopt(option, value) == 1 for option, value in settings.items())
