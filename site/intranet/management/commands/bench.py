import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

from commonground import benchmark, loadrun

LOAD_PAGES = ["Project page", "Wins wall", "Collaboration map"]


class Command(BaseCommand):
    help = (
        "Measure query counts, server times and throughput on a generated organisation "
        "(run through `make bench`, which picks the database and settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="A tenth of the organisation.")
        parser.add_argument("--repeats", type=int, default=None, help="Requests per page.")
        parser.add_argument("--duration", type=int, default=None, help="Seconds of wrk per URL.")
        parser.add_argument("--connections", type=int, default=8, help="wrk connections.")
        parser.add_argument("--no-load", action="store_true", help="Skip gunicorn and wrk.")
        parser.add_argument("--pages-only", metavar="JSON", help=PAGES_ONLY_HELP)
        parser.add_argument("--no-load-run", action="store_true", help="Skip the load run.")
        parser.add_argument(
            "--load-run-only",
            action="store_true",
            help="Only the load run with restarts, on the organisation built before.",
        )
        parser.add_argument("--clients", type=int, default=50, help="People in the load run.")
        parser.add_argument(
            "--load-seconds", type=int, default=None, help="Length of the load run."
        )

    def handle(self, *args, **options):
        repeats = options["repeats"] or (10 if options["quick"] else 30)
        if options["pages_only"]:
            targets = benchmark.find_targets()
            pages = benchmark.measure_pages(targets, repeats=3)
            counts = {page.name: page.queries for page in pages}
            Path(options["pages_only"]).write_text(json.dumps(counts))
            return
        if settings.DEBUG:
            raise CommandError("Run the benchmark with commonground.settings.bench: make bench.")
        scale = "quick" if options["quick"] else "large"
        if options["load_run_only"]:
            # On the organisation an earlier run built: no seeding, only what may have changed.
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            result = self.load_run(options)
            self.stdout.write(loadrun.write_result(result, settings.BASE_DIR / "bench-results"))
            self.stdout.write("Written to bench-results/load-run.md and load-run.json.")
            return
        self.prepare(scale)
        report = benchmark.Report(benchmark.database_label(), scale)
        self.stdout.write(f"Measuring pages on {report.database} ({repeats} requests each)…")
        targets = benchmark.find_targets()
        report.pages = benchmark.measure_pages(targets, repeats)
        demo_counts = self.demo_query_counts()
        for page in report.pages:
            page.demo_queries = demo_counts.get(page.name)
        report.notes.append(
            f"Viewer: {targets.viewer.get_username()}, a lead of the project with most members."
        )
        if not options["no_load"]:
            duration = options["duration"] or (5 if options["quick"] else 15)
            self.stdout.write(f"Load: gunicorn with 2 workers, wrk for {duration} s per URL…")
            report.load = benchmark.measure_load(
                targets, LOAD_PAGES, duration=duration, connections=options["connections"]
            )
        if not options["no_load_run"]:
            # Last: it writes (and tidies up after itself), so the pages above never see it.
            report.load_run = self.load_run(options)
        self.stdout.write(benchmark.write_report(report, settings.BASE_DIR / "bench-results"))
        self.stdout.write("Written to bench-results/latest.md and latest.json.")

    def load_run(self, options):
        seconds = options["load_seconds"] or (30 if options["quick"] else 60)
        clients = options["clients"]
        self.stdout.write(
            f"Load run: {clients} people reading and writing for {seconds} s, "
            "the server restarted three times…"
        )
        plan = loadrun.prepare(clients)
        try:
            with benchmark.Gunicorn(port=8798) as server:
                base_url = f"http://127.0.0.1:{server.port}"
                return loadrun.run(plan, base_url=base_url, duration=seconds, server=server)
        finally:
            loadrun.tidy(plan)

    def prepare(self, scale):
        """The generated organisation (built once, then reused) and the static files."""
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", scale=scale, stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)

    def demo_query_counts(self):
        """Query counts on the small demo, in a database beside this one, for comparison."""
        environment = {**os.environ, "DATABASE_URL": demo_database_url()}
        output = settings.BASE_DIR / "bench-results" / "demo-queries.json"
        output.parent.mkdir(exist_ok=True)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        for command in (["migrate", "-v0"], ["seed_demo"], ["bench", "--pages-only", str(output)]):
            subprocess.run(  # noqa: S603 - our own manage.py  # nosec B603
                manage + command, env=environment, check=True, stdout=subprocess.DEVNULL
            )
        return json.loads(output.read_text())


PAGES_ONLY_HELP = "Only count each page's queries into this JSON file (used for the small demo)."


def demo_database_url():
    """The benchmark database's name with `-demo` added (created on PostgreSQL if missing)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = Path(database["NAME"])
        return f"sqlite:///{path.with_name(path.stem + '-demo' + path.suffix)}"
    import psycopg
    from psycopg import sql

    name = f"{database['NAME']}-demo"
    server = {key.lower(): database[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}
    server = {key: value for key, value in server.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path=f"/{name}"))
