"""The editor page in real Chromium: paste an article, build the city file, fix it, preview, download.

Starts its own `streamlit run dashboard.py` (tests/browser_support.py). Skips when Chromium is
missing, except under CI, where that is a failure. Saves screenshots to
artifacts/screenshots/editor-*.png (git-ignored).
"""

from __future__ import annotations

import os
import re

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_MISSING,
    EXCEPTION,
    SCREENSHOTS,
    StreamlitServer,
    act_and_wait,
    full_page_screenshot,
    launch_chromium,
    open_page,
)
from test_editor import ARTICLE, _fill


@pytest.fixture(scope="module")
def app_url():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM_MISSING} (CI is set, so browser tests may not be skipped)")
        pytest.skip(CHROMIUM_MISSING)
    with StreamlitServer("dashboard.py", log_name="streamlit-editor-test.log") as server:
        yield server.url


def _in_own_thread(drive, *args):
    """Runs a Playwright session in a thread of its own: the sync API refuses to start inside
    another Playwright session's event loop (tests/test_browser.py keeps one open per session)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(drive, *args).result()


def _with_page(drive, *args):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        try:
            return drive(page, *args)
        finally:
            context.close()
            browser.close()


def _type_into(page, label: str, text: str) -> None:
    """Fills a text area or input by its label and commits it (Streamlit reads it on blur)."""
    box = page.get_by_label(label, exact=False)
    act_and_wait(
        page,
        lambda: (
            box.fill(text),
            box.press("Control+Enter") if box.evaluate("e => e.tagName") == "TEXTAREA" else box.press("Enter"),
        ),
    )


def test_article_to_preview_and_download_in_the_browser(app_url, tmp_path):
    _in_own_thread(_with_page, _article_to_preview_and_download, app_url, tmp_path)


def _article_to_preview_and_download(page, app_url, tmp_path):
    from playwright.sync_api import expect

    main = page.locator("[data-testid='stMain']")
    open_page(page, f"{app_url}/editor")
    _type_into(page, "粘贴文章全文", ARTICLE)
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible(timeout=30_000)
    expect(main.locator("span").filter(has_text="122場").first).to_be_visible()  # highlighted
    _type_into(page, "城市代码", "ceshi")
    full_page_screenshot(page, SCREENSHOTS / "editor-candidates.png")

    act_and_wait(page, lambda: page.get_by_role("button", name="用采用的 3 条生成城市文件").click())
    yaml_box = page.get_by_label("城市文件（YAML）", exact=False)
    expect(yaml_box).to_have_value(re.compile("id: ceshi"), timeout=30_000)
    expect(main).to_contain_text("处问题", timeout=30_000)
    text = yaml_box.input_value()
    full_page_screenshot(page, SCREENSHOTS / "editor-errors.png")

    _type_into(page, "城市文件（YAML）", _fill(text))
    expect(main).to_contain_text("校验通过：3 条数据", timeout=30_000)
    expect(main).to_contain_text("预览已开启")
    full_page_screenshot(page, SCREENSHOTS / "editor-valid.png")

    with page.expect_download() as info:
        page.get_by_role("button", name="下载城市文件 ceshi.yaml").click()
    saved = tmp_path / "ceshi.yaml"
    info.value.save_as(saved)
    assert saved.read_text(encoding="utf-8") == _fill(text)

    act_and_wait(page, lambda: page.get_by_role("link", name="在分类对比中查看").click())
    page.wait_for_url("**/compare**")
    expect(main).to_contain_text("测试市", timeout=30_000)  # the preview notice
    full_page_screenshot(page, SCREENSHOTS / "editor-compare-preview.png")
    assert page.locator(EXCEPTION).count() == 0
    assert not page.js_errors
