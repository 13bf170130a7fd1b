"""Benchmark: the search page and API over real HTTP versus the same queries sent straight to Elasticsearch.

    python bench/search.py [--docs 20000] [--pages 3000] [--clients 20] [--seconds 30] [--no-rebuild] [--json]

What it does:
1. Writes a settings module to a temporary folder: the dev settings with their own index name
   (bench-search-<pid>, so the dev index is never touched), a throwaway PostgreSQL database
   (salam_bench_search_<pid> on the cluster `scripts/postgres` starts, persistent connections as in
   production), an in-memory cache, tasks that are only recorded (the dummy backend), and
   SEARCH_API_RATE_LIMIT = None (every client comes from 127.0.0.1, so the per-address limit
   would otherwise stop the run after a second). Nothing else is changed. Migrates that database.
2. Reads sentences from the PDFs in /work/shared/pdf-corpus with pdfminer (cached under
   var/bench-search/), and assembles --docs documents from them: each with taxonomy tags, a
   title, an abstract and several pages of text in which a few sentences about labour migration
   mention its countries and themes. They are bulk-loaded into a new index through the same
   code as a rebuild (lemmatised copies, versioned bulk writes, alias swap).
3. Starts gunicorn (2 workers, gthread) on a free port and runs a fixed mix of searches with
   facets through /api/v1/search from --clients threads for --seconds; then the same searches
   as the HTML search page (/search/?..., the whole page with facets, passages and pagination);
   then the very same request bodies (built by the API's own search_body) straight to
   Elasticsearch, from the same number of threads for the same time. Prints p50/p95/p99 latency
   and requests per second for each and the ratios of the API's and the page's p95 to
   Elasticsearch's.
4. Creates --pages publication pages in the database (tags, authors, extracted text per page;
   in one transaction, which makes creating them about twice as fast) and times
   `manage.py search_index --rebuild` over them (documents per second). The default is 3,000
   pages (it was 1,000): a rebuild has a fixed part (creating the index, the final refresh, the
   alias swap, about half a second here) that weighed a fifth of a 1,000-page run, and the
   figure is meant to show the steady rate. The command runs in a fresh process, as an operator
   runs it: it loads the lemmatiser and learns each new word once inside the timed part. The
   figure is the command's own report (from the start of the rebuild to the alias swap); the
   process's whole wall time, with Python and Django starting up, is printed next to it.
   As a reference, the same amount of text (as many generated documents as --pages, so
   --docs should be at least --pages) is bulk-loaded as one plain `standard` field (no lemmas,
   no pages): what this server can index at best, measured in the same run.
5. Removes its indices, stops gunicorn and deletes the temporary folder.
With --json the last line is one JSON object:
{"api_p95_ms", "page_p95_ms", "es_p95_ms", "ratio", "page_ratio", "api_rps", "page_rps", "rebuild_docs_per_s"}.
--no-rebuild skips step 4 (rebuild_docs_per_s is then null).

Targets (README): API and search page p95 <= 3x Elasticsearch's p95; rebuild >= 500 documents/second.
"""

import argparse
import http.client
import itertools
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from servers import create_postgres_database, drop_postgres_database, free_port, percentile, wait_for
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/pdf-corpus")
CACHE = ROOT / "var" / "bench-search" / "sentences.json"
SETTINGS = """from salam.settings.dev import *  # noqa
import os
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SEARCH_INDEX_NAME = os.environ["BENCH_SEARCH_INDEX"]
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": TASK_QUEUES}}
# Every benchmark client comes from 127.0.0.1: switch the per-address API rate limit off.
SEARCH_API_RATE_LIMIT = None
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
"""

# The last line of `search_index --rebuild`: "Indexed 3000 documents into <index> in 5.4 s (554 documents/s); …"
REBUILD_REPORT = re.compile(r"Indexed (?P<documents>\d+) documents into \S+ in (?P<seconds>[\d.]+) s")

# The query mix: what policymakers type, with and without facets, sorted and paged.
QUERIES = [
    {"q": "recruitment fees"},
    {"q": "recruitment fees", "country": "NP"},
    {"q": "remittances", "country": ["BD", "NP"]},
    {"q": "women domestic workers", "theme": "gender-equality"},
    {"q": '"migrant workers"', "sort": "newest"},
    {"q": "reintegration -Qatar"},
    {"q": "PDO"},
    {"q": "Nepali"},
    {"q": "wage theft OR unpaid wages", "gcm": "6"},
    {"q": "skills recognition", "type": "policy_brief"},
    {"q": "social protection", "year": ["2019", "2020", "2021"]},
    {"q": "labour market", "page": "2"},
    {"country": "LK", "sort": "newest"},
    {"gcm": ["20", "21"]},
    {"q": "migration's costs", "language": "en"},
    {"q": "household survey districts", "country": "IN", "theme": "remittances"},
    {"q": "bilateral agreement", "country": ["SA", "AE", "QA"]},
    {"q": "health insurance returnees"},
    {"q": "visa", "page_size": "20"},
    {"q": "consular support crisis", "sort": "oldest"},
]

DOMAIN_TEMPLATES = [
    "{demonym} workers bound for {destination} said they paid {keyword} before leaving {origin}.",
    "In {origin}, {keyword} remained the main concern of returnees interviewed in {year}.",
    "The survey of {demonym} migrant workers in {destination} found that {keyword} shaped their decisions.",
    "Officials in {origin} described {keyword} as a priority for the next bilateral agreement with {destination}.",
    "Women migrant workers from {origin} reported problems with {keyword} and unpaid wages.",
    "Remittances sent home from {destination} paid for school fees, and families discussed {keyword}.",
]
GIVEN = ["Anjali", "Rahul", "Nusrat", "Sita", "Kamal", "Farah", "Tariq", "Dilini", "Maya", "Arjun", "Lina", "Bilal"]
FAMILY = ["Sharma", "Hossain", "Perera", "Thapa", "Khan", "Rahman", "Fernando", "Gurung", "Ali", "Bista", "Das"]
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
COMMON_WORDS = {"the", "and", "of", "to", "in", "is", "that", "for", "with", "as", "was", "on", "are", "by"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- corpus -----------------------------------------------------------------------------------


def _sentences_of(path: str) -> list[str]:
    """English-looking sentences of a PDF's first pages (runs in a worker process)."""
    from pdfminer.high_level import extract_text

    try:
        text = extract_text(path, maxpages=60)
    except Exception:
        return []
    out = []
    for raw in SENTENCE_SPLIT.split(" ".join(text.split())):
        words = raw.split()
        if not 8 <= len(words) <= 40 or not raw[0].isupper():
            continue
        lowered = {w.lower().strip(",;:") for w in words}
        letters = sum(c.isalpha() for c in raw)
        if len(lowered & COMMON_WORDS) >= 2 and letters > 0.75 * len(raw.replace(" ", "")):
            out.append(raw)
    return out


def load_sentences() -> list[str]:
    """Sentences from the shared PDF corpus, extracted once and cached under var/."""
    if CACHE.exists():
        return json.loads(CACHE.read_text())
    files = sorted(str(p) for p in CORPUS.glob("*.pdf"))
    sentences: list[str] = []
    with multiprocessing.Pool(2, maxtasksperchild=5) as pool:
        jobs = [(path, pool.apply_async(_sentences_of, (path,))) for path in files]
        for path, job in tqdm(jobs, desc="Reading the PDF corpus", unit="file", file=sys.stderr):
            try:
                sentences.extend(job.get(timeout=30))
            except Exception as exc:  # a PDF that hangs or breaks pdfminer: skip it
                log(f"  skipped {Path(path).name}: {exc.__class__.__name__}")
    unique = list(dict.fromkeys(sentences))
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(unique))
    return unique


class Generator:
    """Documents assembled from corpus sentences, tagged from the real taxonomy (deterministic)."""

    def __init__(self, sentences: list[str], seed: int = 7):
        from search.taxonomy import PUBLICATION_TYPES
        from themes.models import Country, GCMObjective, Theme

        self.random = random.Random(seed)
        self.sentences = sentences
        self.countries = list(Country.objects.all())
        self.origins = [c for c in self.countries if c.colombo_process_member]
        self.destinations = [c for c in self.countries if c.main_destination]
        self.themes = list(Theme.objects.all())
        self.objectives = list(GCMObjective.objects.all())
        self.types = list(PUBLICATION_TYPES)

    def _domain_sentence(self, origin, destination, theme) -> str:
        keyword = self.random.choice(theme.keyword_list or [theme.name]).lower()
        demonym = (origin.demonym_list or [origin.name])[0]
        return self.random.choice(DOMAIN_TEMPLATES).format(
            demonym=demonym,
            origin=origin.name,
            destination=destination.name,
            keyword=keyword,
            year=self.random.randint(2005, 2025),
        )

    def fields(self) -> dict:
        """Raw fields of one publication: title, abstract, tags, authors and per-page text."""
        r = self.random
        origin, destination = r.choice(self.origins), r.choice(self.destinations)
        countries = list(dict.fromkeys([origin, destination] + r.sample(self.countries, r.randint(0, 1))))
        themes = r.sample(self.themes, r.randint(1, 2))
        objectives = sorted(r.sample(self.objectives, r.randint(1, 3)), key=lambda o: o.number)
        words = r.choice(self.sentences).split()[: r.randint(4, 9)]
        title = f"{themes[0].name} in {origin.name}: " + " ".join(words).rstrip(".,;:")
        pages = []
        for _ in range(r.randint(3, 7)):
            body = r.sample(self.sentences, r.randint(4, 8))
            for _ in range(r.randint(1, 2)):
                body.insert(r.randint(0, len(body)), self._domain_sentence(origin, destination, r.choice(themes)))
            pages.append(" ".join(body))
        abstract = " ".join([self._domain_sentence(origin, destination, themes[0])] + r.sample(self.sentences, 2))
        year = r.randint(2005, 2025)
        return {
            "title": title[:250],
            "abstract": abstract,
            "authors": list(dict.fromkeys(f"{r.choice(GIVEN)} {r.choice(FAMILY)}" for _ in range(r.randint(1, 3)))),
            "countries": countries,
            "themes": themes,
            "objectives": objectives,
            "type": r.choice(self.types),
            "year": year,
            "date": f"{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
            "language": r.choices(["en", "ne", "bn", "si"], weights=[85, 5, 5, 5])[0],
            "pages": pages,
        }

    def document(self, page_id: int) -> dict:
        """The same fields shaped as the publication builder's output, then prepared for the index."""
        from search.documents import prepare

        f = self.fields()
        return prepare(
            {
                "page_id": page_id,
                "kind": "publication",
                "type": f["type"],
                "title": f["title"],
                "subtitle": "",
                "abstract": f["abstract"],
                "authors": f["authors"],
                "institution": "Nepal Migration Policy Institute",
                "keywords": [],
                "countries": [c.alpha2 for c in f["countries"]],
                "country_names": [c.name for c in f["countries"]],
                "themes": [t.slug for t in f["themes"]],
                "theme_names": [t.name for t in f["themes"]],
                "gcm": [str(o.number) for o in f["objectives"]],
                "gcm_names": [o.title for o in f["objectives"]],
                "date": f["date"],
                "year": f["year"],
                "language": f["language"],
                "url": f"/publications/bench-{page_id}/",
                "full_text_public": True,
                "has_full_text": True,
                "page_count": len(f["pages"]),
                "pages": [{"number": n, "text": text} for n, text in enumerate(f["pages"], start=1)],
            }
        )


# --- load ---------------------------------------------------------------------------------------


def run_load(clients: int, seconds: float, send) -> tuple[list[float], int]:
    """``clients`` threads call send(i) in a loop for ``seconds``; returns latencies (ms) and errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        state: dict = {}
        for n in itertools.count(index):
            if time.perf_counter() >= deadline:
                return
            started = time.perf_counter()
            ok = send(n, state)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def http_call(
    state: dict, port: int, method: str, path: str, body: bytes | None = None, accept: str = "application/json"
) -> bool:
    """One request on the thread's keep-alive connection (reopened when the server closed it)."""
    headers = {"Host": "127.0.0.1", "Accept": accept}
    if body is not None:
        headers["Content-Type"] = "application/json"
    for _attempt in range(2):
        connection = state.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        state[port] = connection
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                state.pop(port, None)
            return response.status == 200
        except (http.client.HTTPException, OSError):
            connection.close()
            state.pop(port, None)
    return False


def summary(name: str, latencies: list[float], errors: int, seconds: float) -> dict:
    figures = {
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "rps": len(latencies) / seconds,
        "requests": len(latencies),
        "errors": errors,
    }
    log(
        f"{name:<15} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   p99 {figures['p99']:7.1f} ms   "
        f"{figures['rps']:6.1f} req/s   ({figures['requests']} requests, {errors} errors)"
    )
    return figures


# --- pages for the rebuild --------------------------------------------------------------------


def create_pages(generator: Generator, count: int) -> None:
    """Publication pages with documents, extracted text, tags and authors (the rebuild's input)."""
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Collection

    from publications.models import PublicationIndexPage
    from salam.models import HomePage

    home = HomePage.objects.get()
    index = PublicationIndexPage(title="Publications", slug="bench-publications")
    home.add_child(instance=index)
    context = {
        "index": index,
        "collection": Collection.get_first_root_node(),
        "now": timezone.now(),
        "pdf": _tiny_pdf(),
        "authors": {},
    }
    # One transaction: SQLite syncs the file at every commit, and each page takes several.
    with transaction.atomic():
        for number in tqdm(range(count), desc="Creating pages", unit="page", file=sys.stderr):
            _create_page(generator.fields(), number, **context)


def _create_page(f: dict, number: int, *, index, collection, now, pdf: bytes, authors: dict) -> None:
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from publications.models import Author, PdfExtraction, PublicationPage

    # A real (tiny) PDF: page validation opens it. The extracted text is the generated one.
    document = Document(title=f["title"][:200], collection=collection, file_size=len(pdf))
    document.file.save(f"bench-{number}.pdf", ContentFile(pdf), save=True)
    PdfExtraction.objects.create(
        document=document,
        file_name=document.file.name,
        file_size=len(pdf),
        status="done",
        pages=f["pages"],
        page_count=len(f["pages"]),
        finished_at=now,
    )
    page = PublicationPage(
        title=f["title"],
        slug=f"bench-{number}",
        publication_type=f["type"],
        publication_date=f["date"],
        abstract=f["abstract"],
        language=f["language"],
        pdf=document,
        live=True,
        first_published_at=now,
        last_published_at=now,
    )
    for name in f["authors"]:
        if name not in authors:
            authors[name] = Author.objects.create(name=name)
    page.add_editor_metadata(
        authors=[authors[name] for name in f["authors"]],
        countries=f["countries"],
        themes=f["themes"],
        objectives=f["objectives"],
    )
    index.add_child(instance=page)


def _tiny_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Benchmark publication")
    pdf.save()
    return buffer.getvalue()


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="documents in the queried index")
    parser.add_argument("--pages", type=int, default=3_000, help="database pages for the timed rebuild")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=30, help="duration of each load run")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the timed rebuild (step 4)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    if args.docs < 1 or args.pages < 1 or args.clients < 1 or args.seconds <= 0:
        parser.error("--docs, --pages and --clients must be positive, --seconds greater than 0")

    workdir = Path(tempfile.mkdtemp(prefix="salam-bench-search-"))
    (workdir / "bench_search_settings.py").write_text(SETTINGS)
    index_name = f"bench-search-{os.getpid()}"
    database_url, admin_dsn, database = create_postgres_database(ROOT, "salam_bench_search")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_search_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "SALAM_VAR_DIR": str(workdir),
        "BENCH_SEARCH_INDEX": index_name,
        "DATABASE_URL": database_url,
        # Persistent database connections for gunicorn, as in production (salam/settings/production.py).
        "DB_CONN_MAX_AGE": "60",
    }
    os.environ.update(
        {k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "SALAM_VAR_DIR", "BENCH_SEARCH_INDEX", "DATABASE_URL")}
    )
    os.environ.pop("DB_CONN_MAX_AGE", None)  # this process's own connections are closed between its steps
    sys.path[:0] = [str(workdir), str(ROOT)]
    gunicorn = None
    client = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from elasticsearch import Elasticsearch

        from search import indexing
        from search.documents import alias_name
        from search.faceted import search_body
        from search.params import parse_params
        from search.query import parse_query

        log(f"Index {index_name}; database {database}; settings in {workdir}")
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"Migrated a throwaway database in {time.perf_counter() - started:.0f} s")

        sentences = load_sentences()
        log(f"{len(sentences)} sentences from {CORPUS}")
        generator = Generator(sentences)
        generator.document(0)  # loads the lemmatiser before timing
        bar = tqdm(total=args.docs, desc="Indexing documents", unit="doc", file=sys.stderr)
        progress = {"done": 0}

        def advance(done: int) -> None:
            bar.update(done - progress["done"])
            progress["done"] = done

        sample: list[str] = []  # plain text of the first documents, for the reference below

        def documents():
            for n in range(1, args.docs + 1):
                document = generator.document(n)
                if len(sample) < args.pages:
                    parts = [document["title"], document["abstract"]] + [p["text"] for p in document["pages"]]
                    sample.append("\n".join(parts))
                yield n, document

        load = indexing.rebuild(documents=documents(), on_chunk=advance)
        bar.close()
        log(f"Loaded {load.documents} documents in {load.seconds:.1f} s ({load.docs_per_second:.0f} documents/s)")

        from django.conf import settings

        client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=60)
        mix = []
        for params in QUERIES:
            query_dict = _querydict(params)
            parsed = parse_params(query_dict, strict=True)
            body = search_body(parse_query(parsed.q), dict(parsed.filters), parsed.sort, offset=parsed.offset,
                               size=parsed.page_size)  # fmt: skip
            query = urlencode(params, doseq=True)
            mix.append((f"/api/v1/search?{query}", json.dumps(body).encode(), f"/search/?{query}"))
        hits = [client.search(index=alias_name(), body=json.loads(b))["hits"]["total"]["value"] for _, b, _ in mix]
        log(f"Query mix: {len(mix)} searches, {min(hits)} to {max(hits)} hits each")

        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "salam.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        command += ["--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]
        gunicorn = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
        )
        wait_for(port)
        es_port = int(settings.ELASTICSEARCH_URL.rsplit(":", 1)[1].strip("/"))
        es_path = f"/{alias_name()}/_search"

        def api(n: int, state: dict) -> bool:
            return http_call(state, port, "GET", mix[n % len(mix)][0])

        def page(n: int, state: dict) -> bool:
            return http_call(state, port, "GET", mix[n % len(mix)][2], accept="text/html")

        def direct(n: int, state: dict) -> bool:
            return http_call(state, es_port, "POST", es_path, mix[n % len(mix)][1])

        log("Warming up (every worker loads the lemmatiser once)")
        run_load(args.clients, 8, api)
        run_load(args.clients, 3, page)
        run_load(args.clients, 3, direct)
        log(f"Load: {args.clients} clients for {args.seconds:.0f} s each")
        api_figures = summary("API (gunicorn)", *run_load(args.clients, args.seconds, api), args.seconds)
        page_figures = summary("Search page (gunicorn)", *run_load(args.clients, args.seconds, page), args.seconds)
        es_figures = summary("Elasticsearch", *run_load(args.clients, args.seconds, direct), args.seconds)
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        gunicorn = None

        rebuild = None if args.no_rebuild else timed_rebuild(generator, args, env, client, index_name, sample)
        connections_close_all()

        ratio = api_figures["p95"] / es_figures["p95"] if es_figures["p95"] else float("inf")
        page_ratio = page_figures["p95"] / es_figures["p95"] if es_figures["p95"] else float("inf")
        print(
            f"API p95 {api_figures['p95']:.1f} ms vs Elasticsearch p95 {es_figures['p95']:.1f} ms: "
            f"ratio {ratio:.2f} (target <= 3)"
        )
        print(
            f"Search page p95 {page_figures['p95']:.1f} ms vs Elasticsearch p95 {es_figures['p95']:.1f} ms: "
            f"ratio {page_ratio:.2f} (target <= 3)"
        )
        print(
            f"Throughput: API {api_figures['rps']:.1f} requests/s; search page {page_figures['rps']:.1f}/s; "
            f"Elasticsearch {es_figures['rps']:.1f}/s"
        )
        if args.json:
            print(
                json.dumps(
                    {
                        "api_p95_ms": round(api_figures["p95"], 1),
                        "page_p95_ms": round(page_figures["p95"], 1),
                        "es_p95_ms": round(es_figures["p95"], 1),
                        "ratio": round(ratio, 2),
                        "page_ratio": round(page_ratio, 2),
                        "api_rps": round(api_figures["rps"], 1),
                        "page_rps": round(page_figures["rps"], 1),
                        "rebuild_docs_per_s": None if rebuild is None else round(rebuild, 1),
                    }
                )
            )
        return 0
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        cleanup = client or _client_for_cleanup()
        if cleanup is not None:
            for name in (index_name, f"{index_name}-building"):
                try:
                    for index in cleanup.indices.get_alias(name=name).body:
                        cleanup.indices.delete(index=index, ignore_unavailable=True)
                except Exception:  # noqa: S110 - nothing to clean up
                    pass
            cleanup.indices.delete(index=f"{index_name}-*", ignore_unavailable=True, allow_no_indices=True)
        connections_close_all()
        drop_postgres_database(admin_dsn, database)
        shutil.rmtree(workdir, ignore_errors=True)


def connections_close_all() -> None:
    """Close this process's database connections (before another process uses or drops the database)."""
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def timed_rebuild(generator, args, env: dict, client, index_name: str, sample: list[str]) -> float:
    """Step 4: create --pages pages and time `search_index --rebuild` over them; documents/second."""
    from search import indexing

    create_pages(generator, args.pages)
    from search.models import IndexOutbox

    IndexOutbox.objects.all().delete()  # recorded by the page signals; the rebuild covers them
    from django.db import connections

    connections.close_all()  # the command's process writes to the same database
    started = time.perf_counter()
    command = subprocess.run(
        [sys.executable, "manage.py", "search_index", "--rebuild", "--no-progress"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    process_seconds = time.perf_counter() - started
    if command.returncode != 0:
        raise SystemExit(f"search_index --rebuild failed:\n{command.stdout}{command.stderr}")
    log(command.stdout.strip())
    reported = REBUILD_REPORT.search(command.stdout)
    if reported is None:
        raise SystemExit(f"search_index --rebuild did not report its figures:\n{command.stdout}")
    rebuilt, rebuild_seconds = int(reported["documents"]), float(reported["seconds"])
    if rebuilt != (held := indexing.document_count()):
        raise SystemExit(f"the rebuild reported {rebuilt} documents but the index holds {held}")
    rebuild_rate = rebuilt / rebuild_seconds
    log(
        f"search_index --rebuild (fresh process): {rebuilt} pages in {rebuild_seconds:.1f} s = "
        f"{rebuild_rate:.0f} documents/s; {rebuilt / process_seconds:.0f}/s counting the process's "
        f"start-up ({process_seconds:.1f} s in all)"
    )
    reference_rate = plain_bulk_rate(client, f"{index_name}-reference", sample)
    log(
        f"Reference: the same amount of text bulk-loaded as one plain field, no lemmas, no pages: "
        f"{reference_rate:.0f} documents/s (rebuild reaches {rebuild_rate / reference_rate:.0%} of it)"
    )

    log(f"Rebuild {rebuild_rate:.0f} documents/s (target >= 500); plain-text reference {reference_rate:.0f}/s")
    return rebuild_rate


def plain_bulk_rate(client, index: str, texts: list[str]) -> float:
    """Documents/second for the same text as one `standard` field: what this server can do at best."""
    from elasticsearch import helpers

    client.indices.create(index=index, settings={"number_of_replicas": 0, "refresh_interval": "-1"})
    try:
        started = time.perf_counter()
        actions = ({"_index": index, "_id": str(n), "_source": {"text": text}} for n, text in enumerate(texts))
        for _ok, _item in helpers.parallel_bulk(client, actions, chunk_size=250, thread_count=3):
            pass
        client.indices.refresh(index=index)
        return len(texts) / (time.perf_counter() - started)
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)


def _querydict(params: dict):
    from django.http import QueryDict

    return QueryDict(urlencode(params, doseq=True))


def _client_for_cleanup():
    try:
        from django.conf import settings
        from elasticsearch import Elasticsearch

        return Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=30)
    except Exception:
        return None


if __name__ == "__main__":
    sys.exit(main())
