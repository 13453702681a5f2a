"""Helpers for running tools/train.py on the session world (the ``tiny_options`` fixture is in
tests/conftest.py)."""
from __future__ import annotations

DEMO = "configs/pretrain/demo.py"


def options_argv(options: dict) -> list[str]:
    """``--cfg-options`` argv for a subprocess run of tools/train.py."""
    def fmt(v):
        if v is None:
            return "None"
        if isinstance(v, (list, tuple)):
            return "[" + ",".join(str(x) for x in v) + "]"
        return str(v)

    return ["--cfg-options", *(f"{k}={fmt(v)}" for k, v in options.items())]
