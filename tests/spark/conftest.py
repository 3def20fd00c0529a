"""Spark fixtures of ``tests/spark/``: a real standalone cluster. The run's one ``local[2]`` session
(fixture ``spark``) is in ``tests/spark_fixtures.py``, shared with the parametrised conformance
and parity tests outside this folder.

Every test under ``tests/spark/`` is marked ``spark`` (run them alone with ``pytest -m spark``)
and skips when pyspark or Java is missing, unless ``DATAQA_REQUIRE_SPARK=1`` (CI) makes that a
failure. Starting the session costs seconds (a JVM), so tests share it: never start another.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from spark_fixtures import require_spark

#: How long the cluster may take to come up on a busy 2-core machine.
CLUSTER_TIMEOUT = 240.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.spark)


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
    require_spark()
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
