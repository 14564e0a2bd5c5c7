"""The bounds the hostile-input tests hold each case to can fail: a child that touches more
than :data:`~tests.integration.bounds.MEMORY`, burns CPU or asks for more address space
than its cap is caught, and what it held before the fork is not counted."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from .bounds import MEMORY, assert_within_bounds, bounded_call


def test_memory_touched_in_the_child_is_counted_and_fails_the_bound():
    def touch() -> int:
        block = np.ones(int(1.25 * MEMORY) // 8)  # written, so resident
        return int(block[-1])

    value, cost = bounded_call(touch)
    assert value == 1 and cost["added_bytes"] >= 1.2 * MEMORY, cost
    with pytest.raises(AssertionError):
        assert_within_bounds(cost)


def test_what_the_parent_holds_before_the_fork_is_not_counted():
    held = np.ones((256 << 20) // 8)  # 256 MiB resident in the parent
    _, cost = bounded_call(lambda: float(held[::4096].sum()))
    assert cost["added_bytes"] < (32 << 20), cost
    assert_within_bounds(cost)


def test_cpu_time_is_the_childs_own():
    def spin() -> None:
        end = time.process_time() + 0.3
        while time.process_time() < end:
            pass

    _, cost = bounded_call(spin)
    assert cost["seconds"] >= 0.3 and cost["wall_seconds"] >= 0.3, cost


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the cap is sized from Linux's VmSize")
def test_an_allocation_beyond_the_address_space_cap_is_a_memory_error_not_a_swap_storm():
    with pytest.raises(MemoryError):
        bounded_call(lambda: np.empty(64 << 30, dtype=np.uint8))
