"""axe-core over every public page type, at desktop and phone widths, in Debian's Chromium.

The same walk checks the Content-Security-Policy: any violation the browser reports on a page
(a `securitypolicyviolation` event, or a console message about the policy) and any uncaught
JavaScript error fails that page's `test_no_policy_violation_or_script_error`. To check a new page
type, add it to PAGES: both checks then cover it.

axe-core comes from npm at the version package-lock.json pins (`make test` runs `npm ci`) and is
injected into each page by Playwright. A page fails on any violation axe rates serious or
critical, and on a few lesser rules named below; the message lists each rule, its impact and
the selectors of the offending elements.

The demo content (`load_demo`: extracted, tagged and indexed as on `make run`) is built once and
axe runs over the whole site in one pass, the first time a test here asks for the report. Each
page type is then its own test reading its part of that report, so one page's violations never
hide another's, and a known violation can be marked on its own page. Set A11Y_SCREENSHOTS to a
folder to get a full-page screenshot of every page at both widths.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command

# Declared on every test, not asked for inside the fixture: pytest-django decides at collection
# whether to keep a copy of what the migrations created (the taxonomy, the home page), and only
# then can a transactional test put it back after an earlier one emptied the database.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.elasticsearch,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
FAILING_IMPACTS = {"serious", "critical"}
# Moderate in axe, failing here: two unnamed search landmarks on one page sound alike to a screen reader.
ALSO_FAILING = {"landmark-unique"}
LOCKED_OUT_USER = "locked.out@example.org"


def _sign_in_locked_out(page, url: str):
    """Try to sign in as a user whose attempts are used up: the answer is the lockout page."""
    page.goto(url)
    page.locator("#id_username").fill(LOCKED_OUT_USER)
    page.locator("#id_password").fill("still-wrong")
    with page.expect_navigation() as navigation:
        page.locator("#id_password").press("Enter")
    return navigation.value


@dataclasses.dataclass(frozen=True)
class PublicPage:
    """One public page type: its address on the demo site, and how to bring it about."""

    name: str
    path: str  # an address, or "<key>" for one worked out from the demo content (_demo_paths)
    status: int = 200
    ready: str = "main"  # a selector that exists once the page is ready to be checked
    fault: str = ""  # how the search backend fails while the page is shown (_fault)
    clicks: tuple[str, ...] = ()  # controls to click first, to check what they reveal
    visit: Callable | None = None  # how to reach the page, when it is not by its address alone


def _fault(kind: str) -> Exception:
    """What the search backend raises for a page shown while search is broken."""
    from search.exceptions import SearchRejected, SearchUnavailable

    return {
        "rejected": SearchRejected(),
        "unavailable": SearchUnavailable(),
        "crash": RuntimeError("raised on purpose by the accessibility test"),
    }[kind]


PAGES = [
    PublicPage("home", "/"),
    PublicPage("standard page (about)", "/about/"),
    PublicPage("publication index", "/publications/"),
    PublicPage("publication page", "<publication>"),
    PublicPage("embargoed publication page", "<embargoed_publication>"),
    PublicPage("search page, no query", "/search/"),
    PublicPage("search results", "/search/?q=recruitment+fees+Nepal"),
    PublicPage("search results, filtered", "/search/?q=recruitment&country=NP&type=lecture&type=policy_brief"),
    PublicPage("search results, page 2", "/search/?q=migrant+workers&page=2"),
    PublicPage("search, nothing found", "/search/?q=zzyzx+qwerty"),
    PublicPage("search refused", "/search/?q=recruitment", status=400, fault="rejected"),
    PublicPage("search unavailable", "/search/?q=recruitment", status=503, fault="unavailable"),
    PublicPage("evidence map", "/evidence-map/"),
    PublicPage("themes, countries and GCM objectives", "/themes/"),
    PublicPage("theme landing page", "/themes/fair-recruitment/"),
    PublicPage("country landing page", "/countries/NP/"),
    PublicPage("GCM objective landing page", "/gcm/6/"),
    PublicPage("lecture index", "/lectures/"),
    PublicPage("upcoming lecture with the registration form", "<upcoming_lecture>"),
    PublicPage("past lecture", "<past_lecture>"),
    PublicPage("cancel a registration (signed link)", "<cancel_link>"),
    PublicPage("delete one's details (signed link)", "<forget_link>"),
    PublicPage("signed link that is not valid", "/lectures/registration/cancel/not-a-token/", status=400),
    PublicPage("API docs", "/api/v1/docs", ready=".swagger-ui .info .title"),
    PublicPage(
        "API docs, an operation opened",
        "/api/v1/docs",
        ready=".swagger-ui .opblock-body",
        clicks=(".swagger-ui .opblock-summary-control >> nth=0",),
    ),
    PublicPage(
        "API docs, a request tried out",
        "/api/v1/docs",
        ready=".swagger-ui .live-responses-table",
        clicks=(".swagger-ui .opblock-summary-control >> nth=0", ".swagger-ui .try-out__btn", ".swagger-ui .execute"),
    ),
    PublicPage("page not found (404)", "/no-such-page/", status=404),
    PublicPage("document not yet available", "<embargoed_pdf>", status=403),
    PublicPage("sign-in paused after failed attempts", "/admin/login/", status=429, visit=_sign_in_locked_out),
    PublicPage("server error (500)", "/search/?q=recruitment", status=500, fault="crash"),
]

# Violations in templates that other changes of issue 12 are rewriting at the same time: marked
# here by page, naming the rule and the element, so the check still runs, until those changes land.
KNOWN: dict[str, str] = {}


@dataclasses.dataclass
class PageReport:
    url: str
    status: dict[str, int | None] = dataclasses.field(default_factory=dict)  # width name -> HTTP status
    violations: dict[str, list[dict]] = dataclasses.field(default_factory=dict)  # width name -> failing ones
    elsewhere: set[str] = dataclasses.field(default_factory=set)  # requests that did not go to the hub
    # width name -> what the browser refused under the CSP, and uncaught script errors
    policy_errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)


_report: dict[str, PageReport] = {}


def _demo_paths() -> dict[str, str]:
    """Addresses that depend on the demo content, and a registration to make signed links for."""
    from django.test import Client
    from django.utils import timezone

    from lectures.models import LecturePage
    from lectures.services import RegistrantDetails, register
    from lectures.tokens import FORGET_SALT, make_token
    from publications.models import PublicationPage

    now = timezone.now()
    upcoming = LecturePage.objects.live().filter(start__gt=now).order_by("start").first()
    past = LecturePage.objects.live().filter(end__lt=now).exclude(transcript="").order_by("-start").first()
    embargoed = PublicationPage.objects.live().filter(embargo_until__gt=now.date()).exclude(pdf=None).first()
    public = PublicationPage.objects.live().filter(embargo_until__isnull=True).exclude(pdf=None)
    publication = public.filter(related_publications__isnull=False).first() or public.first()
    email = "asha.gurung@example.org"
    registration = register(upcoming.pk, RegistrantDetails(name="Asha Gurung", email=email, consent=True)).registration
    # Used-up sign-in attempts, so the browser's next one meets the lockout page.
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": LOCKED_OUT_USER, "password": "wrong"})
    return {
        "publication": publication.url,
        "embargoed_publication": embargoed.url,
        "embargoed_pdf": embargoed.pdf.url,
        "upcoming_lecture": upcoming.url,
        "past_lecture": past.url,
        "cancel_link": f"/lectures/registration/cancel/{make_token(registration.pk, email)}/",
        "forget_link": f"/lectures/registration/forget/{make_token(registration.pk, email, salt=FORGET_SALT)}/",
    }


def _address(spec: PublicPage, paths: dict[str, str]) -> str:
    return paths[spec.path[1:-1]] if spec.path.startswith("<") else spec.path


def _failing(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS or v["id"] in ALSO_FAILING]


# Registered before any page script runs (Playwright's init scripts are exempt from the page's CSP).
LISTEN_FOR_VIOLATIONS = """
window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__policyViolations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || "inline code"}`
        + ` at ${event.sourceFile}:${event.lineNumber}`
    );
}, true);
"""


def _run_axe(page) -> list[dict]:
    # Evaluated, not added as a <script> element: the page's CSP refuses inline scripts, and
    # Playwright's evaluation is not subject to it.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.map(String),
                    why: [...n.any, ...n.all, ...n.none].map(check => check.message).join(" "),
                })),
            }));
        }"""
    )


def _check(page, spec: PublicPage, url: str, errors: list[str]) -> tuple[int | None, list[dict], list[str]]:
    """Visit one page: its status, axe's violations, and the policy violations and script errors seen."""
    patch = mock.patch("search.faceted.run_search", side_effect=_fault(spec.fault)) if spec.fault else nullcontext()
    errors.clear()
    with patch:
        response = spec.visit(page, url) if spec.visit else page.goto(url)
        for control in spec.clicks:
            page.locator(control).click()
        page.wait_for_selector(spec.ready)
    seen = list(errors) + page.evaluate("window.__policyViolations || []")
    return (response.status if response else None), _run_axe(page), seen


def _watch_errors(page) -> list[str]:
    """Collect uncaught script errors and the console's complaints about the CSP on this page."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def _build_report(live_server, browser) -> None:
    """Load the demo, then visit every page at every width and keep what axe finds."""
    from search import indexing
    from themes.services.models import active_model

    active_model()  # the trained tagger, for load_demo's tagging
    call_command("load_demo", stdout=io.StringIO())
    call_command("search_index", "--rebuild", stdout=io.StringIO())
    indexing.refresh()
    paths = _demo_paths()
    screenshots = os.environ.get("A11Y_SCREENSHOTS")
    reports = {spec.name: PageReport(url=_address(spec, paths)) for spec in PAGES}
    current: list[PageReport] = []

    def note_elsewhere(request) -> None:
        # Every request a page makes must go to the hub itself: no CDN, no web font, no provider's player.
        if not request.url.startswith((live_server.url, "data:", "blob:")) and current:
            current[-1].elsewhere.add(request.url)

    for width_name, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport)
        context.add_init_script(LISTEN_FOR_VIOLATIONS)
        page = context.new_page()
        page.on("request", note_elsewhere)
        errors = _watch_errors(page)
        for spec in PAGES:
            report = reports[spec.name]
            current.append(report)
            report.status[width_name], violations, seen = _check(page, spec, live_server.url + report.url, errors)
            report.violations[width_name] = _failing(violations)
            report.policy_errors[width_name] = seen
            if screenshots:
                slug = "".join(c if c.isalnum() else "-" for c in spec.name)
                page.screenshot(path=f"{screenshots}/{slug}-{width_name}.png", full_page=True)
        context.close()
    _report.update(reports)


@pytest.fixture
def axe_report(request) -> dict[str, PageReport]:
    """The report for the whole site, built by the first test that asks for it.

    Only that test needs the index and the browser, so only it asks for them; every test has the
    transactional database the suite's other browser tests have, restored afterwards.
    """
    if not _report:
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make test does) to install axe-core.")
        request.getfixturevalue("search_index")
        _build_report(request.getfixturevalue("live_server"), request.getfixturevalue("browser"))
    return _report


def _describe(report: PageReport) -> str:
    lines = []
    for width_name, violations in report.violations.items():
        for violation in violations:
            lines.append(f"  [{width_name}] {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.append(f"    e.g. {violation['nodes'][0]['why']}")
            lines += [f"      {' '.join(node['target'])}" for node in violation["nodes"][:10]]
            if len(violation["nodes"]) > 10:
                lines.append(f"      ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(spec, id=spec.name, marks=[pytest.mark.xfail(reason=KNOWN[spec.name], strict=True)])
        if spec.name in KNOWN
        else pytest.param(spec, id=spec.name)
        for spec in PAGES
    ],
)
def test_no_serious_accessibility_violations(spec: PublicPage, axe_report: dict[str, PageReport]):
    report = axe_report[spec.name]
    assert set(report.status.values()) == {spec.status}, f"{spec.name}: {report.url} answered {report.status}"
    found = _describe(report)
    assert not found, f"axe found serious or critical violations on {spec.name} ({report.url}):\n{found}"


def test_every_request_goes_to_the_hub(axe_report: dict[str, PageReport]):
    elsewhere = {name: sorted(report.elsewhere) for name, report in axe_report.items() if report.elsewhere}
    assert not elsewhere, f"pages asked other hosts for something: {elsewhere}"


@pytest.mark.parametrize("spec", [pytest.param(spec, id=spec.name) for spec in PAGES])
def test_no_policy_violation_or_script_error(spec: PublicPage, axe_report: dict[str, PageReport]):
    """The strict public CSP (no inline script or style) holds on every page, and no script fails."""
    report = axe_report[spec.name]
    found = [f"  [{width}] {error}" for width, errors in report.policy_errors.items() for error in errors]
    assert not found, f"{spec.name} ({report.url}):\n" + "\n".join(found)


def test_the_walk_sees_inline_code_refused_and_script_errors(browser):
    """The checks above could fail: a page with inline script and style under the policy is caught."""
    policy = "; ".join(f"{name} {' '.join(sources)}" for name, sources in settings.PUBLIC_CSP_DIRECTIVES.items())
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title><script>window.ran = true;</script></head>'
        '<body><main><p style="color: red">styled</p><script src="/broken.js"></script></main></body></html>'
    )
    context = browser.new_context()
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    page = context.new_page()
    page.route(
        "http://hub.test/**",
        lambda route: (
            route.fulfill(
                status=200,
                headers={"Content-Type": "text/html", "Content-Security-Policy": policy},
                body=html,
            )
            if route.request.url.endswith("/page")
            else route.fulfill(status=200, headers={"Content-Type": "text/javascript"}, body="undefinedFunction();")
        ),
    )
    errors = _watch_errors(page)
    status, _, seen = _check(page, PublicPage("probe", "/page"), "http://hub.test/page", errors)
    context.close()
    assert status == 200
    assert any(error.startswith("script-src-elem refused inline") for error in seen), seen
    assert any(error.startswith("style-src-attr refused inline") for error in seen), seen
    assert any("undefinedFunction is not defined" in error for error in seen), seen
