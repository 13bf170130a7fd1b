"""`manage.py page_weight`: CSS and JavaScript bytes per public page type, failing over the limit.

Renders each page type in-process on the current database (run it after `load_demo`), prints what
every page loads and fails (exit status 1) when a page loads more than the limit or asks the
browser to fetch anything from another host.
"""

from django.core.management.base import BaseCommand, CommandError

from salam.page_weight import LIMIT_BYTES, measure, public_page_types


def _positive_kb(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--limit-kb must be a whole number of kilobytes, not “{value}”.") from None
    if not 1 <= number <= 10_000:
        raise CommandError(f"--limit-kb must be between 1 and 10000, not {number}.")
    return number


class Command(BaseCommand):
    help = "Print the CSS and JS bytes each public page type loads; fail over the limit or on external requests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit-kb", default=str(LIMIT_BYTES // 1024), help="Most CSS+JS a page may load (default: 100)."
        )
        parser.add_argument(
            "--path",
            action="append",
            default=[],
            help="Weigh this address instead of the page types found on the site (repeatable); starts with /.",
        )
        parser.add_argument("--details", action="store_true", help="List every stylesheet and script.")

    def handle(self, *args, limit_kb: str, path: list[str], details: bool, **options):
        limit = _positive_kb(limit_kb) * 1024
        for address in path:
            if not address.startswith("/") or address.startswith("//") or any(c.isspace() for c in address):
                raise CommandError(f"--path must be an address on this site starting with one /, not “{address}”.")
        pages = [(address, address) for address in path] or public_page_types()
        heaviest, failures = 0, []
        self.stdout.write(f"{'page':32} {'status':>6} {'CSS':>9} {'JS':>9} {'total':>9}")
        for name, address in pages:
            weight = measure(name, address)
            css, js = sum(weight.css.values()), sum(weight.js.values())
            heaviest = max(heaviest, weight.total)
            self.stdout.write(f"{name[:32]:32} {weight.status:>6} {css:>9,} {js:>9,} {weight.total:>9,}  {address}")
            if details:
                for url, size in {**weight.css, **weight.js}.items():
                    self.stdout.write(f"    {size:>9,}  {url}")
            if weight.total > limit:
                failures.append(f"{name} ({address}) loads {weight.total:,} bytes of CSS and JS, over {limit:,}")
            for url in weight.external:
                failures.append(f"{name} ({address}) makes the browser fetch {url} from another host")
        self.stdout.write(f"Heaviest page: {heaviest:,} bytes of CSS and JS ({heaviest / limit:.0%} of the limit).")
        if failures:
            raise CommandError("\n".join(failures))
        self.stdout.write(self.style.SUCCESS(f"All {len(pages)} pages under {limit // 1024} KB, no external requests."))
