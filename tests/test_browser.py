"""The HTML report in a real headless browser: loads cleanly, filters work, screenshot kept.

Playwright drives Debian's chromium (/usr/bin/chromium); .ci/run installs it and sets
GM_REQUIRE_BROWSER=1, so on CI a missing browser fails instead of skipping. The screenshots
are kept in tests/artifacts/ (not committed) for a human to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gender_mainstream import load_rules, parse_file, review_document, review_text
from gender_mainstream.report.html import render_html

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and os.environ.get("GM_REQUIRE_BROWSER"):
    pytest.fail("chromium is required (GM_REQUIRE_BROWSER) but not installed", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _page_file(tmp_path: Path) -> Path:
    docs = [
        ROOT / "corpora" / "ke-hoach-viec-lam-xa-an-binh-2025.txt",
        ROOT / "corpora" / "quyet-dinh-quy-dinh-tuyen-dung-lao-dong-hop-dong-2025.txt",
    ]
    pack = load_rules()
    reports = [review_document(parse_file(p), rules=pack) for p in docs]
    hostile = review_text(
        "Vị trí bảo vệ: chỉ tuyển nam <script>window.pwned=1</script> "
        '"><img src=x onerror="window.pwned=2">.\n'
    )
    page = tmp_path / "report.html"
    page.write_text(render_html([*reports, hostile]), encoding="utf-8")
    return page


def test_report_loads_filters_and_is_inert(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_file = _page_file(tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            total = page.locator(".finding").count()
            assert total >= 10
            assert page.locator(".finding:not(.hidden)").count() == total
            assert page.evaluate("window.pwned") is None  # the hostile text stayed text
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)

            # Untick "Lồng ghép …": mainstreaming findings disappear, the others stay.
            mainstreaming = page.locator('.finding[data-category="mainstreaming"]').count()
            assert mainstreaming > 0
            page.locator('input[name="category"][value="mainstreaming"]').uncheck()
            visible = page.locator(".finding:not(.hidden)").count()
            assert visible == total - mainstreaming
            assert page.locator("#shown").inner_text() == str(visible)
            # Untick errors too: only warnings and notes of other categories remain.
            page.locator('input[name="severity"][value="error"]').uncheck()
            shown = page.locator(".finding:not(.hidden)")
            assert all(
                shown.nth(i).get_attribute("data-severity") != "error" for i in range(shown.count())
            )
            page.screenshot(path=str(ARTIFACTS / "report-filtered.png"), full_page=True)
            # Evidence links in the scorecard lead to their evidence.
            link = page.locator("table.scorecard a").first
            target = link.get_attribute("href")
            assert target and page.locator(target).count() == 1
        finally:
            browser.close()
    assert problems == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests


def test_batch_dashboard_charts_fit_and_links_open(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from gender_mainstream.batch import run_batch

    docs = tmp_path / "docs"
    docs.mkdir()
    for f in sorted((ROOT / "corpora").glob("*.txt")):
        shutil.copy(f, docs / f.name)
    (docs / "hong.pdf").write_bytes(b"%PDF-1.7 cut short")
    out = tmp_path / "out"
    run_batch([docs], out, jobs=1)
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto((out / "dashboard.html").as_uri())
            assert page.locator("svg").count() >= 6
            # No chart label runs off the left edge of its chart (long issuer names are cut).
            outside = page.evaluate(
                "() => [...document.querySelectorAll('svg text')]"
                ".filter(t => t.getBBox().x < 0).map(t => t.textContent)"
            )
            assert outside == []
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
            # The first document to review opens its own report.
            first = page.locator("table a").first
            name = first.inner_text()
            first.click()
            page.wait_for_load_state()
            assert page.url.endswith(".html") and "/reports/" in page.url
            assert name in page.content()
        finally:
            browser.close()
    assert problems == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
