"""``python -m service.data`` end to end: extract -> augment -> convert -> score on generated data,
scores equal to the real server's, hung items, bad rows, the PNG, and LLM extraction against a small
OpenAI-compatible server started here on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from service.data.llm import INSTRUCTIONS
from trainer_client.data import demo_dataset

ROOT = Path(__file__).resolve().parent.parent
POWER_TOWER = (
    "### Image Description:\nx\n### Rationales:\ny\n### Step 1:\n5^(5^(5^5))\n### The final answer is: 5^(5^(5^5))"
)


def run_cli(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "service.data", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """Questions with reference solutions (R1-VL layout, no key steps) and three bad rows, through
    extract -> augment -> convert; then a genuine and an unrelated completion per item."""
    tmp = tmp_path_factory.mktemp("data")
    items = demo_dataset(16, seed=5)
    rows = [
        {"id": it.item_id, "image_path": f"images/{i}.png", "problem": it.question, "solution": it.solution}
        for i, it in enumerate(items)
    ]
    questions = write(
        tmp / "questions.jsonl", [*rows[:3], "{not json", {"problem": "no solution here"}, [1, 2], *rows[3:]]
    )
    extract = run_cli("extract", str(questions), "-o", str(tmp / "keyed.jsonl"), "--workers", "2")
    augment = run_cli("augment", str(tmp / "keyed.jsonl"), "-o", str(tmp / "augmented.jsonl"), "--workers", "2")
    run_cli("convert", str(tmp / "augmented.jsonl"), "-o", str(tmp / "project.jsonl"), "--to", "project")
    scored_in = []
    for row in read(tmp / "project.jsonl"):
        if "error" not in row:
            kind = row["id"].split("-")[0]
            unrelated = next(it.solution for it in items if it.item_id.split("-")[0] != kind)
            row["completions"] = [row["reference"]["solution"], unrelated]
        scored_in.append(row)
    write(tmp / "to_score.jsonl", scored_in)
    return tmp, items, extract, augment


def test_extract_and_augment_write_key_steps_and_count_bad_rows(pipeline):
    tmp, items, extract, augment = pipeline
    keyed, augmented = read(tmp / "keyed.jsonl"), read(tmp / "augmented.jsonl")
    assert len(keyed) == len(augmented) == len(items) + 3
    assert "3 bad rows" in extract.stderr and "3 bad rows" in augment.stderr
    bad = [r for r in augmented if "error" in r]
    assert [r["line"] for r in bad] == [4, 5, 6]
    assert (
        "invalid JSON" in bad[0]["error"]
        and "no reference solution" in bad[1]["error"]
        and "JSON object" in bad[2]["error"]
    )
    good_keyed = [r for r in keyed if "error" not in r]
    good = [r for r in augmented if "error" not in r]
    assert all(len(g) == 1 for r in good_keyed for g in r["key_steps"]["Steps"])
    assert sum(len(g) for r in good for g in r["key_steps"]["Steps"]) > sum(
        len(g) for r in good_keyed for g in r["key_steps"]["Steps"]
    )
    assert [r["id"] for r in good] == [it.item_id for it in items]


def test_score_genuine_solutions_earn_every_key_step_and_unrelated_ones_almost_none(pipeline):
    tmp, items, _, _ = pipeline
    proc = run_cli(
        "score",
        str(tmp / "to_score.jsonl"),
        "-o",
        str(tmp / "scored.jsonl"),
        "--workers",
        "2",
        "--summary",
        str(tmp / "summary.json"),
    )
    out = read(tmp / "scored.jsonl")
    scored = [r for r in out if "error" not in r]
    assert len(scored) == len(items)
    for row in scored:
        genuine, unrelated = row["results"]
        assert genuine["status"] == "ok" and genuine["key_step_ratio"] == 1.0 and genuine["answer_correct"]
        assert unrelated["key_step_ratio"] <= 0.25
    summary = json.loads((tmp / "summary.json").read_text())
    assert summary["bad_rows"] == 3 and summary["rows"] == len(items) + 3
    assert summary["ok"] == 2 * len(items) and summary["timeout"] == summary["error"] == 0
    assert summary["validity_rate"] == 1.0
    assert 0.5 <= summary["key_step_coverage"] < 0.65 and 0.5 <= summary["accuracy"] < 0.7
    for label in (
        "mean reward",
        "StepRAR",
        "StepRVR",
        "accuracy",
        "validity rate",
        "key-step coverage",
        "timeout",
        "bad rows",
    ):
        assert label in proc.stdout


def test_offline_scores_equal_the_servers(pipeline, server, tmp_path):
    tmp, _, _, _ = pipeline
    rows = [r for r in read(tmp / "to_score.jsonl") if "error" not in r][:6]
    out = tmp_path / "scored.jsonl"
    run_cli(
        "score",
        str(write(tmp_path / "in.jsonl", rows)),
        "-o",
        str(out),
        "--workers",
        "2",
        "--profile",
        "r1vl-reference",
        "--alpha",
        "0.3",
        "--epsilon",
        "1e-6",
        "--biased-std",
        "--explain",
        "--no-progress",
    )
    options = {"alpha": 0.3, "epsilon": 1e-6, "unbiased_std": False, "explain": True}
    for row, offline in zip(rows, read(out), strict=True):
        body = httpx.post(
            server.url + "/v1/score",
            timeout=60,
            json={
                "profile": "r1vl-reference",
                "options": options,
                "groups": [{"group_id": row["id"], "reference": row["reference"], "completions": row["completions"]}],
            },
        ).json()
        online = body["groups"][0]
        assert offline["version"] == body["version"]
        assert offline["results"] == online["results"] and offline["advantages"] == online["advantages"]


def test_a_hanging_item_times_out_and_the_rest_is_scored(tmp_path):
    reference = {"answer": "5", "key_steps": [["AB = 5"]]}
    genuine = (
        "### Image Description:\nd\n### Rationales:\nr\n### Step 1:\nThe figure gives AB = 5.\n"
        "### The final answer is: 5"
    )
    rows = [
        {"id": "hang", "reference": reference, "completions": [genuine, POWER_TOWER, genuine]},
        {"id": "no-completions", "reference": reference},
        {"id": "no-answer", "reference": {"solution": "no final answer line"}, "completions": [genuine]},
        {"id": "bad-key-steps", "reference": {"answer": "5", "key_steps": 7}, "completions": [genuine]},
        {
            "id": "unusable-key-steps",
            "reference": {"answer": "5", "key_steps": "[oops"},
            "completions": [genuine, genuine],
        },
        {"id": "fine", "reference": reference, "completions": [genuine, "### The final answer is: 4"]},
    ]
    proc = run_cli(
        "score",
        str(write(tmp_path / "in.jsonl", rows)),
        "-o",
        str(tmp_path / "out.jsonl"),
        "--workers",
        "2",
        "--deadline",
        "1",
        "--profile",
        "r1vl-reference",
        "--summary",
        str(tmp_path / "s.json"),
    )
    out = {r["id"]: r for r in read(tmp_path / "out.jsonl")}
    assert [r["status"] for r in out["hang"]["results"]] == ["ok", "timeout", "ok"]
    assert "deadline" in out["hang"]["results"][1]["detail"] and out["hang"]["results"][1]["reward"] == 0.0
    assert out["hang"]["advantages"][1] < 0  # no shelter: the hang is paid the lowest reward
    assert "completions" in out["no-completions"]["error"]
    assert "reference.answer" in out["no-answer"]["error"]
    assert "reference.key_steps" in out["bad-key-steps"]["error"]
    assert out["unusable-key-steps"]["status"] == "error" and "not valid JSON" in out["unusable-key-steps"]["detail"]
    assert out["fine"]["results"][0]["reward"] > out["fine"]["results"][1]["reward"]
    summary = json.loads((tmp_path / "s.json").read_text())
    assert (summary["bad_rows"], summary["timeout"], summary["ok"], summary["error"]) == (4, 1, 4, 2)
    assert "timeout" in proc.stdout


def test_options_are_validated_like_the_servers(tmp_path):
    proc = run_cli(
        "score", str(write(tmp_path / "in.jsonl", [])), "-o", str(tmp_path / "o.jsonl"), "--alpha", "-1", check=False
    )
    assert proc.returncode != 0 and "--alpha" in proc.stderr


def test_plot_saves_a_png(pipeline, tmp_path):
    pytest.importorskip("matplotlib")
    tmp, _, _, _ = pipeline
    rows = [r for r in read(tmp / "to_score.jsonl") if "error" not in r][:4]
    run_cli(
        "score",
        str(write(tmp_path / "in.jsonl", rows)),
        "-o",
        str(tmp_path / "o.jsonl"),
        "--workers",
        "1",
        "--plot",
        str(tmp_path / "r.png"),
    )
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_is_a_clear_error_before_any_work(tmp_path):
    shadow = tmp_path / "shadow" / "matplotlib"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('matplotlib is not installed')\n")
    proc = run_cli(
        "score",
        str(write(tmp_path / "in.jsonl", [{"reference": {"answer": "1"}, "completions": ["x"]}])),
        "-o",
        str(tmp_path / "o.jsonl"),
        "--plot",
        str(tmp_path / "r.png"),
        env={"PYTHONPATH": f"{tmp_path / 'shadow'}{os.pathsep}{ROOT}"},
        check=False,
    )
    assert proc.returncode != 0 and "--plot needs matplotlib" in proc.stderr and "[data]" in proc.stderr
    assert not (tmp_path / "o.jsonl").exists()


class _FakeLLM(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint: answers with the solution's equations as Step lists."""

    calls: dict = {}

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        seen = self.calls.setdefault(user, [])
        seen.append((self.path, self.headers.get("Authorization"), body["model"], system))
        if "BROKEN" in user or ("FLAKY" in user and len(seen) == 1):
            return self._send(503, {"error": "overloaded"})
        steps = [line for line in user.splitlines() if "=" in line]
        elements = [
            f'Step {i}: ["{line.split(", ")[-1].rstrip(".")}", "{line.split(", ")[-1].rstrip(".")}"]'
            for i, line in enumerate(steps, 1)
        ]
        reply = 'Key Elements:\nImage Description: ["triangle"]; Rationales: ["theorem"]; ' + ", ".join(elements)
        self._send(200, {"choices": [{"message": {"role": "assistant", "content": reply}}]})

    def _send(self, code, payload):
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_llm_extraction_through_an_openai_compatible_endpoint(tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FakeLLM)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        solution = "### Step 1:\nFrom the figure, AB = 3.\n### Step 2:\nSo AC = 5.\n### The final answer is: 5"
        rows = [
            {"id": "a", "problem": "q", "solution": solution},
            {"id": "b", "problem": "q", "solution": solution.replace("figure", "FLAKY figure")},
            {"id": "c", "problem": "q", "solution": solution.replace("figure", "BROKEN figure")},
            {"id": "d", "problem": "q", "solution": solution, "key_steps": {"Steps": [["kept"]]}},
        ]
        proc = run_cli(
            "extract",
            str(write(tmp_path / "in.jsonl", rows)),
            "-o",
            str(tmp_path / "out.jsonl"),
            "--keep-existing",
            "--llm-url",
            f"http://127.0.0.1:{httpd.server_port}/v1",
            "--llm-model",
            "tiny",
            "--llm-retries",
            "1",
            "--llm-api-key",
            "sk-test",
        )
        out = {r["id"]: r for r in read(tmp_path / "out.jsonl")}
        assert out["a"]["key_steps"] == {"Steps": [["AB = 3"], ["So AC = 5"]]}
        assert out["b"]["key_steps"] == out["a"]["key_steps"]
        assert "HTTP 503" in out["c"]["error"] and "1 bad rows" in proc.stderr
        assert out["d"]["key_steps"] == {"Steps": [["kept"]]}
        path, auth, model, system = _FakeLLM.calls[solution][0]
        assert (path, auth, model, system) == ("/v1/chat/completions", "Bearer sk-test", "tiny", INSTRUCTIONS)
        assert len(_FakeLLM.calls[rows[1]["solution"]]) == 2 and len(_FakeLLM.calls[rows[2]["solution"]]) == 2
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_lone_surrogate_is_written_escaped_and_the_run_goes_on(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": "s", "problem": "q", "solution": "### Step 1:\\nAB = 3 \\ud800\\n### The final answer is: 3"}\n'
        '{"id": "t", "problem": "q", "solution": "### Step 1:\\nSo AB = 3.\\n### The final answer is: 3"}\n'
    )
    for out in ("out.jsonl", "out.json"):
        run_cli("extract", str(src), "-o", str(tmp_path / out), "--workers", "1")
    rows = read(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == ["s", "t"] and rows[0]["solution"].endswith("\ud800\n### The final answer is: 3")
    assert rows[1]["key_steps"] == {"Steps": [["AB = 3"]]}
    assert json.loads((tmp_path / "out.json").read_text()) == rows


def test_published_rows_through_every_command_keep_their_layout(tmp_path):
    """CoMCTS rows (a JSON array, as Mulberry ships them) go through extract, augment, convert and score:
    written back with ``conversations``/``from``/``value``, ``image``, unknown fields and the key-step
    object's other keys as they were; the ``Answer:X`` ground truth and the ``Choices:`` block are read."""
    from .test_data_published import COMCTS_INPUT, MULBERRY_SFT

    worked = {
        **COMCTS_INPUT,
        "id": "worked",
        "source": "geo3k",
        "conversations": [
            COMCTS_INPUT["conversations"][0],
            {
                "from": "gpt",
                "value": "### Image Description:\nA right triangle.\n### Rationales:\nAngles sum to 180°.\n"
                "### Let's think step by step.\n"
                "### Step 1:\nThe angles satisfy y + 45° + 90° = 180°.\n"
                "### Step 2:\nSo y = 45°.\n### The final answer is: B",
            },
        ],
    }
    key_steps = {
        "Image Description": ["legs 3 and 4"],
        "Rationales": ["hypotenuse"],
        "Steps": [["x^2 = 3^2 + 4^2 = 25"], ["x = 5"]],
    }
    keyed = {**MULBERRY_SFT, "id": "sft", "key_steps": key_steps}
    src = tmp_path / "comcts.json"
    src.write_text(json.dumps([worked, keyed], ensure_ascii=False, indent=1))
    quiet = ("--no-progress",)
    run_cli("extract", str(src), "-o", str(tmp_path / "keyed.json"), "--keep-existing", "--workers", "1", *quiet)
    out = json.loads((tmp_path / "keyed.json").read_text())
    assert out[0] == {**worked, "key_steps": out[0]["key_steps"]} and out[0]["key_steps"]["Steps"]
    assert out[1] == keyed
    run_cli("augment", str(tmp_path / "keyed.json"), "-o", str(tmp_path / "aug.jsonl"), "--workers", "2", *quiet)
    augmented = read(tmp_path / "aug.jsonl")
    assert [set(r) for r in augmented] == [set(r) for r in out]
    assert augmented[1]["key_steps"]["Image Description"] == ["legs 3 and 4"]
    assert "x=5" in augmented[1]["key_steps"]["Steps"][1] and augmented[0]["conversations"] == worked["conversations"]
    run_cli("convert", str(tmp_path / "aug.jsonl"), "-o", str(tmp_path / "project.jsonl"), "--to", "project", *quiet)
    project = read(tmp_path / "project.jsonl")
    assert [r["reference"]["answer"] for r in project] == ["B", "C"]
    assert project[0]["reference"]["choices"] == {"A": "30", "B": "45", "C": "60", "D": "90"}
    assert project[0]["source"] == "geo3k"
    genuine = worked["conversations"][1]["value"]
    for row in project:
        row["completions"] = [genuine, genuine.replace("y = 45°", "y = 30°").replace("is: B", "is: A")]
    write(tmp_path / "scoring.jsonl", project)
    run_cli("score", str(tmp_path / "scoring.jsonl"), "-o", str(tmp_path / "scored.jsonl"), "--workers", "1", *quiet)
    scored = read(tmp_path / "scored.jsonl")
    assert [r["answer_correct"] for r in scored[0]["results"]] == [True, False]
    assert scored[0]["results"][0]["key_step_ratio"] == 1.0 > scored[0]["results"][1]["key_step_ratio"]


def test_score_reads_comcts_ground_truths_in_their_own_layout(tmp_path):
    from .test_data_published import COMCTS_BRIEF, COMCTS_INPUT, COMCTS_WORKED

    head = "### Image Description:\nd\n### Rationales:\nr\n"
    answer = head + "### Step 1:\nReading the figure.\n### The final answer is: {}"
    rows = [
        {**COMCTS_INPUT, "completions": [answer.format("B"), answer.format("45"), answer.format("A")]},
        {**COMCTS_WORKED, "completions": [answer.format("D"), answer.format("140°")]},
        {**COMCTS_BRIEF, "completions": [answer.format("31.52"), answer.format("30")]},
    ]
    run_cli(
        "score",
        str(write(tmp_path / "in.jsonl", rows)),
        "-o",
        str(tmp_path / "out.jsonl"),
        "--workers",
        "1",
        "--no-progress",
    )
    out = read(tmp_path / "out.jsonl")
    correct = [[r["answer_correct"] for r in row["results"]] for row in out]
    assert correct == [[True, True, False], [True, True], [True, False]]
