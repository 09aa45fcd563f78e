"""The trainer's data: the bundled synthetic demo set and the R1-VL JSONL layout."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("PIL")

from PIL import Image  # noqa: E402

from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings  # noqa: E402
from trainer_client.data import DEMO_KINDS, Item, demo_dataset, load_jsonl, save_jsonl  # noqa: E402

SEEDS = (0, 1, 2)
STEP = re.compile(r"^### Step (\d+):\n(.*?)(?=\n###)", re.MULTILINE | re.DOTALL)


def fingerprint(item: Item) -> tuple:
    return (
        item.item_id,
        item.question,
        item.answer,
        item.key_steps,
        item.solution,
        item.choices,
        item.image.size,
        item.image.tobytes(),
    )


def kind(item: Item) -> str:
    return item.item_id.split("-")[0]


def demo_items():
    return [item for seed in SEEDS for item in demo_dataset(40, seed)]


def test_demo_is_deterministic_for_a_seed():
    first, second = demo_dataset(12, seed=7), demo_dataset(12, seed=7)
    assert [fingerprint(i) for i in first] == [fingerprint(i) for i in second]
    # item i does not depend on how many items were asked for
    assert [fingerprint(i) for i in demo_dataset(5, seed=7)] == [fingerprint(i) for i in first[:5]]


def test_demo_differs_across_seeds():
    a, b = demo_dataset(12, seed=0), demo_dataset(12, seed=1)
    assert [i.question for i in a] != [i.question for i in b]
    assert [i.image.tobytes() for i in a] != [i.image.tobytes() for i in b]
    assert len({i.image.tobytes() for i in a}) == len(a)


def test_demo_covers_every_kind():
    items = demo_dataset(40)
    assert {kind(i) for i in items} == set(DEMO_KINDS)
    assert any(i.choices for i in items), "no multiple-choice bar question"
    assert any(kind(i) == "bars" and i.choices is None for i in items), "no bar-difference question"
    assert len({i.item_id for i in items}) == len(items)


def test_demo_rejects_bad_arguments():
    assert demo_dataset(0) == []
    with pytest.raises(ValueError):
        demo_dataset(-1)
    with pytest.raises(ValueError):
        demo_dataset(2, size=16)


@pytest.mark.parametrize("size", [112, 80, 224])
def test_demo_images_have_the_size_and_are_not_blank(size):
    for item in demo_dataset(8, seed=3, size=size):
        assert item.image.mode == "RGB"
        assert item.image.size == (size, size)
        colours = item.image.getcolors(maxcolors=size * size)
        assert colours is not None and len(colours) > 1
        # drawn content, not a speck: at least 3% of pixels are not background white
        white = dict((c, n) for n, c in colours).get((255, 255, 255), 0)
        assert size * size - white > 0.03 * size * size


@pytest.mark.parametrize("item", demo_items(), ids=lambda i: i.item_id)
def test_demo_solution_is_a_valid_full_score_completion(item):
    text = item.solution
    assert text.startswith("### Image Description:\n")
    assert "\n### Rationales:\n" in text and "\n### Let's think step by step.\n" in text
    assert text.endswith(f"\n### The final answer is: {item.answer}")
    steps = STEP.findall(text)
    assert [int(n) for n, _ in steps] == list(range(1, len(steps) + 1)) and 2 <= len(steps) <= 3
    assert 300 <= len(text) <= 600
    assert 3 <= len(item.key_steps) <= 5
    assert all(1 <= len(group) <= 3 for group in item.key_steps)
    if item.choices is not None:
        assert item.answer in item.choices

    reference = CoreReference(answer=item.answer, key_steps=item.key_steps, choices=item.choices)
    result = PreparedGroup(reference, PROFILES["stepgrpo"], Settings()).score(text, explain=True)
    missed = [g["alternatives"] for g in result["explanation"]["key_steps"] if not g["credited"]]
    assert result["step_rvr"] == 1.0, result["explanation"]["validity"]
    assert result["answer_correct"], result["explanation"]["answer"]
    assert result["key_step_ratio"] == 1.0, missed
    assert result["reward"] == pytest.approx(2.1)

    # the reference code's rules (literal headers, lower-case substrings of the step texts) agree
    reference_rules = PreparedGroup(reference, PROFILES["r1vl-reference"], Settings()).score(text)
    assert reference_rules["reward"] == pytest.approx(2.1)
    step_text = " ".join(body for _, body in steps).lower()
    assert all(any(alt.lower() in step_text for alt in group) for group in item.key_steps)


def test_reference_object():
    mc = next(i for i in demo_dataset(40) if i.choices)
    ref = mc.reference()
    assert ref == {"answer": mc.answer, "key_steps": mc.key_steps, "choices": mc.choices, "solution": mc.solution}
    plain = next(i for i in demo_dataset(40) if i.choices is None)
    assert set(plain.reference()) == {"answer", "key_steps", "solution"}
    json.dumps(ref)


def test_jsonl_round_trip(tmp_path):
    items = demo_dataset(10, seed=4)
    path = save_jsonl(items, tmp_path / "data" / "train.jsonl", tmp_path / "data" / "images")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert all(not row["image_path"].startswith("/") and row["key_steps"]["Steps"] for row in rows)
    loaded = load_jsonl(path)
    assert [fingerprint(i) for i in loaded] == [fingerprint(i) for i in items]
    assert [i.reference() for i in loaded] == [i.reference() for i in items]


def test_jsonl_images_elsewhere_and_image_root(tmp_path):
    items = demo_dataset(3)
    path = save_jsonl(items, tmp_path / "a" / "train.jsonl", tmp_path / "b" / "imgs")
    assert [fingerprint(i) for i in load_jsonl(path)] == [fingerprint(i) for i in items]
    # a folder moved elsewhere: relative paths resolve against image_root
    moved = tmp_path / "c" / "d"
    moved.mkdir(parents=True)
    (moved / "train.jsonl").write_text(path.read_text())
    with pytest.raises(ValueError, match="line 1: image not found"):
        load_jsonl(moved / "train.jsonl")
    assert len(load_jsonl(moved / "train.jsonl", image_root=tmp_path / "a")) == 3


def write_rows(tmp_path, rows) -> str:
    Image.new("RGBA", (20, 10), (10, 20, 30, 255)).save(tmp_path / "img.png")
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_load_jsonl_accepts_the_r1vl_spellings(tmp_path):
    solution = "### Step 1:\nAB = 3.\n### The final answer is: 5\n"
    path = write_rows(
        tmp_path,
        [
            {
                "image_path": "img.png",
                "problem": "Q1?",
                "solution": solution,
                "key_steps": {"Steps": [["AB = 3", "AB=3"], "pythagorean theorem"]},
            },
            "",
            {
                "image": "img.png",
                "question": "Q2?",
                "answer": 7,
                "key_steps": json.dumps({"Steps": [["x"]]}),
                "choices": ["3", "7"],
            },
            {
                "image_path": str(tmp_path / "img.png"),
                "problem": "Q3?",
                "solution": "  B  ",
                "key_steps": '[["a", " "], []]',
                "id": "q3",
            },
            {
                "image_path": "img.png",
                "problem": "Q4?",
                "solution": "x",
                "key_steps": 'Image Description: ["d"]; Rationales: ["r"]; Step 1: ["AB = 5", "sum"], Step 2: ["C"]',
            },
        ],
    )
    a, b, c, d = load_jsonl(path)
    assert (a.answer, a.solution, a.key_steps, a.choices) == (
        "5",
        solution,
        [["AB = 3", "AB=3"], ["pythagorean theorem"]],
        None,
    )
    assert a.image.mode == "RGB" and a.image.size == (20, 10) and a.item_id == "rows-1"
    assert (b.answer, b.solution, b.key_steps, b.choices) == ("7", "", [["x"]], {"A": "3", "B": "7"})
    assert (c.answer, c.key_steps, c.item_id) == ("B", [["a", " "], []], "q3")  # as the server scores them
    assert d.key_steps == [["AB = 5"], ["sum"], ["C"]]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('{"image_path": "img.png", "problem": ', "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ({"problem": "Q?", "solution": "5"}, "missing 'image_path'"),
        ({"image_path": "nope.png", "problem": "Q?", "solution": "5"}, "image not found"),
        ({"image_path": "rows.jsonl", "problem": "Q?", "solution": "5"}, "cannot read image"),
        ({"image_path": "img.png", "solution": "5"}, "missing 'problem' or 'question'"),
        ({"image_path": "img.png", "problem": "Q?"}, "missing 'solution'"),
        ({"image_path": "img.png", "problem": "Q?", "solution": "### The final answer is:  "}, "answer is empty"),
        ({"image_path": "img.png", "problem": "Q?", "solution": "5", "key_steps": [["a", 3]]}, r"key_steps\[0\]"),
        (
            {"image_path": "img.png", "problem": "Q?", "solution": "5", "key_steps": "{not json"},
            "key_steps is not valid JSON",
        ),
        ({"image_path": "img.png", "problem": "Q?", "solution": "5", "key_steps": 5}, "key_steps must be"),
        ({"image_path": "img.png", "problem": "Q?", "solution": "5", "choices": 3}, "'choices' must be"),
        ({"image_path": "img.png", "problem": ["Q?"], "solution": "5"}, "'problem' must be a string"),
    ],
)
def test_load_jsonl_errors_name_the_line(tmp_path, row, message):
    good = {"image_path": "img.png", "problem": "Q?", "solution": "5"}
    path = write_rows(tmp_path, [good, "", good, row, good])
    with pytest.raises(ValueError, match=rf"rows\.jsonl, line 4: .*{message}"):
        load_jsonl(path)


def test_load_jsonl_reads_mulberry_files_as_the_data_tools_do(tmp_path):
    """A Mulberry file (a JSON array of CoMCTS and LLaMA-Factory rows) loads; each item's answer and
    choices are what ``python -m service.data`` reads from the same row (one reader)."""
    from service.data.layouts import detect, to_record

    from .test_data_published import COMCTS_INPUT, COMCTS_WORKED, MULBERRY_SFT, R1VL_ROW

    Image.new("RGB", (12, 12), (1, 2, 3)).save(tmp_path / "img.png")
    rows = [
        {**COMCTS_INPUT, "image": "img.png"},
        {**COMCTS_WORKED, "image": "img.png"},
        {**MULBERRY_SFT, "images": ["img.png"]},
        {**R1VL_ROW, "image_path": "img.png"},
    ]
    path = tmp_path / "mulberry.json"
    path.write_text(json.dumps(rows))
    items = load_jsonl(path)
    assert [(i.answer, i.choices) for i in items] == [to_record(r, detect(r), "x").reference() for r in rows]
    assert [i.answer for i in items] == ["B", "D", "C", "24"]
    assert items[0].question == COMCTS_INPUT["question"]
    assert items[3].key_steps[0] == ["\\frac{1}{2} \\times 8 \\times 6 = 24"]


def test_a_row_the_trainer_cannot_use_points_to_convert(tmp_path):
    path = write_rows(tmp_path, [{"messages": [{"role": "assistant", "content": "Answer:C"}], "images": ["img.png"]}])
    with pytest.raises(ValueError, match=r"line 1: missing a user turn .*service\.data convert"):
        load_jsonl(path)


def test_the_trainer_runs_on_a_mulberry_file(server, tmp_path):
    """``python -m trainer_client.run --data`` on Mulberry's own layout (a JSON array of LLaMA-Factory
    ``messages`` rows) trains against the real server, with no conversion first."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    import subprocess
    import sys
    from pathlib import Path

    items = demo_dataset(4, seed=5)
    rows = []
    for i, item in enumerate(items):
        item.image.save(tmp_path / f"{i}.png")
        rows.append(
            {
                "messages": [
                    {"role": "user", "content": "<image>" + item.question},
                    {"role": "assistant", "content": item.solution},
                ],
                "images": [f"{i}.png"],
                "key_steps": {"Steps": item.key_steps},
            }
        )
    (tmp_path / "mulberry.json").write_text(json.dumps(rows))
    flags = [
        "--reward-url",
        server.url,
        "--data",
        str(tmp_path / "mulberry.json"),
        "--steps",
        "1",
        "--warmup-steps",
        "2",
        "--output-dir",
        str(tmp_path / "out"),
    ]
    run = subprocess.run(
        [sys.executable, "-m", "trainer_client.run", "--no-progress", *flags],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "4 items" in run.stdout and "step 1: reward " in run.stdout
