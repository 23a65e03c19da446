"""The started platform the SDK's tests run against: ``npm start`` (scripts/start.js) in a new
directory, on the default ports, stopped with Ctrl-C at the end. ``QAUTLRA_TEST_PLATFORM=running``
uses one that is already running instead."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "clients" / "python"))


class Platform:
    market_url = "ws://localhost:8014/ws/market"
    trade_url = "ws://localhost:7988/ws/trade"
    tsdb_url = "http://localhost:18000"
    fund_url = "http://localhost:8020"
    backtest_url = "http://localhost:8021"
    page_url = "http://localhost:8000"

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def instruments(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen("http://localhost:8014/api/instruments", timeout=10) as response:
            return json.loads(response.read())

    def components(self) -> list[dict[str, Any]]:
        request = urllib.request.Request(self.page_url + "/", headers={"accept": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["components"]


def _start() -> tuple[subprocess.Popen[bytes], Path, list[str]]:
    cwd = Path(tempfile.mkdtemp(prefix="qautlra-pytest-"))
    process = subprocess.Popen(
        ["node", str(ROOT / "scripts" / "start.js")],
        cwd=cwd,
        env={**os.environ, "LOG_LEVEL": "warn"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.decode("utf-8", "replace"))

    threading.Thread(target=read, daemon=True).start()
    # A hang guard for a loaded machine, not a measurement.
    deadline = time.monotonic() + 420
    while not any("QAUTLRA is running" in line for line in output):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("npm start did not come up:\n" + "".join(output)[-4000:])
        time.sleep(0.1)
    return process, cwd, output


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    if os.environ.get("QAUTLRA_TEST_PLATFORM") == "running":
        yield Platform(Path.cwd())
        return
    process, cwd, _ = _start()
    try:
        yield Platform(cwd)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def rebar(platform: Platform) -> dict[str, Any]:
    """A listed rebar contract of the sim (the one the `SHFE.rb888` alias follows)."""
    listed = platform.instruments()
    return next(item for item in listed if item.get("product") == "RB")
