"""A response's histogram values observed at once (:func:`service.ops.metrics.observe_each`) expose exactly what one
``observe`` per value exposes: the same bucket counts and, added in the same order, the same sum to the last bit."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Histogram, generate_latest

from service.ops.metrics import _SCORE_BUCKETS, observe_each

ON_BOUNDS = st.sampled_from([*_SCORE_BUCKETS, -1.0, 0.3, 1e-17, math.inf, -math.inf, math.nan])
AMOUNTS = st.lists(st.one_of(ON_BOUNDS, st.floats(-20, 20), st.integers(0, 70000)), max_size=60)


def _histograms() -> tuple[CollectorRegistry, Histogram, Histogram]:
    registry = CollectorRegistry()
    labelled = Histogram("labelled", "by label", ["run"], buckets=_SCORE_BUCKETS, registry=registry)
    plain = Histogram("plain", "no labels", buckets=_SCORE_BUCKETS, registry=registry)
    return registry, labelled.labels("a"), plain


def _exposed(registry: CollectorRegistry) -> list[str]:
    return [line for line in generate_latest(registry).decode().splitlines() if "_created" not in line]


@given(st.lists(AMOUNTS, max_size=4))
def test_observe_each_exposes_what_observe_does(responses: list[list[float]]) -> None:
    one_by_one, labelled, plain = _histograms()
    for amounts in responses:
        for amount in amounts:
            labelled.observe(amount)
            plain.observe(amount)
    at_once, labelled, plain = _histograms()
    for amounts in responses:
        observe_each(labelled, amounts)
        observe_each(plain, amounts)
    assert _exposed(at_once) == _exposed(one_by_one)
