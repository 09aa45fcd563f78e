from __future__ import annotations

import pytest

from service.ops.config import Config, parse_args


def test_defaults():
    c = parse_args([], environ={})
    assert (c.host, c.port, c.deadline) == ("127.0.0.1", 8000, 5.0)
    assert c.workers >= 1


def test_environment_then_flags():
    c = parse_args([], environ={"REWARD_PORT": "9001", "REWARD_DEADLINE": "1.5"})
    assert (c.port, c.deadline) == (9001, 1.5)
    assert parse_args(["--port", "9002"], environ={"REWARD_PORT": "9001"}).port == 9002


@pytest.mark.parametrize(
    ("argv", "env"), [(["--workers", "0"], {}), (["--deadline", "0"], {}), ([], {"REWARD_PORT": "eighty"})]
)
def test_invalid_values_exit_with_a_message(argv, env, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv, environ=env)
    assert "error" in capsys.readouterr().err


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        Config().port = 1


def test_task_size_spreads_small_requests_and_caps_large_ones():
    from service.scoring.scorer import task_size

    assert task_size(16, workers=2, largest=64) == 4
    assert task_size(1024, workers=2, largest=64) == 64
    assert task_size(1, workers=2, largest=64) == 1
