"""Spark fixtures: one ``local[2]`` session for the whole run, and a real standalone cluster.

Every test under ``tests/spark/`` is marked ``spark`` (run them alone with ``pytest -m spark``)
and skips when pyspark or Java is missing, unless ``DATAQA_REQUIRE_SPARK=1`` (CI) makes that a
failure. Starting the session costs seconds (a JVM), so tests share it: never start another.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: Conf of the shared test session: small shuffles (tiny tables), no UI, loopback only.
TEST_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "1g",
    "spark.ui.enabled": "false",
}
#: How long the cluster may take to come up on a busy 2-core machine.
CLUSTER_TIMEOUT = 240.0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: needs pyspark and Java (a local[2] session or a standalone cluster)")
    # pyspark's import-time notice about pandas 3 (dataqa never hands Spark data to pandas)
    config.addinivalue_line("filterwarnings", "ignore:PySpark does not yet fully support pandas:FutureWarning")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.spark)


def _require() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _missing("pyspark is not installed (pip install 'dataqa[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _missing("java is missing (scripts/install --test installs openjdk-17-jre-headless)")


def _missing(why: str) -> None:
    if os.environ.get("DATAQA_REQUIRE_SPARK") == "1":
        pytest.fail(f"DATAQA_REQUIRE_SPARK=1 but {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def spark_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace the test session's Spark logs go to (``<it>/logs/spark.log``)."""
    return tmp_path_factory.mktemp("spark-workspace")


@pytest.fixture(scope="session")
def spark(spark_workspace: Path) -> Iterator[Any]:
    """The run's one SparkSession (``local[2]``), logging into ``spark_workspace``."""
    _require()
    from dataqa.validation.backends.spark.session import get_spark, stop_spark

    before = os.environ.get("DATAQA_WORKSPACE")
    os.environ["DATAQA_WORKSPACE"] = str(spark_workspace)  # read once, when the JVM starts
    try:
        session = get_spark("local[2]", TEST_CONF)
    finally:
        if before is None:
            del os.environ["DATAQA_WORKSPACE"]
        else:
            os.environ["DATAQA_WORKSPACE"] = before
    yield session
    stop_spark()


@pytest.fixture(scope="session")
def spark_target(spark: Any) -> tuple[str, dict[str, str]]:
    """(master, conf) that give back the shared session: for code that calls ``get_spark`` itself
    (``check_dataset(..., engine="spark")``, the CLI in-process). Other settings would restart it."""
    return "local[2]", dict(TEST_CONF)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


class _Daemons:
    """Master and worker JVMs, each in its own process group so executors go down with them."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str) -> None:
        home = _spark_home()
        env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
               "SPARK_NO_DAEMONIZE": "1"}
        out = open(self.logs / f"{name}.log", "wb")
        self.procs.append(subprocess.Popen([str(home / "bin" / "spark-class"), *args], env=env,
                                           stdout=out, stderr=subprocess.STDOUT,
                                           start_new_session=True))
        out.close()

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for p in self.procs:
            try:
                p.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def dead(self) -> str | None:
        for p in self.procs:
            if p.poll() is not None:
                return f"{p.args[1]} exited with {p.returncode}"
        return None


def _alive_workers(ui_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=5) as resp:
            state = json.load(resp)
    except (OSError, ValueError):
        return 0
    return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone Spark cluster on 127.0.0.1 (a master and two 1-core, 1 GB workers).

    Started from pyspark's own ``bin/spark-class``; yields ``spark://127.0.0.1:PORT`` once both
    workers are registered, and stops every JVM (executors included) afterwards. The daemons'
    logs are in the fixture's temporary folder.
    """
    _require()
    root = tmp_path_factory.mktemp("spark-cluster")
    port, ui = free_port(), free_port()
    daemons = _Daemons(root)
    url = f"spark://127.0.0.1:{port}"
    try:
        daemons.start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                      "--port", str(port), "--webui-port", str(ui))
        for i in (1, 2):
            work = root / f"worker{i}"
            work.mkdir()
            daemons.start(f"worker{i}", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                          "--webui-port", str(free_port()), "--cores", "1", "--memory", "1g",
                          "--work-dir", str(work), url)
        deadline = time.monotonic() + CLUSTER_TIMEOUT
        while _alive_workers(ui) < 2:
            if (why := daemons.dead()) is not None:
                pytest.fail(f"the Spark cluster did not start: {why}; logs in {root}")
            if time.monotonic() > deadline:
                pytest.fail(f"the Spark cluster's workers did not register in {CLUSTER_TIMEOUT:.0f}s; logs in {root}")
            time.sleep(1)
        yield url
    finally:
        daemons.stop()
