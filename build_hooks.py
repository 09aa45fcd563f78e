"""setuptools hook: generate the gRPC stubs and build them into the package (regular or editable).

The stubs (``service/rewardpb``) are not kept in git, so a clean tree has no such folder when
setuptools runs ``packages.find``: the package list it computes then lacks ``service.rewardpb``.
Generating in ``finalize_options`` and adding the package there puts it into every build (wheel,
sdist-less ``pip wheel .``, editable) whatever the tree held when the list was computed.
"""

import importlib.util
from pathlib import Path

from setuptools.command.build_py import build_py

STUB_PACKAGE = "service.rewardpb"


def _generate_stubs() -> None:
    """Run service/protogen.py from the source tree (the package itself is not importable yet)."""
    spec = importlib.util.spec_from_file_location("protogen", Path(__file__).parent / "service" / "protogen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate()


class BuildPyWithProto(build_py):
    def finalize_options(self):
        super().finalize_options()
        _generate_stubs()
        packages = self.distribution.packages
        if packages is not None and STUB_PACKAGE not in packages:
            packages.append(STUB_PACKAGE)
        if self.packages is not None and STUB_PACKAGE not in self.packages:
            self.packages.append(STUB_PACKAGE)
