"""Re-derive, case by case, what GX 1.24.1 on pandas does with every conformance case.

The shared ``STATUS_gx_1_24_1.json`` only holds counts per expectation; the conformance test
needs to know *which* cases GX passes. This script runs GX itself on each case (GX's own json
test runner from ``great_expectations.self_check.util``) and writes ``gx_1_24_1_cases.json``:
``{case_id: {"status", "success", "unexpected_index_list"}}``, then checks that its counts per
expectation equal the shared STATUS file. Run it again only when the definitions change::

    python tests/gx_conformance/probe_gx.py [DEFINITIONS_DIR]

It takes about a minute; the test suite only reads its output.

Last run (GX 1.24.1, pandas 3.1): 433 cases GX passes ("pass" or "success_ok_detail_diff"),
the shared STATUS has 432: the one extra is of_type's ``positive_pandas_datetime_with_timezone``
(``only_for: ["pandas>=024"]``, which GX's own runner accepts for modern pandas). How error cases
split into error_expected_ok / _missing differs from STATUS (its runner counted some results
with ``exception_info`` as raised); tests only use "error_expected_ok" as "GX rejects this".
"""

from __future__ import annotations

import copy
import json
import sys
import warnings
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gx_cases import case_id, expects_error as _expects_error, iter_cases, locate_definitions, pandas_skip_reason  # noqa: E402


def _class_name(gx, etype: str) -> str | None:
    want = etype.replace("_", "").lower()
    for name in dir(gx.expectations):
        if name.lower() == want:
            return name
    return None


def main() -> None:
    warnings.filterwarnings("ignore")
    import great_expectations as gx
    from great_expectations.self_check.util import (
        evaluate_json_test_v3_api,
        get_test_validator_with_data,
    )

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else locate_definitions()
    assert root is not None, "conformance definitions not found"
    context = gx.get_context(mode="ephemeral")
    out: dict[str, dict] = {}
    counts: dict[str, Counter] = defaultdict(Counter)
    for case in iter_cases(root):
        cid = case_id(case)
        etype = case["expectation_type"]
        test = case["test"]
        rec: dict = {}
        expects_error = _expects_error(case)
        cls_name = _class_name(gx, etype)
        # table-level expectations see every column: GX's runner adds pk_index only for row checks
        pk = not etype.startswith(("expect_table_", "expect_column_to_exist"))
        if pandas_skip_reason(case) is not None:
            rec["status"] = "skipped"
        elif cls_name is None:
            rec["status"] = "no_class_in_gx1"
        else:
            try:
                validator = get_test_validator_with_data(
                    "pandas", copy.deepcopy(case["data"]), schemas=copy.deepcopy(case["schemas"]),
                    context=context, pk_column=pk)
            except Exception as exc:  # noqa: BLE001
                rec["status"] = "data_build_error"
                rec["error"] = repr(exc)[:200]
                validator = None
            if validator is not None:
                try:
                    result, err, _ = evaluate_json_test_v3_api(
                        validator, etype, copy.deepcopy(test), raise_exception=False, pk_column=pk)
                except Exception as exc:  # noqa: BLE001 - pydantic config errors and the like
                    result, err = None, repr(exc)
                    rec["status"] = "error_expected_ok" if expects_error else "config_rejected"
                else:
                    raised = result is None or bool(result.exception_info.get("raised_exception")) if result is not None else True
                    if expects_error:
                        rec["status"] = "error_expected_ok" if (result is None or raised or err) else "error_expected_missing"
                    elif result is None:
                        rec["status"] = "config_rejected"
                    elif err is None:
                        rec["status"] = "pass"
                    elif result.success == test["out"].get("success"):
                        rec["status"] = "success_ok_detail_diff"
                    else:
                        rec["status"] = "fail"
                    if result is not None:
                        rec["success"] = bool(result.success)
                        idx = (result.result or {}).get("unexpected_index_list")
                        if isinstance(idx, list):
                            rec["unexpected_index_list"] = sorted(
                                int(d["pk_index"] if isinstance(d, dict) else d) for d in idx)
                if err and rec["status"] not in ("pass",):
                    rec["error"] = str(err)[:300]
        out[cid] = rec
        counts[etype][rec["status"]] += 1
    (HERE / "gx_1_24_1_cases.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    status = json.loads((root / "STATUS_gx_1_24_1.json").read_text())["per_expectation"]
    for etype in sorted(set(status) | set(counts)):
        want = {k: v for k, v in status.get(etype, {}).items() if v}
        got = dict(counts.get(etype, {}))
        flag = "" if want == got else "   <-- differs from STATUS"
        print(f"{etype}: {got}{flag}" + (f" STATUS {want}" if flag else ""))


if __name__ == "__main__":
    main()
