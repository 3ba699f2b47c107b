"""The compiled ``bincount`` (issue 18) gives numpy's results, also where it is compiled (large inputs)."""

from __future__ import annotations

import numpy as np
import pytest

from sozialraum_analytics import zaehlen


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint16])
def test_bincount_like_numpy_above_the_limit(dtype):
    rng = np.random.default_rng(18)
    n = zaehlen.GRENZE * 3
    x = rng.integers(0, min(100, np.iinfo(dtype).max), n).astype(dtype)
    gewichte = rng.random(n)
    np.testing.assert_array_equal(zaehlen.bincount(x, minlength=500), np.bincount(x, minlength=500))
    np.testing.assert_array_equal(zaehlen.bincount(x, gewichte), np.bincount(x, gewichte))  # added in row order
    assert zaehlen.bincount(x, minlength=500).shape == (500,)
    assert zaehlen.bincount(x).sum() == n


def test_hand_worked_counts_and_the_negative_refused():
    x = np.zeros(zaehlen.GRENZE, dtype=np.int64)
    x[:3] = [4, 4, 2]  # 49,997 zeros, one 2, two 4s
    assert zaehlen.bincount(x).tolist() == [zaehlen.GRENZE - 3, 0, 1, 0, 2]
    assert zaehlen.bincount(x, np.full(len(x), 0.5)).tolist() == [(zaehlen.GRENZE - 3) / 2, 0, 0.5, 0, 1.0]
    x[7] = -1
    with pytest.raises(ValueError):
        zaehlen.bincount(x)
