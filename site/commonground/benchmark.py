"""The benchmark behind `make bench`: query counts and server times per page, and throughput
under gunicorn against a bare Django view. A measurement tool, not a test: nothing here fails
a build; the table shows where the targets stand.

In-process figures come from Django's test client on the benchmark database: the first request
warms the caches, then each page is requested `repeats` times. Load figures come from wrk on
loopback against gunicorn with two workers, the same command for every URL, the bare view
included; the headline is each page's throughput divided by the bare view's.
"""

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

# What the issue asks of every page on the large organisation.
MEDIAN_TARGET_MS = 150
RATIO_TARGET = 0.33


@dataclass
class PageResult:
    name: str
    url: str
    status: int
    queries: int
    cold_queries: int
    median_ms: float
    p95_ms: float
    demo_queries: int | None = None

    @property
    def meets_targets(self):
        same_queries = self.demo_queries is None or self.queries <= self.demo_queries
        return self.status == 200 and self.median_ms < MEDIAN_TARGET_MS and same_queries


@dataclass
class LoadResult:
    name: str
    url: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    ratio: float | None = None


@dataclass
class Report:
    database: str
    scale: str
    pages: list[PageResult] = field(default_factory=list)
    load: list[LoadResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # commonground.loadrun.LoadRunResult: people writing while the server restarts.
    load_run: object | None = None


def database_label():
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    name = settings.DATABASES["default"]["NAME"]
    return f"{engine} ({Path(str(name)).name})"


# Targets ------------------------------------------------------------------------------------


@dataclass
class Targets:
    """What the benchmark requests: the busiest project and the things around it."""

    viewer: object
    token: str
    urls: dict[str, str]


def find_targets():
    """The largest project, its lead as the viewer, and one of each page type around it."""
    from wagtail.models import APIToken

    from organisation.models import Department
    from projects.models import Membership, Metric, ProjectPage, Retrospective, Role

    project = (
        ProjectPage.objects.live()
        .annotate(member_total=Count("memberships", distinct=True))
        .order_by("-member_total", "pk")
        .first()
    )
    lead = (
        Membership.objects.filter(project=project, role=Role.LEAD)
        .select_related("person__user")
        .first()
    )
    viewer = lead.person.user
    # One benchmark token at a time: each run replaces the last one's.
    APIToken.objects.filter(user=viewer, name="benchmark").delete()
    _token, plaintext = APIToken.create_token(user=viewer, name="benchmark")
    metric = (
        Metric.objects.filter(project=project)
        .annotate(check_in_total=Count("check_ins"))
        .order_by("-check_in_total", "pk")
        .first()
    )
    retro = (
        Retrospective.objects.filter(projects=project)
        .annotate(item_total=Count("items"))
        .order_by("-item_total", "pk")
        .first()
    )
    department = Department.objects.with_people_count().order_by("-people_count", "pk").first()
    urls = {
        "Home (with blocks)": "/",
        "Project index": project.get_parent().url,
        "Project page": project.url,
        "Wins wall": reverse("projects:wins"),
        "Metric detail": f"{project.url}metrics/{metric.pk}/" if metric else None,
        "Retrospective board": reverse("projects:retro", kwargs={"retro_id": retro.pk})
        if retro
        else None,
        "Department page": department.get_absolute_url(),
        "Collaboration map": _reverse_or_none("organisation:collaboration_map"),
        "Metrics overview": reverse("metrics_overview"),
        "Search results": reverse("search") + "?q=onboarding",
        "API: projects": "/api/v1/projects",
        "API: wins": "/api/v1/wins",
        "API: project metrics": f"/api/v1/projects/{project.pk}/metrics",
        "API: metric": f"/api/v1/metrics/{metric.pk}" if metric else None,
    }
    return Targets(viewer, plaintext, {name: url for name, url in urls.items() if url})


def _reverse_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


# In-process measurements --------------------------------------------------------------------


def measure_pages(targets, repeats):
    client = Client()
    client.force_login(targets.viewer)
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {targets.token}"}
    results = []
    for name, url in targets.urls.items():
        headers = api_headers if url.startswith("/api/") else {}
        timings, counts = [], []
        for _ in range(repeats + 1):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, **headers)
                timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries))
        warm = timings[1:]
        results.append(
            PageResult(
                name=name,
                url=url,
                status=response.status_code,
                queries=counts[-1],
                cold_queries=counts[0],
                median_ms=round(statistics.median(warm), 1),
                p95_ms=round(_percentile(warm, 95), 1),
            )
        )
    return results


def _percentile(values, percent):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return ordered[index]


# Load under gunicorn ------------------------------------------------------------------------

WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)
UNIT_MS = {"us": 0.001, "ms": 1, "s": 1000}


def parse_wrk(output):
    """Throughput, median and 99th percentile latency (ms) and failures from `wrk --latency`."""
    latencies = {
        percent: float(value) * UNIT_MS[unit]
        for percent, value, unit in WRK_LATENCY.findall(output)
    }
    rate = WRK_RATE.search(output)
    errors = sum(int(found) for found in WRK_ERRORS.findall(output))
    socket_errors = WRK_SOCKET_ERRORS.search(output)
    if socket_errors:
        errors += sum(int(count) for count in socket_errors.groups())
    return (
        float(rate.group(1)) if rate else 0.0,
        round(latencies.get("50", 0.0), 1),
        round(latencies.get("99", 0.0), 1),
        errors,
    )


class Gunicorn:
    """gunicorn with two workers on a free loopback port, for the length of a `with` block."""

    def __init__(self, port, workers=2):
        self.port, self.workers, self.process = port, workers, None

    def __enter__(self):
        self.start()
        return self

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments  # nosec B603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--pythonpath",
                str(settings.BASE_DIR / "site"),
                "commonground.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=os.environ.copy(),
            # A group of its own, so that the load run can kill the server with its workers.
            start_new_session=True,
        )
        self._wait_until_up()

    def _wait_until_up(self):
        import urllib.request

        for _ in range(100):
            try:
                healthz = f"http://127.0.0.1:{self.port}/healthz"
                with urllib.request.urlopen(healthz) as answer:  # loopback, http  # nosec B310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.stop()

    def stop(self, how=signal.SIGTERM):
        """SIGTERM lets the workers finish their requests; SIGKILL ends the server and its
        workers at once, as a crash would."""
        if how == signal.SIGKILL:
            os.killpg(self.process.pid, signal.SIGKILL)
        else:
            self.process.send_signal(how)
        self.process.wait(timeout=60)

    def reload(self):
        """New workers replace the old ones, which finish their requests first."""
        self.process.send_signal(signal.SIGHUP)


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def measure_load(targets, names, *, duration, connections, port=8799):
    """wrk against each named page and the bare view, under the same gunicorn."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is missing: install Debian's package (apt-get install wrk).")
    cookie = session_cookie(targets.viewer)
    urls = {name: targets.urls[name] for name in names if name in targets.urls}
    urls["Bare Django view"] = reverse("bench_bare")
    results = []
    with Gunicorn(port):
        for name, url in urls.items():
            command = [wrk, "--latency", "-t2", f"-c{connections}", f"-d{duration}s"]
            command += ["-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{url}"]
            output = subprocess.run(  # noqa: S603 - wrk with our own arguments  # nosec B603
                command, capture_output=True, text=True, check=True
            ).stdout
            rate, p50, p99, errors = parse_wrk(output)
            results.append(LoadResult(name, url, rate, p50, p99, errors))
    bare = results[-1].requests_per_second
    for result in results:
        result.ratio = round(result.requests_per_second / bare, 3) if bare else None
    return results


# Results ------------------------------------------------------------------------------------


def markdown(report):
    lines = [
        f"# Benchmark: {report.scale} organisation on {report.database}",
        "",
        f"Targets: median under {MEDIAN_TARGET_MS} ms, the same queries as on the small demo, "
        f"throughput at least {RATIO_TARGET:.0%} of the bare Django view's.",
        "",
        "| Page | Queries (demo) | Queries, cold cache | Median ms | p95 ms | Target |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for page in report.pages:
        demo = "" if page.demo_queries is None else f" ({page.demo_queries})"
        lines.append(
            f"| {page.name} | {page.queries}{demo} | {page.cold_queries} | {page.median_ms} "
            f"| {page.p95_ms} | {'yes' if page.meets_targets else '**no**'} |"
        )
    if report.load:
        lines += [
            "",
            "| Under gunicorn (2 workers), wrk | Requests/s | p50 ms | p99 ms | Errors "
            "| Ratio to bare Django |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for load in report.load:
            lines.append(
                f"| {load.name} | {load.requests_per_second:.0f} | {load.p50_ms} | {load.p99_ms} "
                f"| {load.errors} | {load.ratio} |"
            )
    if report.load_run is not None:
        lines += report.load_run.markdown_lines()
    lines += ["", *[f"- {note}" for note in report.notes]]
    return "\n".join(lines) + "\n"


def write_report(report, folder):
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    data = {
        "database": report.database,
        "scale": report.scale,
        "pages": [asdict(page) | {"meets_targets": page.meets_targets} for page in report.pages],
        "load": [asdict(load) for load in report.load],
        "notes": report.notes,
        "load_run": report.load_run.as_dict() if report.load_run is not None else None,
    }
    text = markdown(report)
    for name in (f"bench-{stamp}", "latest"):
        (folder / f"{name}.md").write_text(text)
        (folder / f"{name}.json").write_text(json.dumps(data, indent=2))
    return text
