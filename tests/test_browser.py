"""Real-browser tests: Playwright driving Debian's Chromium (``/usr/bin/chromium``; never a downloaded browser).

(a) The Dagster webserver, on a loopback port with a temporary DAGSTER_HOME, draws the global asset graph with a
node for every asset group of the definitions. (b) A pack's ``index.html`` (opened from disk) renders its charts,
axis titles and release facts with no console error. ``make test`` installs Chromium (apt) and the pinned
``playwright`` package; a missing browser fails here with what to install.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from crafted_marts import JUNE, NE, make_marts
from playwright.sync_api import Browser, sync_playwright

from orchestration.publication import ReleaseInfo, publish_region_pack
from orchestration.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WEBSERVER_START_SECONDS = 180


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with 'sudo apt-get install -y chromium' "
            "(make test does this when run as root), then run the tests again"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("dagster_home")
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    for name in ("JOURNEYS_LANDING", "JOURNEYS_WAREHOUSE", "JOURNEYS_SERVING", "JOURNEYS_PUBLICATIONS"):
        env[name] = str(home / name.lower())
    server = Path(sys.executable).parent / "dagster-webserver"
    command = [str(server), "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)]
    log = (home / "webserver.log").open("w")
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WEBSERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"dagster-webserver exited with {process.returncode}: see {home / 'webserver.log'}")
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"dagster-webserver did not answer within {WEBSERVER_START_SECONDS}s")
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_dagster_ui_draws_the_asset_graph_with_every_group(browser: Browser, webserver: str) -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {"ingest", "gate", "marts", "serving", "publication"} <= groups
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{webserver}/asset-groups", wait_until="domcontentloaded")
        page.get_by_text("Global asset lineage").first.wait_for(timeout=60_000)
        # each group is drawn as one node (a foreignObject of the graph's SVG) labelled with the group's name
        page.wait_for_function(
            "n => document.querySelectorAll('svg foreignObject').length >= n", arg=len(groups), timeout=60_000
        )
        drawn = page.evaluate(
            "() => Array.from(document.querySelectorAll('svg foreignObject'), f => (f.textContent || '').trim())"
        )
        assert {label for label in drawn if label in groups} == groups, drawn
    finally:
        page.close()


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packs")
    con = duckdb.connect()
    make_marts(con)
    release = ReleaseInfo(synthetic=True, status="synthetic data for demonstration")
    summary = publish_region_pack(con, NE, JUNE, out, months_back=2, release=release)
    con.close()
    return summary.path


def test_pack_page_renders_its_charts_without_console_errors(browser: Browser, pack: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    try:
        page.goto((pack / "index.html").as_uri(), wait_until="load")
        charts = page.locator("svg.chart")
        assert charts.count() == 4
        for i in range(charts.count()):
            chart = charts.nth(i)
            box = chart.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 150
            assert chart.locator(".x-title").count() == 1 and chart.locator(".y-title").count() == 1
            assert "%" in chart.locator(".y-title").text_content()
            assert chart.locator("circle, rect").count() > 0
        # a suppressed point is explained below the x axis, never drawn on the 0% line
        for mark in page.locator("svg.chart text.suppressed").all():
            axis = mark.locator("xpath=..").locator("line.axis").bounding_box()
            box = mark.bounding_box()
            assert axis is not None and box is not None and box["y"] > axis["y"]
        body = page.inner_text("body")
        for fact in ("Published", "Next release", "Statistics status", "Source", "Revisions", "Contact"):
            assert fact in body
        assert "Synthetic data." in body and "5 July 2025" in body
        assert page.locator("td.suppressed").count() > 0
        assert errors == []
    finally:
        page.close()
