"""Fixtures of the plan's tests: the test network `n` and a small plan `p` (see plan/testing.py)."""

import pytest

from core.testing import build_network
from plan.testing import build_plan


@pytest.fixture
def n():
    return build_network()


@pytest.fixture
def p(n):
    return build_plan(n)
