"""Two instances of the app share one rate limit: a client's writes to both count together."""

from __future__ import annotations

import pytest

from .client import new_client
from .two_instances import RATE_LIMIT

pytestmark = [pytest.mark.e2e, pytest.mark.multi_instance]


def test_the_rate_limit_holds_for_both_instances_together(one_and_other):
    write = new_client(one_and_other[0])
    # Writes the limiter counts (their bodies are invalid, so nothing is stored), to each
    # instance in turn.
    refused = [write(one_and_other[n % 2], {}).status == 429 for n in range(2 * RATE_LIMIT)]
    # Per-instance counters would let every write through: RATE_LIMIT to each instance.
    assert refused == [False] * RATE_LIMIT + [True] * RATE_LIMIT
