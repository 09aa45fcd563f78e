"""Write an R1-VL data set (or the bundled synthetic one) in verl's or OpenRLHF's layout, reference included.

    python examples/export_data.py verl --out data/train.parquet [--data r1vl_train.jsonl --image-root images/]
    python examples/export_data.py openrlhf --out data/train.jsonl

Needs the trainer's extra (``make demo`` or ``pip install '.[trainer]'``), and for verl's parquet ``datasets``
(which verl installs; ``pip install datasets`` otherwise).

The reference travels as one JSON string, {"answer", "key_steps", "choices", "solution"}: verl's
``reward_model.ground_truth`` and OpenRLHF's label column (``--data.label_key label``); the service
and stepgrpo_reward.verl read that string back. A JSON string keeps Arrow from re-typing the nested
key steps and filling absent choices with nulls.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from trainer_client.data import demo_dataset, load_jsonl
from trainer_client.policy import FORMAT_HINT


def reference_json(item) -> str:
    """The reference the data tools send for the row: ``r1vl-reference`` grades against its solution."""
    reference = {"answer": item.answer, "key_steps": item.key_steps}
    if item.choices:
        reference["choices"] = item.choices
    if item.solution:
        reference["solution"] = item.solution
    return json.dumps(reference, ensure_ascii=False)


def verl_row(item, index: int, split: str = "train") -> dict:
    """verl's RL data layout (as its examples/data_preprocess scripts write it)."""
    return {
        "data_source": "stepgrpo",
        "prompt": [{"role": "user", "content": f"{item.question}\n{FORMAT_HINT}"}],
        "ability": "visual_math",
        "reward_model": {"style": "rule", "ground_truth": reference_json(item)},
        "extra_info": {"split": split, "index": index},
    }


def openrlhf_row(item) -> dict:
    """OpenRLHF's prompt data: ``--data.input_key input --data.label_key label --data.apply_chat_template``."""
    return {"input": [{"role": "user", "content": f"{item.question}\n{FORMAT_HINT}"}], "label": reference_json(item)}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("layout", choices=["verl", "openrlhf"])
    p.add_argument("--out", required=True)
    p.add_argument("--data", help="R1-VL JSONL (default: 64 synthetic items)")
    p.add_argument("--image-root", default=None)
    args = p.parse_args(argv)
    items = load_jsonl(args.data, args.image_root) if args.data else demo_dataset(64)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.layout == "verl":
        try:
            from datasets import Dataset
        except ImportError:
            p.error("verl's parquet layout needs the datasets package (verl installs it): pip install datasets")
        Dataset.from_list([verl_row(item, i) for i, item in enumerate(items)]).to_parquet(str(out))
    else:
        out.write_text("".join(json.dumps(openrlhf_row(item), ensure_ascii=False) + "\n" for item in items))
    print(f"{len(items)} rows -> {out}")


if __name__ == "__main__":
    main()
