"""Generate the gRPC stubs from ``proto/reward/v1/reward.proto`` into ``service/rewardpb/``.

Run by the package build (``pip install .`` or ``pip install -e .``, see ``build_hooks.py``) and by
``make proto``; the generated files are not kept in git. grpc_tools writes an absolute import of
the sibling module, which is rewritten to a relative one so that the stubs live inside ``service``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
PROTO = PROTO_DIR / "reward" / "v1" / "reward.proto"
OUT = ROOT / "service" / "rewardpb"


def generate(out: Path = OUT) -> None:
    import grpc_tools
    from grpc_tools import protoc

    out.mkdir(parents=True, exist_ok=True)
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        str(PROTO),
    ]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {PROTO}")
    nested = out / "reward" / "v1"
    for name in ("reward_pb2.py", "reward_pb2.pyi", "reward_pb2_grpc.py"):
        text = (nested / name).read_text()
        (out / name).write_text(text.replace("from reward.v1 import reward_pb2", "from . import reward_pb2"))
    for leftover in sorted(nested.parent.rglob("*"), reverse=True):
        leftover.unlink() if leftover.is_file() else leftover.rmdir()
    nested.parent.rmdir()
    (out / "__init__.py").write_text(
        '"""Generated from proto/reward/v1/reward.proto by service/protogen.py; do not edit."""\n'
    )


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
