"""What every end-to-end test needs: the real server as a process, and accessibility checks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page

E2E_DIR = Path(__file__).resolve().parent
AXE_SOURCE = (E2E_DIR / "vendor" / "axe-core-4.14.1.min.js").read_text()
LAPOR = [sys.executable, "-m", "lapor_bencana"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """``lapor run`` in its own process on a loopback port, with its own data directory.

    It can be stopped and started again on the same port and database, as a phone sees a
    server go away and come back.
    """

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self.env = {
            **os.environ,
            "LAPOR_DATA_DIR": str(data_dir),
            "LAPOR_DATABASE_URL": "",
            "LAPOR_REGENCY_CODE": "63.11",
            "LAPOR_SECRET_KEY": "e2e-secret-key-0123456789-0123456789-0123456789",
            "LAPOR_BASE_URL": self.base_url,
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    def lapor(self, *args: str) -> str:
        done = subprocess.run([*LAPOR, *args], env=self.env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"lapor {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, timeout_s: float = 30) -> None:
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [*LAPOR, "run", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer /healthz in {timeout_s} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


def serious_accessibility_violations(page: Page) -> list[dict]:
    """Runs axe-core in the page; returns the serious and critical violations (empty is good)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's CSP does not block it.
        page.evaluate(AXE_SOURCE)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def wait_for_service_worker_control(page: Page) -> None:
    page.evaluate(
        """() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller ? true :
             new Promise(resolve => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true))))"""
    )
