"""One shared SparkSession per process, quiet on the terminal.

``get_spark()`` starts (or returns) the session every Spark code path of dataqa uses:

- ``master=None`` or ``local[*]``: embedded local mode (the driver JVM runs the executors);
- ``spark://host:port``: a standalone cluster;
- ``sc://host:port``: Spark Connect (needs ``pip install 'pyspark[connect]'``).

Spark's own log (log4j2) goes to ``<workspace>/logs/spark.log`` (the workspace is ``.dataqa/``
next to ``dataqa.toml``; ``DATAQA_WORKSPACE`` overrides it), and the driver JVM's stdout/stderr
to ``<workspace>/logs/spark-driver.out``, so no JVM line or stack trace reaches the terminal
(and ``--format json`` on stdout stays clean). A master that does not answer raises
``ServiceUnreachable`` naming the URL within ``CONNECT_TIMEOUT`` seconds, instead of Spark's
minute of retries.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path
from typing import IO, Mapping
from urllib.parse import urlsplit

from pyspark import SparkConf, SparkContext
from pyspark.java_gateway import launch_gateway
from pyspark.sql import SparkSession

from dataqa.config import load_config
from dataqa.errors import InputError, ServiceUnreachable

#: The embedded default master.
DEFAULT_MASTER = "local[*]"
#: Seconds to wait for a cluster master's port before giving up.
CONNECT_TIMEOUT = 5.0
#: Settings dataqa needs for identical answers on both engines; a user's ``conf`` overrides them.
DEFAULT_CONF: dict[str, str] = {
    "spark.app.name": "dataqa",
    # Timestamps without a zone must mean the same wall-clock time as in polars.
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "true",
}

_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{{yy/MM/dd HH:mm:ss}} %p %c{{1}}: %m%n%ex
logger.jetty.name = org.sparkproject.jetty
logger.jetty.level = error
logger.hadoop.name = org.apache.hadoop.util.NativeCodeLoader
logger.hadoop.level = error
"""

_lock = threading.Lock()
_current: tuple[str, tuple[tuple[str, str], ...], SparkSession] | None = None
_driver_out: IO[bytes] | None = None


def log_dir() -> Path:
    """Where Spark's log files go: ``<workspace>/logs`` (created on demand)."""
    ws = os.environ.get("DATAQA_WORKSPACE")
    base = Path(ws) if ws else load_config().workspace_path
    path = base / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def get_spark(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """The process's SparkSession for ``master`` (default ``local[*]``), started on first use.

    Asking again with the same master and conf returns the same session; another master or conf
    stops the old session and starts a new one (one Spark context per process).

    Parameters
    ----------
    master:
        ``local[N]``/``local[*]``, ``spark://host:port`` or ``sc://host:port``.
    conf:
        Extra Spark settings (``--spark-conf k=v``, ``[engine] conf``), e.g.
        ``{"spark.driver.memory": "4g"}``.

    Raises
    ------
    ServiceUnreachable
        Nothing answers at a ``spark://`` or ``sc://`` master's host and port.
    InputError
        A malformed master URL, or Spark Connect without its client packages.
    """
    global _current
    url = master or DEFAULT_MASTER
    settings = {**DEFAULT_CONF, **dict(conf or {})}
    key = tuple(sorted(settings.items()))
    with _lock:
        if _current is not None:
            old_url, old_key, old = _current
            if old_url == url and old_key == key and _alive(old):
                return old
            old.stop()
            _current = None
        if url.startswith(("spark://", "sc://")):
            _probe(url)
        session = _connect(url, settings) if url.startswith("sc://") else _classic(url, settings)
        _current = (url, key, session)
        return session


def stop_spark() -> None:
    """Stop the shared session (tests and long-lived hosts; the CLI just exits)."""
    global _current
    with _lock:
        if _current is not None:
            _current[2].stop()
            _current = None


def _alive(session: SparkSession) -> bool:
    sc = getattr(session, "_sc", None)
    return sc is None or getattr(sc, "_jsc", None) is not None


def _probe(url: str) -> None:
    """Fail fast and readably when nothing listens at the master's address."""
    parts = urlsplit(url)
    hosts = parts.netloc.split(",")  # spark://h1:7077,h2:7077 (standby masters)
    errors = []
    for hostport in hosts:
        host, _, port = hostport.rpartition(":")
        if not host or not port.isdigit():
            raise InputError(f"bad Spark master URL '{url}': expected spark://HOST:PORT or sc://HOST:PORT")
        try:
            with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT):
                return
        except OSError as exc:
            errors.append(exc.strerror or type(exc).__name__)
    raise ServiceUnreachable(f"Spark master {url} is unreachable ({'; '.join(errors)}); "
                             "is the cluster running? (--spark-master, [engine] master)")


def _classic(url: str, settings: dict[str, str]) -> SparkSession:
    # Python workers (pandas UDFs of the checks) must run this interpreter, which has pandas and
    # pyarrow; Spark's default is whatever "python3" is first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    logs = log_dir()
    props = logs / "log4j2.properties"
    props.write_text(_LOG4J2.format(log=logs / "spark.log"), encoding="utf-8")
    java_opts = f"-Dlog4j2.configurationFile=file:{props}"
    for k in ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"):
        settings[k] = f"{java_opts} {settings[k]}" if k in settings else java_opts
    host = urlsplit(url).hostname if url.startswith("spark://") else "localhost"
    if url.startswith("local") or host in ("127.0.0.1", "localhost"):
        # a machine-local run needs no network interface (and none is exposed)
        settings.setdefault("spark.driver.host", "127.0.0.1")
        settings.setdefault("spark.driver.bindAddress", "127.0.0.1")
    conf = SparkConf(loadDefaults=False).setMaster(url)
    for k, v in settings.items():
        conf.set(k, v)
    if SparkContext._gateway is None:
        _launch_gateway(conf, logs)
    sc = SparkContext(conf=conf)
    return SparkSession(sc)


def _launch_gateway(conf: SparkConf, logs: Path) -> None:
    """Start the driver JVM with its stdout/stderr in a file, not on the terminal."""
    global _driver_out
    _driver_out = open(logs / "spark-driver.out", "ab")  # kept open for the JVM's lifetime
    gateway = launch_gateway(  # type: ignore[no-untyped-call]  # pyspark leaves it unannotated
        conf, popen_kwargs={"stdout": _driver_out, "stderr": _driver_out})
    SparkContext._gateway = gateway
    SparkContext._jvm = gateway.jvm


def _connect(url: str, settings: dict[str, str]) -> SparkSession:
    try:
        builder = SparkSession.builder.remote(url)
        for k, v in settings.items():
            if not k.startswith(("spark.ui", "spark.app")):
                builder = builder.config(k, v)
        return builder.getOrCreate()
    except ImportError as exc:  # pyspark raises it when grpcio & co are missing
        raise InputError(f"Spark Connect ({url}) needs its client packages: "
                         f"pip install 'pyspark[connect]' ({exc})") from None


__all__ = ["get_spark", "stop_spark", "log_dir", "DEFAULT_MASTER", "DEFAULT_CONF", "CONNECT_TIMEOUT"]
