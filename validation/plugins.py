"""Load user plugins: Python files or modules that register custom checks."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Sequence

from dataqa.errors import SuiteFileError


def load_plugins(plugins: Sequence[str | Path]) -> None:
    """Import each plugin once; its ``@register_check`` decorators add its checks.

    A plugin is a ``.py`` file path or an importable module name.
    """
    for plugin in plugins:
        p = Path(plugin)
        try:
            if p.suffix == ".py":
                if not p.is_file():
                    raise SuiteFileError("no such plugin file", str(p))
                name = f"dataqa_plugin_{abs(hash(str(p.resolve())))}"
                if name in sys.modules:
                    continue
                spec = importlib.util.spec_from_file_location(name, p)
                assert spec and spec.loader
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                spec.loader.exec_module(module)
            else:
                importlib.import_module(str(plugin))
        except SuiteFileError:
            raise
        except Exception as exc:
            raise SuiteFileError(f"plugin failed to load: {type(exc).__name__}: {exc}", str(plugin)) from None
