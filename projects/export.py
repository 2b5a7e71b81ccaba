"""A project's whole history, for members to take with them: one Markdown document, or a zip
of CSV files for spreadsheets.

`project_history()` reads everything in a fixed number of queries however long the history;
`markdown_chunks()` and `write_csv_bundle()` only format what it read, so a view can stream
their output without touching the database again.
"""

import csv
import io
import uuid
import zipfile
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from wagtail.admin.rich_text.converters.markdown_db import MarkdownConverter
from wagtail.rich_text import expand_db_html, get_text_for_indexing

from .cheer_selectors import cheer_counts
from .metric_selectors import metrics_with_history, summarise, unit_label
from .models import (
    WIN_STORY_FEATURES,
    Activity,
    Commitment,
    DepartmentStake,
    Idea,
    Membership,
    StatusUpdate,
    Win,
    WinComment,
    WinCredit,
)
from .numbers import format_decimal
from .progress import Status as ProgressStatus


@dataclass
class ProjectHistory:
    project: object
    exported_on: object
    stakes: list
    memberships: list
    metrics: list  # MetricSummary, with .sign_offs (this version's) on each
    updates: list
    commitments: list
    promises: object  # PromiseRecord
    wins: list  # with .cheer_counts, .story_markdown, .story_text
    ideas: list
    activity: list


def project_history(project) -> ProjectHistory:
    """Everything the export shows, in about twenty queries whatever the project's size."""
    metrics = metrics_with_history(project.metrics.all()).prefetch_related(
        "check_ins__author__user", "sign_offs__department", "sign_offs__person__user"
    )
    summaries = []
    for metric in metrics:
        summary = summarise(metric)
        summary.sign_offs = [s for s in metric.sign_offs.all() if s.version == metric.version]
        summaries.append(summary)
    wins = list(
        Win.objects.in_project(project)
        .select_related("posted_by__user", "check_in__metric")
        .prefetch_related(
            Prefetch(
                "credits", queryset=WinCredit.objects.select_related("person__user", "department")
            ),
            Prefetch(
                "comments",
                queryset=WinComment.objects.select_related("author__user", "author__department"),
            ),
        )
        .order_by("day", "created_at", "pk")
    )
    _attach_cheer_counts(wins)
    _attach_stories(wins)
    return ProjectHistory(
        project=project,
        exported_on=timezone.localdate(),
        stakes=list(DepartmentStake.objects.filter(project=project).select_related("department")),
        memberships=list(
            Membership.objects.filter(project=project).select_related("person__user", "department")
        ),
        metrics=summaries,
        updates=list(
            StatusUpdate.objects.filter(project=project)
            .select_related("author__user")
            .order_by("-created_at", "-pk")
        ),
        commitments=list(
            Commitment.objects.filter(project=project).select_related(
                "owner__user", "owner__department"
            )
        ),
        promises=Commitment.objects.filter(project=project).promise_record(),
        wins=wins,
        ideas=list(
            Idea.objects.filter(project=project)
            .select_related("author__user", "commitment")
            .annotate(vote_count=Count("votes"))
            .order_by("created_at", "pk")
        ),
        activity=list(
            Activity.objects.filter(project=project)
            .select_related("actor__user")
            .order_by("created_at", "pk")
        ),
    )


def _attach_cheer_counts(wins):
    """win.cheer_counts = [(reaction, count), ...] in the reactions' order, in one query."""
    counts = cheer_counts([win.pk for win in wins])
    for win in wins:
        win.cheer_counts = [
            (f"{cheer['symbol']} {cheer['reaction']}", cheer["count"]) for cheer in counts[win.pk]
        ]


def _attach_stories(wins):
    """Stories as Markdown and as plain text. Links to pages are expanded in one call for all
    stories (Wagtail looks linked pages up per call, not per link), so the count stays fixed."""
    if not wins:
        return
    boundary = f"<!--{uuid.uuid4().hex}-->"
    expanded = expand_db_html(boundary.join(win.story for win in wins)).split(boundary)
    converter = MarkdownConverter(WIN_STORY_FEATURES)
    for win, html in zip(wins, expanded, strict=True):
        win.story_markdown = converter.from_database_format(html, resolved=True).strip()
        win.story_text = get_text_for_indexing(html)


def filename(project, extension, *, day=None):
    return f"{project.slug}-history-{(day or timezone.localdate()).isoformat()}.{extension}"


# Formatting shared by both formats -----------------------------------------------------------


def when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def number(value):
    return "" if value is None else format_decimal(value, language="en")


def person_name(person):
    return person.full_name if person else _("(removed)")


def timeliness_label(commitment):
    if commitment.timeliness is None:
        return _("Overdue") if commitment.is_overdue else _("Open")
    return str(commitment.timeliness.label)


def promise_text(promises):
    if not promises.delivered:
        return _("No commitment delivered yet.")
    return _(
        "%(kept)d of %(delivered)d delivered commitments were kept (delivered on time or early): "
        "%(percent)d%%."
    ) % {"kept": promises.kept, "delivered": promises.delivered, "percent": promises.kept_percent}


def cheers_text(win):
    return ", ".join(f"{reaction} {count}" for reaction, count in win.cheer_counts)


# Markdown -----------------------------------------------------------------------------------


def cell(value):
    """Text safe inside a Markdown table cell: a pipe would start a new column and a line
    break would end the row, so pipes are escaped and line breaks become <br>."""
    text = normalize_newlines(str(value if value is not None else "")).strip()
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def table(headers, rows):
    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|" + "|".join(" --- " for _header in headers) + "|",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n\n"


def text_block(value):
    """User text as its own paragraphs (line breaks kept as Markdown hard breaks)."""
    text = normalize_newlines(value or "").strip()
    return (
        "\n".join(
            line.rstrip() + "  " if line.strip() else "" for line in text.split("\n")
        ).rstrip()
        + "\n\n"
    )


def heading(level, text):
    return f"{'#' * level} {' '.join(str(text).split())}\n\n"


def markdown_chunks(history: ProjectHistory):
    """The document, a section at a time (for a streaming response)."""
    for section in (
        _md_overview,
        _md_members,
        _md_stakes,
        _md_metrics,
        _md_updates,
        _md_commitments,
        _md_wins,
        _md_ideas,
        _md_activity,
    ):
        yield section(history)


def _md_overview(history):
    project = history.project
    facts = [
        (_("Purpose"), project.purpose),
        (_("Status"), project.get_status_display()),
        (_("Visibility"), project.get_visibility_display()),
        (_("Start date"), project.start_date or "—"),
        (_("Target date"), project.target_date or "—"),
        (_("Status updates"), project.get_update_cadence_display()),
        (_("Next update due"), project.next_update_due or "—"),
    ]
    intro = _("Project history exported on %(day)s.") % {"day": history.exported_on.isoformat()}
    return heading(1, project.title) + f"{intro}\n\n" + fact_list(facts)


def _md_members(history):
    rows = [
        (
            m.person.full_name,
            m.department.name,
            m.get_role_display(),
            m.joined_at.date() if m.joined_at else "",
            m.what_i_bring,
            m.whats_in_it_for_my_team,
        )
        for m in history.memberships
    ]
    headers = (
        _("Name"),
        _("Department represented"),
        _("Role"),
        _("Joined"),
        _("What I bring"),
        _("What's in it for my team"),
    )
    return heading(2, _("Members")) + _table_or_none(headers, rows, _("No members."))


def _table_or_none(headers, rows, empty):
    return table(headers, rows) if rows else nothing(empty)


def fact_list(facts):
    """A bulleted "- **Label:** value" list; values on one line each."""
    lines = (f"- {bold(label + ':')} {' '.join(str(value).split())}\n" for label, value in facts)
    return "".join(lines) + "\n"


def nothing(message):
    return f"_{message}_\n\n"


def bold(text):
    return f"**{text}**"


def _md_stakes(history):
    parts = [heading(2, _("Why it matters, per department"))]
    for stake in history.stakes:
        parts += [heading(3, stake.department.name), text_block(stake.why_it_matters)]
    if not history.stakes:
        parts.append(nothing(_("Not written yet.")))
    return "".join(parts)


def _md_metrics(history):
    parts = [heading(2, _("Shared success metrics"))]
    if not history.metrics:
        parts.append(nothing(_("No metrics defined.")))
    for summary in history.metrics:
        metric = summary.metric
        unit = unit_label(metric)
        signed = ", ".join(
            f"{s.department.name} ({person_name(s.person)}, {when(s.signed_at)})"
            for s in summary.sign_offs
        )
        waiting = ", ".join(department.name for department in summary.waiting_for)
        facts = [
            (_("Definition"), metric.definition),
            (_("Unit"), f"{metric.get_unit_display()} {unit}".strip()),
            (_("Direction"), metric.get_direction_display()),
            (_("Baseline"), f"{number(metric.baseline_value)} ({metric.baseline_date})"),
            (_("Target"), f"{number(metric.target_value)} ({metric.target_date})"),
            (_("Owning departments"), ", ".join(d.name for d in summary.owners)),
            (_("Agreed"), when(metric.agreed_at) if metric.is_agreed else _("Not yet")),
            (_("Signed off by"), signed or "—"),
            (_("Waiting for"), waiting or "—"),
            (_("Progress"), ProgressStatus(summary.progress.status).label),
        ]
        parts.append(heading(3, metric.name))
        parts.append(fact_list(facts))
        rows = [
            (c.day, number(c.value), c.get_confidence_display(), c.note, person_name(c.author))
            for c in summary.check_ins
        ]
        headers = (_("Date"), _("Value"), _("Confidence"), _("Note"), _("By"))
        parts.append(_table_or_none(headers, rows, _("No check-ins yet.")))
    return "".join(parts)


def _md_updates(history):
    parts = [heading(2, _("Status updates (newest first)"))]
    if not history.updates:
        parts.append(nothing(_("No status updates yet.")))
    for update in history.updates:
        parts += [
            heading(
                3,
                f"{when(update.created_at)} · {update.get_health_display()} · "
                f"{person_name(update.author)}",
            ),
            bold(_("What happened")) + "\n\n",
            text_block(update.what_happened),
            bold(_("What's next")) + "\n\n",
            text_block(update.whats_next),
            f"**{_('Next update due')}:** {update.next_update_due}\n\n",
        ]
    return "".join(parts)


def _md_commitments(history):
    rows = [
        (
            c.title,
            person_name(c.owner),
            c.due_date,
            c.delivered_on or "",
            timeliness_label(c),
        )
        for c in history.commitments
    ]
    headers = (_("Commitment"), _("Owner"), _("Due"), _("Delivered"), _("Kept?"))
    return (
        heading(2, _("Commitments"))
        + f"**{_('Promises kept')}:** {promise_text(history.promises)}\n\n"
        + _table_or_none(headers, rows, _("No commitments yet."))
    )


def _md_wins(history):
    parts = [heading(2, _("Wins"))]
    if not history.wins:
        parts.append(nothing(_("No wins yet.")))
    for win in history.wins:
        credits = ", ".join(
            f"{credit.person.full_name} ({credit.department.name})" for credit in win.credits.all()
        )
        parts.append(heading(3, f"{win.day} · {win.title}"))
        facts = [(_("Credited"), credits), (_("Posted by"), person_name(win.posted_by))]
        if win.check_in:
            entry = win.check_in
            facts.append(
                (_("Check-in"), f"{entry.metric.name} = {number(entry.value)} ({entry.day})")
            )
        facts.append((_("Cheers"), cheers_text(win) or "—"))
        parts.append(fact_list(facts))
        if win.story_markdown:
            parts.append(win.story_markdown + "\n\n")
        comments = list(win.comments.all())
        if comments:
            parts.append(f"**{_('Comments')}**\n\n")
            parts += [_md_comment(comment) for comment in comments]
    return "".join(parts)


def _md_comment(comment):
    author = f"{bold(person_name(comment.author))} ({comment.author.department.name}, "
    quoted = "\n".join(f"> {line}" for line in normalize_newlines(comment.text).split("\n"))
    return f"> {author}{when(comment.created_at)}):  \n{quoted}\n\n"


def _md_ideas(history):
    rows = [
        (
            i.title,
            i.text,
            person_name(i.author),
            when(i.created_at),
            i.vote_count,
            i.commitment or "",
        )
        for i in history.ideas
    ]
    headers = (_("Idea"), _("Details"), _("By"), _("Posted"), _("+1s"), _("Became commitment"))
    return heading(2, _("Ideas")) + _table_or_none(headers, rows, _("No ideas yet."))


def _md_activity(history):
    rows = [
        (when(a.created_at), person_name(a.actor), a.get_kind_display(), a.summary, a.detail_label)
        for a in history.activity
    ]
    headers = (_("When"), _("Who"), _("What"), _("About"), _("Detail"))
    return heading(2, _("Activity")) + _table_or_none(headers, rows, _("No activity yet."))


# CSV bundle ---------------------------------------------------------------------------------

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (tab and
# carriage return too, as some spreadsheets strip them before parsing).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run: people's own text (a comment, a win title) starting
    with "=" could otherwise be a formula that leaks data or runs commands when a member opens
    the file (CSV injection). A leading apostrophe makes it plain text. Numbers and dates we
    write ourselves are left alone, so a negative value stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


CSV_FILES = {
    "members.csv": (
        lambda: _("One row per member: department represented, role, date joined and what "
                  "they wrote about their part."),
        ["name", "username", "department_represented", "role", "joined",
         "what_i_bring", "whats_in_it_for_my_team"],
    ),
    "metrics.csv": (
        lambda: _("One row per shared success metric: definition, unit, baseline and target, "
                  "owning departments, agreement and sign-offs of the current version."),
        ["metric_id", "name", "definition", "unit", "unit_detail", "direction", "baseline",
         "baseline_date", "target", "target_date", "stretch_target", "lowest_acceptable",
         "highest_acceptable", "owning_departments", "agreed_at", "signed_off_by",
         "waiting_for", "progress"],
    ),
    "check_ins.csv": (
        lambda: _("One row per metric check-in (metric_id matches metrics.csv)."),
        ["metric_id", "metric", "day", "value", "confidence", "note", "author"],
    ),
    "status_updates.csv": (
        lambda: _("One row per status update, newest first."),
        ["posted_at", "author", "health", "what_happened", "whats_next", "next_update_due"],
    ),
    "commitments.csv": (
        lambda: _("One row per commitment: owner, due date, delivery date and whether it was "
                  "kept (days_late is negative when delivered early)."),
        ["commitment_id", "title", "owner", "owner_department", "due_date", "delivered_on",
         "timeliness", "days_late"],
    ),
    "wins.csv": (
        lambda: _("One row per win: story as plain text, the check-in that shows it, cheers "
                  "per reaction and the number of comments."),
        ["win_id", "day", "title", "story", "posted_by", "metric", "check_in_value",
         "check_in_day", "cheers", "comment_count"],
    ),
    "win_credits.csv": (
        lambda: _("One row per person credited in a win, with the department they "
                  "represented (win_id matches wins.csv)."),
        ["win_id", "win", "name", "username", "department"],
    ),
    "comments.csv": (
        lambda: _("One row per comment on a win, with the author's department."),
        ["win_id", "win", "posted_at", "author", "author_department", "text"],
    ),
    "ideas.csv": (
        lambda: _("One row per idea, with its +1 count and the commitment it became, if any."),
        ["idea_id", "posted_at", "title", "details", "author", "votes", "commitment"],
    ),
    "activity.csv": (
        lambda: _("The project's timeline, oldest first: who did what, and when."),
        ["at", "actor", "kind", "summary", "detail"],
    ),
}  # fmt: skip


def csv_rows(history: ProjectHistory):
    """{file name: rows} for CSV_FILES, from the loaded history only."""
    return {
        "members.csv": [
            (m.person.full_name, m.person.user.username, m.department.name, m.role,
             when(m.joined_at), m.what_i_bring, m.whats_in_it_for_my_team)
            for m in history.memberships
        ],
        "metrics.csv": [_metric_row(summary) for summary in history.metrics],
        "check_ins.csv": [
            (s.metric.pk, s.metric.name, c.day, number(c.value), c.confidence, c.note,
             person_name(c.author))
            for s in history.metrics
            for c in s.check_ins
        ],
        "status_updates.csv": [
            (when(u.created_at), person_name(u.author), u.health, u.what_happened, u.whats_next,
             u.next_update_due)
            for u in history.updates
        ],
        "commitments.csv": [
            (c.pk, c.title, person_name(c.owner), c.owner.department.name, c.due_date,
             c.delivered_on, c.timeliness or ("overdue" if c.is_overdue else "open"),
             c.days_late)
            for c in history.commitments
        ],
        "wins.csv": [
            (w.pk, w.day, w.title, w.story_text, person_name(w.posted_by),
             w.check_in.metric.name if w.check_in else "",
             number(w.check_in.value) if w.check_in else "",
             w.check_in.day if w.check_in else "",
             cheers_text(w), len(w.comments.all()))
            for w in history.wins
        ],
        "win_credits.csv": [
            (w.pk, w.title, credit.person.full_name, credit.person.user.username,
             credit.department.name)
            for w in history.wins
            for credit in w.credits.all()
        ],
        "comments.csv": [
            (w.pk, w.title, when(c.created_at), person_name(c.author),
             c.author.department.name, c.text)
            for w in history.wins
            for c in w.comments.all()
        ],
        "ideas.csv": [
            (i.pk, when(i.created_at), i.title, i.text, person_name(i.author), i.vote_count,
             i.commitment.title if i.commitment else "")
            for i in history.ideas
        ],
        "activity.csv": [
            (when(a.created_at), person_name(a.actor), a.kind, a.summary, a.detail)
            for a in history.activity
        ],
    }  # fmt: skip


def _metric_row(summary):
    metric = summary.metric
    return (
        metric.pk, metric.name, metric.definition, metric.unit, metric.unit_detail,
        metric.direction, number(metric.baseline_value), metric.baseline_date,
        number(metric.target_value), metric.target_date, number(metric.stretch_value),
        number(metric.lower_bound), number(metric.upper_bound),
        "; ".join(d.name for d in summary.owners), when(metric.agreed_at),
        "; ".join(f"{s.department.name}: {person_name(s.person)}" for s in summary.sign_offs),
        "; ".join(d.name for d in summary.waiting_for), summary.progress.status,
    )  # fmt: skip


def csv_text(header, rows):
    # A byte order mark, so Excel opens the file as UTF-8 (names with ä, ö, emoji).
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return buffer.getvalue()


def readme_text(history):
    project = history.project
    lines = [
        _("%(title)s: project history exported on %(day)s.")
        % {"title": project.title, "day": history.exported_on.isoformat()},
        "",
        _("Each file is UTF-8 CSV with a header row. Dates are YYYY-MM-DD, times are local "
          "(YYYY-MM-DD HH:MM), numbers use a point as decimal separator. Text that a "
          "spreadsheet would read as a formula starts with an apostrophe ('), so opening "
          "the files is safe."),
        "",
    ]  # fmt: skip
    for name, (describe, header) in CSV_FILES.items():
        lines += [f"{name}", f"  {describe()}", f"  {_('Columns')}: {', '.join(header)}", ""]
    return "\r\n".join(lines)


def write_csv_bundle(history: ProjectHistory, stream):
    """Write the zip of CSV files and README.txt to a binary stream (a file, a response)."""
    rows = csv_rows(history)
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("README.txt", readme_text(history).encode("utf-8"))
        for name, (_describe, header) in CSV_FILES.items():
            bundle.writestr(name, csv_text(header, rows[name]).encode("utf-8"))
    return stream
