"""Issue 11: the honest count, expected precision, the review budget, the label-quality gate, the
weak-model warning, the review-round calibration, and bad input (exit 2, one line, nothing written)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.config import NoiseConfig, ProjectConfig
from dataqa.errors import InputError
from dataqa.labeling import calibration
from dataqa.labeling.estimate import estimate, recalibrate
from dataqa.labeling.gate import label_noise_result
from dataqa.labeling.labelstudio.suspects import read_suspects, select_rows
from dataqa.labeling.noise import NoiseResult, find_noise

runner = CliRunner()
# Cheap detector for tests: two fast models, 3 folds (the default three are exercised by the sample test).
FAST = NoiseConfig(models=("logistic", "knn"), folds=3)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no dataqa.toml from the repository
    monkeypatch.setenv("OMP_NUM_THREADS", "1")


def blobs(n: int = 600, rate: float = 0.1, seed: int = 0) -> tuple[pl.DataFrame, set[int]]:
    """Three separable classes in 2-D with ``rate`` of the labels flipped uniformly."""
    rng = np.random.default_rng(seed)
    cls = np.arange(n) % 3
    xy = np.array([(0.0, 0.0), (6.0, 0.0), (0.0, 6.0)])[cls] + rng.normal(0, 0.8, (n, 2))
    flips = rng.choice(n, int(rate * n), replace=False)
    label = cls.copy()
    label[flips] = (cls[flips] + rng.integers(1, 3, len(flips))) % 3
    names = np.array(["a", "b", "c"])[label]
    return pl.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "label": names}), {int(i) for i in flips}


@pytest.fixture(scope="module")
def found() -> tuple[NoiseResult, set[int]]:
    df, flips = blobs()
    return find_noise(df, label_column="label", noise=FAST), flips


def test_count_interval_and_default_flags(found: tuple[NoiseResult, set[int]]) -> None:
    res, flips = found
    est = res.estimate
    assert est is not None
    # 60 flips in separable blobs: the count is within 25% and its interval holds it.
    assert 45 <= est.count <= 75 and est.low <= est.count <= est.high
    # The default flags are the top of the ranking up to the estimate; per-class errors add up to it.
    assert res.counts["label"] == est.flag_count == round(est.count)
    assert res.per_class["estimated_errors"].sum() == pytest.approx(est.count, rel=0.01)
    flagged = set(res.suspects.filter("is_label_issue")["row_id"].to_list())
    assert len(flagged & flips) / len(flagged) >= 0.85


def test_expected_precision_matches_the_measured_one(found: tuple[NoiseResult, set[int]]) -> None:
    res, flips = found
    for n in (20, 60):
        hits, low, high = res.queue_yield(n)
        real = len(set(res.budget(n)["row_id"].to_list()) & flips)
        assert low <= hits <= high
        assert abs(hits / n - real / n) <= 0.15, (n, hits, real)
    assert res.yield_line(20).startswith("top 20: about ")


def test_budget_takes_the_highest_p_error(found: tuple[NoiseResult, set[int]]) -> None:
    res, _ = found
    top = res.budget(25)
    assert top.height == 25
    p = res.suspects["p_error"]
    assert top["p_error"].min() >= p.sort(descending=True)[24] - 1e-12
    for bad in (0, res.rows + 1):
        with pytest.raises(InputError, match=f"--budget {bad}: must be between 1 and the 600 rows"):
            res.budget(bad)


def test_p_error_sums_to_the_count() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    proba = np.clip(np.eye(2)[labels] * 0.9 + 0.05 + rng.normal(0, 0.02, (400, 2)), 0.01, 0.99)
    proba /= proba.sum(axis=1, keepdims=True)
    est = estimate(labels, proba)
    assert est.p_error.sum() == pytest.approx(est.count, rel=0.02)
    assert ((est.p_error >= 0) & (est.p_error <= 1)).all()


def test_weak_detector_warns_with_numbers() -> None:
    rng = np.random.default_rng(1)
    df = pl.DataFrame({"x": rng.normal(size=300), "label": rng.choice(["a", "b"], 300)})
    res = find_noise(df, label_column="label", noise=FAST)
    assert res.warning is not None
    assert "out-of-fold accuracy" in res.warning and "is below 80%" in res.warning
    assert "Add features" in res.warning
    assert "(too high), and so may the flags' expected precision" in res.warning


def test_gate_row_fails_only_when_the_lower_bound_exceeds_the_rate(tmp_path: Path) -> None:
    df, _ = blobs()
    path = tmp_path / "blobs.csv"
    df.write_csv(path)
    cfg = ProjectConfig(root=tmp_path, noise=FAST)
    strict = label_noise_result(cfg, path, max_rate=0.02, label_column="label")
    loose = label_noise_result(cfg, path, max_rate=0.3, label_column="label")
    assert strict.outcome == "failed" and "of 'label' labels are wrong" in (strict.message or "")
    assert loose.outcome == "passed" and loose.check == "label_noise.max_rate"
    missing = label_noise_result(cfg, path, max_rate=0.1, label_column="nope")
    assert missing.outcome == "error" and "nope" in (missing.message or "")


def test_review_round_measures_precision_and_recalibrates(tmp_path: Path) -> None:
    suspects = pl.DataFrame({"row_id": [1, 2, 3, 4], "p_error": [0.9, 0.8, 0.7, 0.6]})
    cs = pl.DataFrame({"row_id": [1, 2, 3, 4], "kind": ["relabel", "confirmed", "confirmed", "unsure"]})
    rnd = calibration.measure(cs, suspects, "blobs")
    assert rnd is not None
    assert (rnd.relabels, rnd.confirmed) == (1, 2)
    assert rnd.measured_precision == pytest.approx(1 / 3) and rnd.expected_precision == pytest.approx(0.8)
    assert rnd.factor == pytest.approx(recalibrate(2.4, 1)) and rnd.factor < 1
    calibration.save(tmp_path, rnd)
    assert calibration.factor(tmp_path, "blobs") == pytest.approx(rnd.factor)
    assert calibration.factor(tmp_path, "other") == 1.0
    assert "measured 0.33 (1 relabel of 3 verdicts) vs expected 0.80" in rnd.summary()


def test_cli_prints_count_yield_and_budget(tmp_path: Path) -> None:
    df, _ = blobs(300)
    df.write_csv(tmp_path / "blobs.csv")
    (tmp_path / "dataqa.toml").write_text('[noise]\nmodels = ["logistic", "knn"]\nfolds = 3\n')
    res = runner.invoke(app, ["noise", "blobs.csv", "--label", "label", "--budget", "20", "--out", "s.parquet"])
    assert res.exit_code == 0, res.output
    assert "estimated wrong labels: " in res.output and "95% interval" in res.output
    assert "budget: top 20: about " in res.output
    s = read_suspects(tmp_path / "s.parquet")
    assert s.frame.height == 20 and "p_error" not in s.feature_columns
    # label push --budget picks the same rows (before any server is contacted).
    assert select_rows(s, budget=5)["row_id"].to_list() == s.frame.sort("p_error", descending=True)["row_id"][:5].to_list()
    with pytest.raises(InputError, match="--budget 21"):
        select_rows(s, budget=21)


def _bad(tmp_path: Path, df: pl.DataFrame, args: list[str], toml: str = "") -> str:
    df.write_csv(tmp_path / "d.csv")
    if toml:
        (tmp_path / "dataqa.toml").write_text(toml)
    res = runner.invoke(app, ["noise", "d.csv", "--label", "label", "--out", "out.parquet", *args])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "out.parquet").exists()  # nothing written
    return res.output.strip()


def test_bad_input_one_class(tmp_path: Path) -> None:
    out = _bad(tmp_path, pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "label": ["a"] * 4}), [])
    assert out == "error: label column 'label' has a single class ('a'); noise detection needs at least two"


def test_bad_input_all_null_labels(tmp_path: Path) -> None:
    out = _bad(tmp_path, pl.DataFrame({"x": [1.0, 2.0, 3.0], "label": [None, None, None]}, schema={"x": pl.Float64, "label": pl.String}), [])
    assert out == "error: label column 'label' has no labels (all 3 values are missing)"


def test_bad_input_fewer_rows_than_folds(tmp_path: Path) -> None:
    out = _bad(tmp_path, pl.DataFrame({"x": [1.0, 2.0, 3.0], "label": ["a", "b", "a"]}), ["--folds", "5"])
    assert out == "error: label column 'label': 3 rows are fewer than the 5 folds; lower --folds or [noise] folds"


def test_bad_input_class_below_folds(tmp_path: Path) -> None:
    df = pl.DataFrame({"x": np.arange(12.0), "label": ["a"] * 10 + ["b"] * 2})
    out = _bad(tmp_path, df, ["--folds", "3"])
    assert "class(es) 'b' (2 rows) have fewer rows than the 3 folds" in out


@pytest.mark.parametrize("budget", ["0", "10000"])
def test_bad_input_budget(tmp_path: Path, budget: str) -> None:
    df, _ = blobs(60)
    out = _bad(tmp_path, df, ["--budget", budget], toml='[noise]\nmodels = ["logistic"]\nfolds = 3\n')
    assert out.startswith(f"error: --budget {budget}: must be ")


def test_bad_input_unknown_model(tmp_path: Path) -> None:
    df, _ = blobs(60)
    out = _bad(tmp_path, df, [], toml='[noise]\nmodels = ["logistic", "xgboost"]\n')
    assert out == ("error: [noise] models: unknown model 'xgboost'; dataqa ships "
                   "hist_gradient_boosting, logistic, knn")


def test_bad_input_max_label_noise_rate(tmp_path: Path) -> None:
    df, _ = blobs(60)
    df.write_csv(tmp_path / "d.csv")
    res = runner.invoke(app, ["check", "d.csv", "--suite", "none.json", "--max-label-noise", "1.5"])
    assert res.exit_code == 2 and "--max-label-noise 1.5: must be a share of rows between 0 and 1" in res.output
