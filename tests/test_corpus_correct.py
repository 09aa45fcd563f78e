"""The values blocks of the correct-answer corpus (:mod:`tests.corpus_correct`, every kind of reference, with the
published model outputs): every section is judged right through the default profile (a completion scored, not only
the judge), in process and, for a sample, over HTTP; the pending ones are still missed (a fix moves them in)."""

from __future__ import annotations

import pytest

from service.rewards import PROFILES
from service.rewards.score import CoreReference, PreparedGroup, Settings
from tests.conftest import start_server
from tests.corpus_correct import PENDING, PUBLIC, VALUES
from tests.test_answers_served import HEAD, served_verdicts

SAMPLE_EVERY = 6


def judged(section: str, reference: str, choices: dict[str, str] | None) -> dict:
    """The answer explanation of a structured completion with this final-answer section, under the default profile."""
    group = PreparedGroup(CoreReference(reference, [["work"]], choices), PROFILES["stepgrpo"], Settings())
    result = group.score(HEAD + section, explain=True)
    assert result["explanation"] is not None
    return result["explanation"]["answer"]


def test_the_corpus_covers_every_kind_and_enough_sections():
    assert len(VALUES) >= 300
    assert len(PUBLIC) >= 100
    assert sum(len(section) > 200 for section, _, _ in VALUES) >= 20
    assert sum("boxed" in section for section, _, _ in VALUES) >= 20


def test_every_correct_section_is_judged_right():
    missed = []
    for case in VALUES:
        verdict = judged(*case)
        if not verdict["correct"]:
            missed.append((case, verdict["rule"], verdict["method"], verdict["detail"]))
    assert not missed, "\n".join(map(repr, missed))


def test_pending_sections_are_still_missed():
    """When one of these is judged right, move it from PENDING into the corpus."""
    now_right = [case for case in PENDING if judged(*case)["correct"]]
    assert not now_right, "\n".join(map(repr, now_right))


@pytest.fixture(scope="module")
def url():
    server = start_server("--workers", "2", "--deadline", "20", "--max-groups", "300", "--max-trajectories", "300")
    yield server.url
    server.stop()


def test_a_sample_of_the_corpus_is_judged_right_over_http(url):
    sample = VALUES[::SAMPLE_EVERY]
    verdicts = served_verdicts(url, [(reference, section, choices) for section, reference, choices in sample])
    missed = [(case, v["rule"]) for case, v in zip(sample, verdicts, strict=True) if not v["correct"]]
    assert not missed, "\n".join(map(repr, missed))
