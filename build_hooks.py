"""setuptools hook: generate the gRPC stubs before the package is built (regular or editable)."""

import importlib.util
from pathlib import Path

from setuptools.command.build_py import build_py


class BuildPyWithProto(build_py):
    def run(self):
        spec = importlib.util.spec_from_file_location("protogen", Path(__file__).parent / "service" / "protogen.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.generate()
        super().run()
