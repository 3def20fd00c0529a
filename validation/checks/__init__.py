"""The built-in checks, declared once and engine-neutral; importing this package declares them.

``gx_expectations`` declares the GX expectation types dataqa runs natively, ``pandera_checks``
pandera's checks, ``arguments`` holds the pure argument validators the suite parsers call,
``evaluators`` the engine-neutral halves of the implementations (aggregate values or column names
in, outcome out) that every backend calls. The implementations are per backend, in
``validation/backends/<engine>/checks/``. To add a check: one declaration here, one
implementation per backend (or an ``unsupported`` entry there).
"""

from dataqa.validation.checks import arguments, evaluators, gx_expectations, pandera_checks
from dataqa.validation.registry import get_check, is_registered, registered_names

__all__ = ["arguments", "evaluators", "get_check", "gx_expectations", "is_registered", "pandera_checks",
           "registered_names"]
