"""One headless Chromium for the whole session, driven by Playwright, and the pages it opens.

The browser is Debian's chromium (``.ci/run`` installs it); axe-core comes from the npm
registry into ``.browser-tools`` (also ``.ci/run``). Neither is optional: a missing one
fails the tests with the command that installs it, so CI can never pass without looking.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from publisher.config import load_config
from publisher.preview import Preview, build_preview
from tests.browser.gallery import NOW, build_gallery

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(os.environ.get("AXE_CORE_JS",
                          ROOT / ".browser-tools/node_modules/axe-core/axe.min.js"))
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", ROOT / "artifacts/screenshots"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install -y chromium` (as .ci/run does)")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's own sandbox refuses to start.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Nothing may leave the machine: a page that reaches for the network fails its test.
    context.route(lambda url: not url.startswith(("file:", "data:", "http://127.0.0.1")),
                  lambda route: route.abort())
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    folder = tmp_path_factory.mktemp("gallery")
    root = build_gallery(folder / "repo")
    return build_preview(load_config(root, None), NOW, folder / "out")


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    """The preview a user sees first: this project's example posts."""
    out = tmp_path_factory.mktemp("examples") / "preview"
    return build_preview(load_config(ROOT, None), NOW, out)


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm install --prefix .browser-tools axe-core@4` "
                    "(as .ci/run does)")
    return AXE


def url_of(preview: Preview, post: str | None = None) -> str:
    if post is None:
        return preview.index.as_uri()
    entry = next(e for e in preview.entries if e.path == post)
    assert entry.page
    return (preview.out / entry.page).as_uri()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
