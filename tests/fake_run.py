"""Run ``briefings`` or ``mkdocs`` in a real process with :class:`FakeEngine` in place of
the configured engine: ``python -m tests.fake_run builder build`` or ``... mkdocs build``.

For tests of the command line and the plugin that do not need a real engine.
"""

from __future__ import annotations

import runpy
import sys
from typing import Any

import builder.build
from tests.conftest import FakeEngine


def _fake_engine(name: str, **options: Any) -> FakeEngine:
    return FakeEngine()


def main() -> None:
    module, *args = sys.argv[1:]
    setattr(builder.build, "create_engine", _fake_engine)  # noqa: B010 (the point)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
