"""Exporting a project's history: the Markdown document and the zip of CSV files."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.export import cell, filename, spreadsheet_safe
from projects.metric_services import check_in, metric_define, metric_sign_off
from projects.models import Activity, DepartmentStake, IdeaVote
from tests.factories import (
    CheerFactory,
    CommitmentFactory,
    DepartmentFactory,
    IdeaFactory,
    MembershipFactory,
    PersonFactory,
    ReactionFactory,
    StatusUpdateFactory,
    WinCommentFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MARKDOWN_URL = "/projects/faster-answers/export/markdown/"
CSV_URL = "/projects/faster-answers/export/csv/"


def add_history(project, lead, member, count, *, start=0):
    """`count` of everything a project's history holds, each with its related items."""
    outsider = PersonFactory(
        user__username=f"outsider{start}", department=DepartmentFactory(name=f"Legal {start}")
    )
    reaction = ReactionFactory(name="Celebrate")
    for number in range(start, start + count):
        day = TODAY - datetime.timedelta(days=number + 1)
        MembershipFactory(project=project, what_i_bring=f"Skills {number}")
        metric = metric_define(
            project=project,
            author=lead,
            owning_departments=[lead.department, member.department],
            name=f"Metric {number}",
            definition="Counted weekly.",
            unit="count",
            unit_detail="",
            direction="increase",
            baseline_value=Decimal(10),
            baseline_date=TODAY - datetime.timedelta(days=60),
            target_value=Decimal(20),
            target_date=TODAY + datetime.timedelta(days=60),
        )
        metric_sign_off(metric=metric, person=lead)
        entry = check_in(metric=metric, author=member, day=day, value=Decimal(12), note="ok")
        StatusUpdateFactory(project=project, author=lead, what_happened=f"Happened {number}")
        CommitmentFactory(
            project=project, owner=member, title=f"Promise {number}", due_date=day,
            delivered_on=day - datetime.timedelta(days=1),
        )  # fmt: skip
        win = WinFactory(
            projects=[project], posted_by=lead, title=f"Win {number}",
            credited=[lead, outsider], day=day,
        )  # fmt: skip
        win.check_in = entry
        win.save()
        CheerFactory(win=win, reaction=reaction)
        WinCommentFactory(win=win, author=outsider, text=f"Bravo {number}")
        idea = IdeaFactory(project=project, author=member, title=f"Idea {number}")
        IdeaVote.objects.create(idea=idea, person=lead)
        Activity.objects.create(project=project, actor=lead, kind="joined", summary=f"A{number}")
    DepartmentStake.objects.get_or_create(
        project=project, department=lead.department, defaults={"why_it_matters": "Fewer calls."}
    )


@pytest.fixture
def history(joint_project, lead, member):
    add_history(joint_project, lead, member, 2)
    return joint_project


def download(client, person, url):
    client.force_login(person.user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def markdown_of(client, person):
    response = download(client, person, MARKDOWN_URL)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_files(client, person):
    response = download(client, person, CSV_URL)
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: bundle.read(name).decode("utf-8") for name in bundle.namelist()}


def csv_rows(text):
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# Markdown -----------------------------------------------------------------------------------


def test_the_markdown_document(client, member, history):
    response = download(client, member, MARKDOWN_URL)
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="faster-answers-history-{TODAY.isoformat()}.md"'
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("# Faster answers\n")
    sections = [
        "## Members", "## Why it matters, per department", "## Shared success metrics",
        "## Status updates (newest first)", "## Commitments", "## Wins", "## Ideas",
        "## Activity",
    ]  # fmt: skip
    positions = [text.index(section) for section in sections]
    assert positions == sorted(positions)
    assert "Make things better together." in text
    assert any(line.startswith("|") and "| Skills 0 |" in line for line in text.splitlines())
    assert "### Metric 1" in text
    assert "Counted weekly." in text
    assert text.index("Happened 1") < text.index("Happened 0")  # newest first
    assert "2 of 2 delivered commitments were kept" in text
    assert "Delivered early" in text
    # A credited person and a commenter from a department outside the project.
    assert "(Legal 0)" in text
    assert "Bravo 1" in text
    assert "Celebrate 1" in text
    assert "Fewer calls." in text


def test_table_cells_cannot_break_the_table(client, member, lead, joint_project):
    MembershipFactory(
        project=joint_project,
        person=PersonFactory(user__first_name="Pipe", user__last_name="Person"),
        what_i_bring="Data | analysis\nand dashboards",
    )
    text = markdown_of(client, member)
    row = next(line for line in text.splitlines() if line.startswith("| Pipe Person"))
    assert "Data \\| analysis<br>and dashboards" in row
    assert row.count(" | ") == 5  # six columns, still one row
    assert cell("a|b\r\nc") == "a\\|b<br>c"


def test_an_empty_project_still_exports(client, member):
    text = markdown_of(client, member)
    assert "_No wins yet._" in text
    assert "No commitment delivered yet." in text


# CSV bundle ---------------------------------------------------------------------------------


def test_the_csv_bundle(client, member, history):
    response = download(client, member, CSV_URL)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="faster-answers-history-{TODAY.isoformat()}.zip"'
    )
    files = csv_files(client, member)
    assert set(files) == {
        "README.txt", "members.csv", "metrics.csv", "check_ins.csv", "status_updates.csv",
        "commitments.csv", "wins.csv", "win_credits.csv", "comments.csv", "ideas.csv",
        "activity.csv",
    }  # fmt: skip
    for name in set(files) - {"README.txt"}:
        assert name in files["README.txt"]
    members = csv_rows(files["members.csv"])
    assert len(members) == 4
    assert {"Sales", "Support"} <= {m["department_represented"] for m in members}
    assert len(csv_rows(files["metrics.csv"])) == 2
    check_ins = csv_rows(files["check_ins.csv"])
    assert [(c["metric"], c["value"], c["note"]) for c in check_ins] == [
        ("Metric 0", "12", "ok"),
        ("Metric 1", "12", "ok"),
    ]
    assert [u["what_happened"] for u in csv_rows(files["status_updates.csv"])] == [
        "Happened 1",
        "Happened 0",
    ]
    commitments = csv_rows(files["commitments.csv"])
    assert {(c["title"], c["timeliness"], c["days_late"]) for c in commitments} == {
        ("Promise 0", "early", "-1"),
        ("Promise 1", "early", "-1"),
    }
    wins = csv_rows(files["wins.csv"])
    assert [w["title"] for w in wins] == ["Win 1", "Win 0"]  # oldest first
    assert wins[0]["story"] == "We did it together."
    assert wins[0]["cheers"].endswith(" Celebrate 1")
    assert wins[0]["metric"] == "Metric 1"
    assert wins[0]["comment_count"] == "1"
    credits = csv_rows(files["win_credits.csv"])
    assert ("outsider0", "Legal 0") in {(c["username"], c["department"]) for c in credits}
    comments = csv_rows(files["comments.csv"])
    assert {(c["text"], c["author_department"]) for c in comments} == {
        ("Bravo 0", "Legal 0"),
        ("Bravo 1", "Legal 0"),
    }
    ideas = csv_rows(files["ideas.csv"])
    assert {(i["title"], i["votes"]) for i in ideas} == {("Idea 0", "1"), ("Idea 1", "1")}
    activity = csv_rows(files["activity.csv"])
    assert {"A0", "A1"} <= {a["summary"] for a in activity}


def test_formulas_are_neutralised(client, member, joint_project, lead):
    StatusUpdateFactory(
        project=joint_project, author=lead, what_happened='=HYPERLINK("http://evil","x")',
        whats_next="+1+1",
    )  # fmt: skip
    WinCommentFactory(
        win=WinFactory(projects=[joint_project], posted_by=lead, title="@SUM(A1)"),
        text="-2+3",
    )
    files = csv_files(client, member)
    [update] = csv_rows(files["status_updates.csv"])
    assert update["what_happened"] == '\'=HYPERLINK("http://evil","x")'
    assert update["whats_next"] == "'+1+1"
    [comment] = csv_rows(files["comments.csv"])
    assert (comment["win"], comment["text"]) == ("'@SUM(A1)", "'-2+3")


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("fine = ok", "fine = ok"), ("", ""),
        (None, ""), (Decimal("-5"), Decimal("-5")), (-3, -3),
    ],
)  # fmt: skip
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_filenames(joint_project):
    day = datetime.date(2026, 3, 4)
    assert filename(joint_project, "md", day=day) == "faster-answers-history-2026-03-04.md"
    assert filename(joint_project, "zip", day=day) == "faster-answers-history-2026-03-04.zip"


# Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [MARKDOWN_URL, CSV_URL])
def test_members_sponsors_and_leads_may_export(client, joint_project, lead, member, url):
    sponsor = MembershipFactory(project=joint_project, role="sponsor").person
    for person in (lead, member, sponsor):
        client.force_login(person.user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [MARKDOWN_URL, CSV_URL])
def test_viewers_may_not_export(client, joint_project, url):
    client.force_login(PersonFactory().user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [MARKDOWN_URL, CSV_URL])
def test_members_only_projects_are_404_to_outsiders(client, joint_project, url):
    joint_project.visibility = "members"
    joint_project.save()
    client.force_login(PersonFactory().user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [MARKDOWN_URL, CSV_URL])
def test_anonymous_people_are_sent_to_log_in(client, joint_project, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# Performance --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [MARKDOWN_URL, CSV_URL])
def test_queries_do_not_grow_with_history(client, count_queries, joint_project, lead, member, url):
    client.force_login(member.user)
    add_history(joint_project, lead, member, 2)
    small = count_queries(url, ceiling=35)
    add_history(joint_project, lead, member, 18, start=2)
    large = count_queries(url, ceiling=35)
    assert small == large
