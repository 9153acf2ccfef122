"""Helpers, not tests: the exported verifier page in a real headless Chromium, with no network.

Every request the page makes, other than loading its own file, is recorded and aborted, and
the browser context is offline: a page that tried to fetch anything fails the test that
asserts ``requests`` is empty.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VERDICTS = ("valid", "expired", "revoked", "superseded", "unknown_issuer", "altered_or_forged", "unreadable")


@dataclass
class OfflinePage:
    page: object  # playwright.sync_api.Page
    file: Path
    requests: list[str] = field(default_factory=list)

    def open(self, fragment: str = "") -> None:
        """Load the page afresh (with ``fragment`` after '#', as a scanned URL would)."""
        self.page.goto("about:blank")
        self.page.goto(self.file.as_uri() + ("#" + fragment if fragment else ""))

    def verdict(self) -> str:
        """Wait for the page's verdict and return it (``data-verdict`` on #verdict)."""
        self.page.wait_for_function(
            "v => v.includes(document.getElementById('verdict').dataset.verdict)", arg=list(VERDICTS)
        )
        return self.page.get_attribute("#verdict", "data-verdict")

    def check_text(self, text: str) -> str:
        self.page.fill("#text-input", text)
        self.page.evaluate("document.getElementById('verdict').dataset.verdict = ''")
        self.page.click("#check-button")
        return self.verdict()

    def check_image(self, image: Path) -> str:
        self.page.evaluate("document.getElementById('verdict').dataset.verdict = ''")
        self.page.set_input_files("#file-input", str(image))
        return self.verdict()


@contextlib.contextmanager
def offline_page(html_file: Path, *, viewport: tuple[int, int] = (1280, 900)) -> Iterator[OfflinePage]:
    from playwright.sync_api import sync_playwright

    if shutil.which(CHROMIUM) is None:
        raise RuntimeError(f"{CHROMIUM} (Debian's chromium) is needed for the verifier page tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block"
            )
            own = html_file.resolve().as_uri()
            harness = OfflinePage(None, html_file.resolve())

            def route(r) -> None:  # type: ignore[no-untyped-def]
                url = r.request.url.split("#")[0]
                if url in (own, "about:blank"):
                    r.continue_()
                else:
                    harness.requests.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            context.set_offline(True)
            page = context.new_page()
            page.on(
                "request",
                lambda req: None if req.url.split("#")[0] in (own, "about:blank") else harness.requests.append(req.url),
            )
            harness.page = page
            yield harness
        finally:
            browser.close()
