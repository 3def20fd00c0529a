"""dataqa: a data-centric workbench for tabular ML datasets.

The public API, one name per job (imported on first use, so ``import dataqa`` and the CLI stay
fast; the table below is the whole list)::

    read_dataset, Dataset          dataqa.io                 read CSV/Parquet/JSONL lazily with row ids
    load_config, ProjectConfig     dataqa.config             dataqa.toml
    check_dataset                  dataqa.validation.api     suites on a file -> SuiteReport (the gate)
    run_suites, load_suite         dataqa.validation         the engine and the suite loader
    SuiteReport, CheckResult       dataqa.validation.report  results; raise_for_failures(), to_json()
    register_check, custom_check   dataqa.validation         add a check to the one registry
    profile, suggest               dataqa.validation         profiles, drift, draft suites
    find_noise, NoiseResult        dataqa.labeling.noise     label issues and other row issues
    push_suspects, pull_reviews    dataqa.labeling.labelstudio  the Label Studio round trip
    VersionStore                   dataqa.versions           versions with lineage
    build_ledger                   dataqa.ledger             the fixed-baseline fix ledger
    errors                         dataqa.errors             the exception tree
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "read_dataset": "dataqa.io",
    "Dataset": "dataqa.io",
    "load_config": "dataqa.config",
    "ProjectConfig": "dataqa.config",
    "check_dataset": "dataqa.validation.api",
    "run_suites": "dataqa.validation.engine",
    "load_suite": "dataqa.validation.suites",
    "SuiteReport": "dataqa.validation.report",
    "CheckResult": "dataqa.validation.report",
    "register_check": "dataqa.validation.registry",
    "custom_check": "dataqa.validation.custom",
    "profile": "dataqa.validation.profile",
    "suggest": "dataqa.validation.suggest",
    "find_noise": "dataqa.labeling.noise",
    "NoiseResult": "dataqa.labeling.noise",
    "push_suspects": "dataqa.labeling.labelstudio",
    "pull_reviews": "dataqa.labeling.labelstudio",
    "VersionStore": "dataqa.versions",
    "build_ledger": "dataqa.ledger.ledger",
    "errors": "dataqa.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    # Lazy imports: the heavy dependencies (scikit-learn, the Label Studio SDK) load on first use.
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'dataqa' has no attribute '{name}'") from None
    mod = importlib.import_module(module)
    value = mod if module == f"dataqa.{name}" else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
