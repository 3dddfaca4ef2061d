"""The HTML pages in a real browser: the system's Chromium, driven by Playwright, against gunicorn.

What only a browser can tell: that the pages load under the strict Content-Security-Policy
with no console error, blocked script or failed request; that axe-core finds no accessibility
violation on any of them; that the CSRF cookie and token survive a real form submission; and
that hostile input is shown as text instead of running.

The browser is the one installed on the machine (CHROMIUM_PATH, or chromium / google-chrome on
PATH), never one downloaded by `playwright install`. Without one the module is skipped, saying
what to install, except in CI, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import (
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Response,
    sync_playwright,
)

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from ..conftest import missing_prerequisite, user_count
from ..servers import Server

pytestmark = pytest.mark.e2e

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless, and nothing that reaches out to the internet on its own: these tests must run
# offline and see only the requests the pages make.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A page of this app answers in milliseconds; a failing test should not wait Playwright's 30 s.
TIMEOUT_MS = 5_000
STYLESHEET_PATH = "/static/css/app.css"
# Installed before any of the page's own code, outside its CSP: every violation the browser
# reports for the document lands in window.__cspViolations.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`
  );
}, true);
"""


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH", "").strip()
    if configured:
        # Used as given: a wrong path must fail loudly, not fall back to another browser.
        return configured
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = find_chromium()
if CHROMIUM is None:
    missing_prerequisite(
        "no Chromium found for the browser tests: install it (Debian/Ubuntu: `sudo apt-get "
        "install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome executable"
    )
# axe-core, from the axe-playwright-python package: no download at run time.
AXE = Axe()


def accessibility_violations(page: Page) -> list[str]:
    """axe-core's findings on the page as it is now: rule, impact and the elements that fail."""
    violations = AXE.run(page).response["violations"]
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in violations
    ]


@dataclass
class WatchedPage:
    """A browser tab and every problem the browser reported while it was open."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list, repr=False)

    def on_console(self, message: ConsoleMessage) -> None:
        # CSP violations are reported here too, as errors ("Refused to execute ...").
        if message.type == "error":
            location = message.location
            self.console_errors.append(f"{message.text} ({location.get('url')})")

    def on_page_error(self, error: Exception) -> None:
        self.page_errors.append(str(error))

    def on_request_failed(self, request: Request) -> None:
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def on_response(self, response: Response) -> None:
        self.responses.append(response)
        if response.status >= 400:
            self.error_responses.append(
                f"{response.status} {response.request.method} {response.url}"
            )

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def csp_violations(self) -> list[str]:
        """Violations in the current document (the recorder starts afresh on each page)."""
        return list(self.page.evaluate("window.__cspViolations"))

    def problems(self) -> dict[str, list[str]]:
        """Every kind of problem seen, with its reports; empty when the page is clean."""
        reports = {
            "accessibility violations": accessibility_violations(self.page),
            "console errors": self.console_errors,
            "CSP violations": self.csp_violations(),
            "uncaught exceptions": self.page_errors,
            "failed requests": self.failed_requests,
            "error responses": self.error_responses,
            "dialogs": self.dialogs,
        }
        return {kind: found for kind, found in reports.items() if found}

    def assert_stylesheet_applied(self) -> None:
        fetched = [r for r in self.responses if r.url.endswith(STYLESHEET_PATH)]
        # 304 when an earlier page already fetched it: Flask asks browsers to revalidate.
        assert fetched, "the page never requested the stylesheet"
        assert {r.status for r in fetched} <= {200, 304}, [r.status for r in fetched]
        assert {r.headers["content-type"] for r in fetched if r.status == 200} <= {
            "text/css; charset=utf-8"
        }
        # Fetched is not enough: a stylesheet the browser refused (CSP, or a wrong type under
        # nosniff) is not in document.styleSheets, and an empty one has no rules.
        rules = self.page.evaluate(
            """path => [...document.styleSheets]
              .filter(sheet => sheet.href && new URL(sheet.href).pathname === path)
              .map(sheet => sheet.cssRules.length)""",
            STYLESHEET_PATH,
        )
        assert len(rules) == 1, "the stylesheet is not applied to the page"
        assert rules[0] > 0, "the stylesheet has no rules"

    def assert_icon_available(self) -> None:
        # Checked directly: the browser fetches the icon after the page has loaded, too late
        # for problems() to be sure of seeing it fail.
        icon = self.page.evaluate("document.querySelector('link[rel=icon]')?.getAttribute('href')")
        assert icon, "no <link rel=icon>: browsers ask for /favicon.ico instead and log its 404"
        assert self.page.request.get(icon).status == 200, icon


@pytest.fixture(scope="module")
def browser_page(live_server: Server) -> Iterator[Page]:
    """One Chromium and one tab, shared by the module's tests.

    Starting the browser is the slow part (about a second), and every new tab costs another
    renderer process, so the tests reuse this one.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        yield page
        browser.close()


@pytest.fixture
def tab(browser_page: Page) -> Iterator[WatchedPage]:
    """The shared tab, without cookies (no session left by another test), recording problems."""
    page = browser_page
    page.context.clear_cookies()
    watched = WatchedPage(page)
    handlers: dict[str, Callable[..., None]] = {
        "console": watched.on_console,
        "pageerror": watched.on_page_error,
        "requestfailed": watched.on_request_failed,
        "response": watched.on_response,
        "dialog": watched.on_dialog,
    }
    for event, handler in handlers.items():
        page.on(event, handler)  # type: ignore[call-overload]
    yield watched
    for event, handler in handlers.items():
        page.remove_listener(event, handler)
    # Leave nothing of this test's page running into the next test.
    page.goto("about:blank")


def submit_user_form(
    page: Page, username: str, email: str, tamper_with_token: str | None = None
) -> Response:
    """Fill in and submit the create form on /users as a person would; the POST's response.

    tamper_with_token: JavaScript (a function of the hidden token input) run before submitting.
    Returns once the page the POST leads to has loaded.
    """
    page.goto("/users")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(email)
    assert page.locator("input[name=csrf_token]").count() == 1, "the form has no CSRF token"
    if tamper_with_token:
        page.locator("input[name=csrf_token]").evaluate(tamper_with_token)
    with page.expect_event("load"), page.expect_response(is_form_post) as posted:
        page.get_by_role("button", name="Create user").click()
    return posted.value


def is_form_post(response: Response) -> bool:
    return response.request.method == "POST"


@pytest.mark.parametrize("path", ["/", "/users"])
def test_page_loads_without_console_errors_or_csp_violations(tab: WatchedPage, path: str) -> None:
    response = tab.page.goto(path)
    assert response is not None
    assert response.status == 200
    assert tab.page.get_by_role("heading", level=1).is_visible()
    tab.assert_stylesheet_applied()
    tab.assert_icon_available()
    assert tab.problems() == {}


def test_a_long_list_pages_with_labelled_navigation(app: Flask, tab: WatchedPage) -> None:
    # One more user than a page holds, the last through the form, so that the server knows
    # of the write (and drops any list it cached): the pager appears beside the site's menu.
    with app.app_context():
        users = [{"username": f"user{n:02d}", "email": f"u{n:02d}@example.com"} for n in range(20)]
        db.session.execute(sa.insert(User), users)
        db.session.commit()
    assert submit_user_form(tab.page, "user20", "u20@example.com").status == 303
    # Let the page the form led to finish its own requests (its icon), or leaving it at once
    # would abort them and count as failed requests.
    tab.page.wait_for_load_state("networkidle")
    for page in (1, 2):
        response = tab.page.goto(f"/users?page={page}")
        assert response is not None
        assert response.status == 200
        # axe-core's landmark-unique rule: two navigation landmarks need different labels.
        assert tab.problems() == {}
        navigation = tab.page.get_by_role("navigation")
        assert [nav.get_attribute("aria-label") for nav in navigation.all()] == [
            "Main",
            "Pages of users",
        ]


def test_the_accessibility_check_catches_a_violation(tab: WatchedPage) -> None:
    """The zero-violation checks above can fail: an image without a text alternative is caught."""
    tab.page.goto("/")
    assert tab.problems() == {}
    tab.page.evaluate(
        """() => {
          const image = document.createElement("img");
          image.src = "/static/favicon.svg";
          document.querySelector("main").append(image);
        }"""
    )
    problems = tab.problems()
    assert list(problems) == ["accessibility violations"], problems
    assert problems["accessibility violations"][0].startswith("image-alt (critical)"), problems


def test_create_user_form_completes_the_csrf_round_trip(app: Flask, tab: WatchedPage) -> None:
    posted = submit_user_form(tab.page, "alice", "alice@example.com")

    assert posted.status == 303, posted.text()
    assert tab.page.url.endswith("/users")
    assert tab.page.get_by_role("status").inner_text() == "Created user alice."
    row = tab.page.get_by_role("row").filter(has_text="alice@example.com")
    assert row.get_by_role("cell").all_inner_texts()[1:3] == ["alice", "alice@example.com"]
    # The CSRF token is checked against the session cookie, which is Secure even here: the
    # round trip works because Chromium keeps Secure cookies for http://127.0.0.1 (loopback
    # is a trustworthy origin).
    session = [c for c in tab.page.context.cookies() if c["name"] == "session"]
    assert [(c["secure"], c["httpOnly"], c["sameSite"]) for c in session] == [(True, True, "Lax")]
    assert tab.problems() == {}


@pytest.mark.parametrize(
    "username",
    [
        "<script>window.__pwned = 1</script>",
        '<img src=x onerror="window.__pwned = 1; alert(1)">',
    ],
    ids=["script-tag", "img-onerror"],
)
def test_hostile_username_is_listed_as_text_and_never_runs(
    app: Flask, tab: WatchedPage, username: str
) -> None:
    posted = submit_user_form(tab.page, username, "mallory@example.com")

    assert posted.status == 303, posted.text()
    assert tab.page.get_by_role("status").inner_text() == f"Created user {username}."
    assert tab.page.get_by_role("cell", name=username, exact=True).count() == 1
    assert tab.page.evaluate("typeof window.__pwned") == "undefined"
    # Escaped markup creates no elements; unescaped, it would be here even if CSP blocked it.
    assert tab.page.locator("main script, main img").count() == 0
    # Also empty if the markup got through but CSP stopped it: that would show up as a
    # violation, so this catches a lost escape even while CSP still holds.
    assert tab.problems() == {}


def test_csp_violation_detector_catches_an_inline_script(tab: WatchedPage) -> None:
    """The zero-violation checks above can fail: an inline script without the nonce is caught."""
    tab.page.goto("/")
    assert tab.problems() == {}

    with tab.page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        # An inline script added to the DOM runs at once, unless the CSP blocks it.
        inline_script_ran = tab.page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.__inlineRan = true";
              document.body.append(script);
              return window.__inlineRan === true;
            }"""
        )
        assert not inline_script_ran, "an inline script without the nonce ran: CSP allows it"
    tab.page.wait_for_function("window.__cspViolations.length > 0")

    problems = tab.problems()
    assert set(problems) == {"console errors", "CSP violations"}
    assert len(problems["CSP violations"]) == 1
    assert problems["CSP violations"][0].startswith("script-src-elem blocked inline"), problems


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("token => { token.value = 'forged'; }", "The CSRF token is invalid."),
        ("token => token.remove()", "The CSRF token is missing."),
    ],
    ids=["forged", "missing"],
)
def test_form_with_a_forged_or_missing_csrf_token_is_refused(
    app: Flask, tab: WatchedPage, tamper: str, reason: str
) -> None:
    page = tab.page
    posted = submit_user_form(page, "alice", "alice@example.com", tamper_with_token=tamper)

    assert posted.status == 400
    assert posted.headers["content-type"] == "text/html; charset=utf-8"
    assert page.get_by_role("heading", level=1).inner_text() == "400 · Bad Request"
    assert reason in page.locator("main").inner_text()
    assert "Traceback" not in page.content()
    tab.assert_stylesheet_applied()
    tab.assert_icon_available()
    problems = tab.problems()
    assert problems.pop("error responses") == [f"400 POST {page.url}"]
    # Chromium logs the refused page itself as a failed resource; nothing else may go wrong.
    console_errors = problems.pop("console errors")
    assert len(console_errors) == 1, console_errors
    assert "status of 400" in console_errors[0], console_errors
    assert problems == {}
    assert user_count(app) == 0
