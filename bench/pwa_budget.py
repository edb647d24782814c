"""The report form's weight, Lighthouse scores and offline render time (issue: offline first).

Run from a clean clone after `scripts/test` has created .venv (Node.js and npm for Lighthouse):

    .venv/bin/python bench/pwa_budget.py            # 5 runs each, results printed as Markdown

It starts the real server on a loopback port with a fresh SQLite database, measures with Debian's
Chromium, and prints a Markdown section for docs/performance.md. Timings are medians of several
runs and are also given as a ratio to a baseline measured in the same run, because the machine
is shared and noisy.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.helpers import LiveServer, wait_for_service_worker_control  # noqa: E402

CHROMIUM = os.environ.get("LAPOR_CHROMIUM", "/usr/bin/chromium")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
LIGHTHOUSE_RUNS = int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "5"))
BUDGET_BYTES = 50 * 1024
PHONE = {"width": 360, "height": 640}


def transferred_bytes(browser, url: str) -> dict[str, int]:
    """Bytes on the wire (compressed, headers included) per resource type for a cold first load."""
    context = browser.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))

    def finished(event):
        resource = urls.get(event["requestId"], "")
        kind = "icons" if "/icons/" in resource else resource.rsplit("?", 1)[0].rsplit(".", 1)[-1]
        kind = "html" if "/static/" not in resource else kind
        sizes[kind] = sizes.get(kind, 0) + int(event["encodedDataLength"])

    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="networkidle")
    context.close()
    return sizes


def precache_bytes(browser, url: str) -> int:
    """What the service worker downloads on first visit to keep the form usable offline."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(url)
    wait_for_service_worker_control(page)
    total = page.evaluate(
        """async () => { let total = 0;
            for (const name of await caches.keys()) {
              const cache = await caches.open(name);
              for (const request of await cache.keys()) total += (await (await cache.match(request)).arrayBuffer()).byteLength;
            } return total; }"""
    )
    context.close()
    return total


def render_times(browser, server: LiveServer, path: str) -> tuple[list[float], list[float]]:
    """Time to a rendered page (load event) online from the server, then offline from the cache."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.base_url + path)
    wait_for_service_worker_control(page)
    measure = "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"

    def sample() -> list[float]:
        times = []
        for _ in range(RUNS):
            page.reload(wait_until="load")
            times.append(page.evaluate(measure))
        return times

    online = sample()
    server.stop()
    offline = sample()
    server.start()
    context.close()
    return online, offline


def lighthouse(url: str, attempts: int = 3) -> dict[str, float]:
    """One Lighthouse run; Chromium under Lighthouse now and then fails to start, so it is retried."""
    for attempt in range(attempts):
        try:
            return _lighthouse_once(url)
        except subprocess.CalledProcessError:
            if attempt == attempts - 1:
                raise


def _lighthouse_once(url: str) -> dict[str, float]:
    bench = ROOT / "bench"
    if not (bench / "node_modules" / ".bin" / "lighthouse").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], cwd=bench, check=True)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        subprocess.run(
            [
                str(bench / "node_modules" / ".bin" / "lighthouse"), url, "--quiet",
                "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage --disable-gpu",
                "--output=json", f"--output-path={output}",
                "--only-categories=performance,accessibility,best-practices,seo",
            ],
            check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, cwd=bench, capture_output=True,
        )
        categories = json.loads(output.read_text())["categories"]
    return {name: round(category["score"] * 100) for name, category in categories.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder))
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
                sizes = transferred_bytes(browser, server.base_url + "/lapor")
                precache = precache_bytes(browser, server.base_url + "/lapor")
                online, offline = render_times(browser, server, "/lapor")
                browser.close()
            scores = [lighthouse(server.base_url + "/lapor") for _ in range(LIGHTHOUSE_RUNS)]
        finally:
            server.stop()
    print(report(sizes, precache, online, offline, scores))


def report(sizes, precache, online, offline, scores) -> str:
    form_bytes = sum(size for kind, size in sizes.items() if kind != "icons")
    median_online, median_offline = statistics.median(online), statistics.median(offline)
    lines = [
        "## Report form: weight, Lighthouse, offline render",
        "",
        f"Measured by `bench/pwa_budget.py` ({RUNS} runs for timings, {LIGHTHOUSE_RUNS} Lighthouse runs; medians).",
        "",
        "| figure | result | target |",
        "| --- | --- | --- |",
        f"| first load of `/lapor`, cold cache, compressed, icons excluded | {form_bytes / 1024:.1f} KB "
        f"({', '.join(f'{k} {v / 1024:.1f} KB' for k, v in sorted(sizes.items()))}) | ≤ 50 KB |",
        f"| service worker precache on first visit (uncompressed bodies, icons included) | {precache / 1024:.1f} KB | — |",
    ]
    for category in ("performance", "accessibility", "best-practices", "seo"):
        values = [s[category] for s in scores]
        target = {"performance": "≥ 95", "accessibility": "100", "best-practices": "100"}.get(category, "—")
        lines.append(f"| Lighthouse mobile {category} (median of {values}) | {statistics.median(values):.0f} | {target} |")
    lines += [
        f"| `/lapor` rendered from the cache, server stopped (load event) | {median_offline:.0f} ms | < 300 ms |",
        f"| baseline: `/lapor` rendered online from the server, same run | {median_online:.0f} ms | — |",
        f"| offline ÷ online | {median_offline / median_online:.2f} | — |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
