"""Results for cells: NaN and infinity never reach a cell, and identical calls are cached.

xlwings keeps no result cache for worksheet functions (xlwings issue #1981); this is a
bounded LRU (``cachetools.LRUCache``) keyed on the function name and its normalised
arguments. Values are stored cleaned and frozen (tuples of tuples) and handed out as new
lists, so a caller changing a result cannot change what the next call gets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import cachetools

from alfa_xl.book.values import clean_result
from alfa_xl.excel import ranges
from alfa_xl.excel.cells import freeze

__all__ = ["ResultCache", "CACHE", "cached", "cache_clear", "cache_info"]


def _thaw(value: Any) -> Any:
    if type(value) is tuple:
        return [list(r) if type(r) is tuple else r for r in value]
    return value


class ResultCache:
    """Bounded least-recently-used cache of worksheet results (``cachetools.LRUCache``
    under a lock, with hit and miss counts).

    Parameters
    ----------
    maxsize : int
        Most results kept; the least recently used goes first.
    """

    def __init__(self, maxsize: int = 512):
        self.maxsize = int(maxsize)
        self._data: cachetools.LRUCache = cachetools.LRUCache(maxsize=self.maxsize)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result for ``key``, computing and storing it on a miss."""
        try:
            with self._lock:
                frozen = self._data[key]
                self.hits += 1
            return _thaw(frozen)
        except KeyError:
            pass
        except TypeError:  # unhashable key: compute without caching
            return clean_result(compute())
        import numpy as np  # already loaded by the engine

        with np.errstate(all="ignore"):  # undefined values become empty cells, not warnings
            frozen = freeze(clean_result(compute()))
        with self._lock:
            self.misses += 1
            self._data[key] = frozen
        return _thaw(frozen)

    def clear(self) -> None:
        """Forget every result and reset the counters."""
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def info(self) -> dict[str, int]:
        """``{"hits", "misses", "size", "maxsize"}``."""
        return {"hits": self.hits, "misses": self.misses, "size": len(self._data), "maxsize": self.maxsize}

    def __len__(self) -> int:
        return len(self._data)


#: The cache shared by every worksheet function of the process.
CACHE = ResultCache()


def cached(key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()`` cleaned, served from :data:`CACHE` under ``key`` (a fresh copy each
    call). ``key`` must hold the function name and every normalised argument."""
    return CACHE.get(key, compute)


def cache_clear() -> None:
    """Empty the shared result cache and the parsed scenario and lineup ranges."""
    CACHE.clear()
    ranges.clear()


def cache_info() -> dict[str, int]:
    """Hits, misses, size and capacity of the shared result cache."""
    return CACHE.info()
