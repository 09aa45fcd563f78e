"""The releases each integration was checked against: the service's /v1/info reports them and the docs name
them; tests/test_integration_versions.py keeps the three in step with the saved facts of each release."""

from __future__ import annotations

CHECKED_AGAINST = {
    "trl": "1.16.0",
    "verl": "0.7.0, 0.7.1, 0.8.0, 0.9.1",
    "openrlhf": "0.11.1, 0.11.2",
    "ray": "2.60.0",
}
"""TRL and Ray: the versions the tests ran; verl and OpenRLHF: the releases whose source the saved facts were
read from (tests/data/trainer_configs/)."""
