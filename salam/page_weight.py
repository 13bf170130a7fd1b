"""Page weight: the CSS and JavaScript each public page type loads, and any request it would send elsewhere.

Used by `manage.py page_weight` and its test. A page is rendered in-process (Django's test client),
its <link rel="stylesheet"> and <script src> are summed from the static files (or fetched from
the hub when a view serves them), uncompressed, so the figure is the worst case.
"""

from __future__ import annotations

import dataclasses
import logging
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

logger = logging.getLogger(__name__)

LIMIT_BYTES = 100 * 1024
# Attributes through which a browser fetches something by itself (links to follow are not requests).
FETCHING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
# <link rel=...> values that make the browser fetch the target.
FETCHING_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest", "apple-touch-icon"}


@dataclasses.dataclass
class PageWeight:
    """What one page loads: its status, CSS and JS bytes, and references to other hosts."""

    name: str
    path: str
    status: int
    css: dict[str, int] = dataclasses.field(default_factory=dict)
    js: dict[str, int] = dataclasses.field(default_factory=dict)
    external: list[str] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.css.values()) + sum(self.js.values())


class _AssetParser(HTMLParser):
    """Collects stylesheets, scripts and every URL the page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & FETCHING_RELS and values.get("href"):
                self.fetched.append(values["href"])
                if "stylesheet" in rels:
                    self.stylesheets.append(values["href"])
            return
        if tag == "script" and values.get("src"):
            self.scripts.append(values["src"])
        for attribute in FETCHING.get(tag, ()):
            value = values.get(attribute, "")
            if attribute == "srcset":
                self.fetched += [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
            elif value:
                self.fetched.append(value)


def is_external(url: str, host: str = "") -> bool:
    """True for a URL on another host than `host`; data:, blob: and paths are local."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return False
    return bool(parts.netloc) and parts.netloc != host


def _asset_size(url: str, client: Client, host: str) -> int:
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path[len(settings.STATIC_URL) :])
        if found:
            with open(found, "rb") as handle:
                return len(handle.read())
    response = client.get(path, HTTP_HOST=host)
    if response.status_code != 200:
        logger.warning("page weight: %s answered %s", url, response.status_code)
        return 0
    return len(b"".join(response.streaming_content) if response.streaming else response.content)


def measure(name: str, path: str, client: Client | None = None, host: str | None = None) -> PageWeight:
    """Render one page and weigh the CSS and JS it loads."""
    client = client or Client()
    host = host or default_host()
    response = client.get(path, HTTP_HOST=host)
    html = response.content.decode(response.charset or "utf-8", "replace")
    parser = _AssetParser()
    parser.feed(html)
    weight = PageWeight(name=name, path=path, status=response.status_code)
    weight.external = sorted({url for url in parser.fetched if is_external(url, host)})
    for url in parser.stylesheets:
        if not is_external(url, host):
            weight.css[url] = _asset_size(url, client, host)
    for url in parser.scripts:
        if not is_external(url, host):
            weight.js[url] = _asset_size(url, client, host)
    return weight


def default_host() -> str:
    """A host name the site answers to (the first concrete one of ALLOWED_HOSTS)."""
    for host in settings.ALLOWED_HOSTS:
        if host and "*" not in host:
            return host.lstrip(".")
    return "localhost"


def _first_live_path(app_label: str, model_name: str, **filters) -> str | None:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    page = model.objects.live().public().filter(**filters).order_by("path").first()
    return page.url if page else None


def public_page_types() -> list[tuple[str, str]]:
    """One address per public page type that exists on this site (name, path)."""
    from django.utils import timezone

    now = timezone.now()
    candidates = [
        ("home", "/"),
        ("search", "/search/?q=recruitment+fees"),
        ("publication index", _first_live_path("publications", "PublicationIndexPage")),
        ("publication", _first_live_path("publications", "PublicationPage")),
        ("lecture index", _first_live_path("lectures", "LectureIndexPage")),
        ("upcoming lecture", _first_live_path("lectures", "LecturePage", start__gte=now)),
        ("past lecture", _first_live_path("lectures", "LecturePage", start__lt=now)),
        ("themes", "/themes/"),
        ("country landing page", "/countries/NP/"),
        ("GCM objective landing page", "/gcm/6/"),
        ("evidence map", "/evidence-map/"),
        ("about", "/about/"),
        ("page not found", "/no-such-page/"),
    ]
    return [(name, path) for name, path in candidates if path]
