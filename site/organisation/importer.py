"""Create or update departments and people from an HR export (CSV), as `manage.py import_org` does.

The import runs in two phases so that a bad file never leaves the intranet half imported:

1. Plan: read the file, check every row and compare it with what the database holds. Every
   problem is collected with its CSV line number, and the plan builds (but does not save) the
   departments, users, people and topics the file describes.
2. Apply: only when the whole file is valid, save the plan in one transaction.

Empty optional cells mean "no information", never "clear this": they leave an existing value
alone and give a new record the model's default. Values can be cleared in the Wagtail admin.
"""

import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backends

from .colours import HEX_COLOUR
from .models import Department, Person, PersonTopic, Topic

REQUIRED_COLUMNS = ("email", "first_name", "last_name", "department")
OPTIONAL_COLUMNS = (
    "username",
    "job_title",
    "bio",
    "ask_me_about",
    "department_parent",
    "department_description",
    "department_colour",
    "active",
)
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

TOPIC_SEPARATOR = ";"
ACTIVE_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}

# Lookups go to the database in batches: few queries for any file size, and never more bound
# parameters than SQLite accepts in one statement (999 on older builds).
LOOKUP_BATCH_SIZE = 500

# Letters that Unicode does not decompose into an ASCII letter plus accents, so NFKD alone
# would drop them from usernames ("Søren" would become "sren").
ASCII_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "\u0131": "i",
    }
)

NEW = "new"
EXISTING = "existing"


# Problems -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file; `line` is the CSV line (the header is line 1)."""

    line: int | None
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class OrgImportError(Exception):
    """The file cannot be imported; nothing was written. Carries every problem found."""

    def __init__(self, problems):
        self.problems = sorted(problems, key=lambda problem: problem.line or 0)
        super().__init__(str(self))

    def __str__(self):
        heading = ngettext(
            "Nothing was imported: fix this problem and run the import again.",
            "Nothing was imported: fix these %(count)d problems and run the import again.",
            len(self.problems),
        ) % {"count": len(self.problems)}
        return "\n".join([heading, *(str(problem) for problem in self.problems)])


# Result ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    dry_run: bool
    people_created: int
    people_updated: int
    people_unchanged: int
    departments_created: int
    departments_updated: int
    departments_unchanged: int
    # One readable line per department or person that is (or would be) created or changed.
    changes: tuple[str, ...]

    @property
    def summary(self):
        people = self.people_created + self.people_updated + self.people_unchanged
        departments = (
            self.departments_created + self.departments_updated + self.departments_unchanged
        )
        values = {
            "people": ngettext("%(count)d person", "%(count)d people", people) % {"count": people},
            "people_counts": _counts(
                self.people_created, self.people_updated, self.people_unchanged
            ),
            "departments": ngettext("%(count)d department", "%(count)d departments", departments)
            % {"count": departments},
            "department_counts": _counts(
                self.departments_created, self.departments_updated, self.departments_unchanged
            ),
        }
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing was written. Would import %(people)s (%(people_counts)s) "
                    "and %(departments)s (%(department_counts)s)."
                )
                % values
            )
        return (
            _(
                "Imported %(people)s (%(people_counts)s) "
                "and %(departments)s (%(department_counts)s)."
            )
            % values
        )


def _counts(created, updated, unchanged):
    return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
    }


# Entry point ----------------------------------------------------------------------------------


def import_org(*, path, dry_run=False):
    """Import the CSV file at `path`; raise OrgImportError (writing nothing) if it has problems.

    With `dry_run`, everything is checked and counted but nothing is written.
    """
    plan = plan_import(rows=read_rows(path=path))
    if not dry_run:
        apply_plan(plan=plan)
    return plan.result(dry_run=dry_run)


# Reading the file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvRow:
    line: int  # where the row starts; a quoted cell may run over several lines
    cells: dict  # column name -> stripped value ("" when the row is short)
    surplus_cells: int  # non-empty cells beyond the last column


def read_rows(*, path):
    """The file's data rows, keyed by normalised column names; raise OrgImportError for a file
    that cannot be read at all or whose header is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise OrgImportError(
            [Problem(None, _("The file %(path)s does not exist.") % {"path": path})]
        ) from None
    except OSError as error:
        raise OrgImportError(
            [
                Problem(
                    None,
                    _("The file %(path)s cannot be read: %(error)s")
                    % {"path": path, "error": error.strerror or error},
                )
            ]
        ) from None
    try:
        # utf-8-sig drops the byte order mark that Excel puts before "CSV UTF-8" exports.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise OrgImportError(
            [
                Problem(
                    line,
                    _(
                        "The file is not UTF-8 text. Save it as “CSV UTF-8” "
                        "(in Excel: Save As, then CSV UTF-8)."
                    ),
                )
            ]
        ) from None

    # Strict: a stray quote is an error to fix, not a row silently merged with the next ones.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records = []
    while True:
        line = reader.line_num + 1  # the line the next row starts on
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise OrgImportError(
                [Problem(line, _("This is not valid CSV: %(error)s") % {"error": error})]
            ) from None
        if any(cell.strip() for cell in cells):
            records.append((line, cells))

    if not records:
        raise OrgImportError(
            [Problem(None, _("The file is empty; it needs a header row naming the columns."))]
        )
    header_line, header = records[0]
    columns = _read_header(header, line=header_line)
    rows = []
    for line, cells in records[1:]:
        values = [cell.strip() for cell in cells]
        surplus = sum(1 for value in values[len(columns) :] if value)
        values = (values + [""] * len(columns))[: len(columns)]
        rows.append(
            CsvRow(line=line, cells=dict(zip(columns, values, strict=True)), surplus_cells=surplus)
        )
    return rows


def _delimiter(text):
    # Excel in Finnish and other European locales saves "CSV" with semicolons; a header row
    # holds only column names, so its separators tell which one the file uses.
    header = text.lstrip("\r\n").split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _read_header(header, *, line):
    columns = [cell.strip().lower() for cell in header]
    problems = []
    for position, column in enumerate(columns, start=1):
        if not column:
            problems.append(
                Problem(line, _("Column %(position)d has no name.") % {"position": position})
            )
    duplicates = sorted({column for column in columns if column and columns.count(column) > 1})
    if duplicates:
        problems.append(
            Problem(
                line,
                _("These columns appear more than once: %(columns)s.")
                % {"columns": ", ".join(duplicates)},
            )
        )
    unknown = [column for column in columns if column and column not in KNOWN_COLUMNS]
    if unknown:
        problems.append(
            Problem(
                line,
                _("Unknown columns: %(columns)s. The columns this import reads are: %(known)s.")
                % {"columns": ", ".join(unknown), "known": ", ".join(KNOWN_COLUMNS)},
            )
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        problems.append(
            Problem(
                line,
                _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
            )
        )
    if problems:
        raise OrgImportError(problems)
    return columns


# Checking single rows -------------------------------------------------------------------------


@dataclass
class PersonRow:
    """One data row, checked on its own. None in an optional value means "leave as it is"."""

    line: int
    valid: bool  # False when the row has problems: only its department values are used
    email: str
    first_name: str
    last_name: str
    department: str
    username: str  # "" when not given
    job_title: str | None
    bio: str | None
    topics: list[str] | None
    is_active: bool | None
    department_parent: str | None
    department_description: str | None
    department_colour: str | None


def _length_limits():
    """Column -> (model, field) whose max_length the column's values must respect."""
    user_model = get_user_model()
    return {
        "email": (user_model, "email"),
        "username": (user_model, "username"),
        "first_name": (user_model, "first_name"),
        "last_name": (user_model, "last_name"),
        "job_title": (Person, "job_title"),
        "bio": (Person, "bio"),
        "department": (Department, "name"),
        "department_parent": (Department, "name"),
        "department_description": (Department, "description"),
    }


def _check_row(row, *, problems):
    """The row as a PersonRow, checked on its own; its problems are added to `problems`.

    A row with problems comes back with `valid` False and its bad values blanked, so that its
    good department values still count: a later row may name its department as a parent.
    """
    cells = row.cells
    bad_columns = set()

    def report(column, message):
        bad_columns.add(column)
        problems.append(Problem(row.line, message))

    if row.surplus_cells:
        report(
            None,
            ngettext(
                "This row has %(count)d value more than the header has columns.",
                "This row has %(count)d values more than the header has columns.",
                row.surplus_cells,
            )
            % {"count": row.surplus_cells},
        )
    for column in REQUIRED_COLUMNS:
        if not cells[column]:
            report(column, _("%(column)s is required.") % {"column": column})
    for column, (model, field_name) in _length_limits().items():
        limit = model._meta.get_field(field_name).max_length
        value = cells.get(column, "")
        if len(value) > limit:
            report(
                column,
                _("%(column)s is %(length)d characters long; at most %(limit)d are allowed.")
                % {"column": column, "length": len(value), "limit": limit},
            )

    email = cells["email"]
    if email and "email" not in bad_columns:
        try:
            validate_email(email)
        except ValidationError:
            report("email", _("“%(value)s” is not a valid email address.") % {"value": email})

    username = cells.get("username", "")
    if username and "username" not in bad_columns:
        try:
            get_user_model().username_validator(username)
        except ValidationError:
            report(
                "username",
                _(
                    "The username “%(value)s” may contain only letters, digits "
                    "and the characters @ . + - _"
                )
                % {"value": username},
            )

    colour = cells.get("department_colour", "")
    if colour and not HEX_COLOUR.match(colour):
        report(
            "department_colour",
            _("department_colour “%(value)s” is not a colour like #1d4ed8.") % {"value": colour},
        )

    active = cells.get("active", "")
    if active and active.lower() not in ACTIVE_WORDS:
        report(
            "active",
            _("active must be yes, no, true, false, 1 or 0, not “%(value)s”.") % {"value": active},
        )

    topics = _split_topics(cells.get("ask_me_about", ""))
    topic_limit = Topic._meta.get_field("name").max_length
    for topic in topics:
        if len(topic) > topic_limit:
            report(
                "ask_me_about",
                _("The topic “%(topic)s” is longer than %(limit)d characters.")
                % {"topic": topic, "limit": topic_limit},
            )

    def value(column):
        """The cell's value, or None when it is empty or wrong."""
        return None if column in bad_columns else cells.get(column) or None

    return PersonRow(
        line=row.line,
        valid=not bad_columns,
        email=get_user_model().objects.normalize_email(email),
        first_name=cells["first_name"],
        last_name=cells["last_name"],
        department=value("department") or "",
        username=value("username") or "",
        job_title=value("job_title"),
        bio=value("bio"),
        topics=topics if value("ask_me_about") else None,
        is_active=ACTIVE_WORDS[active.lower()] if value("active") else None,
        department_parent=value("department_parent"),
        department_description=value("department_description"),
        department_colour=colour.lower() if value("department_colour") else None,
    )


def _split_topics(text):
    """Topics in file order, without blanks or repeats (ignoring case)."""
    topics, seen = [], set()
    for topic in (part.strip() for part in text.split(TOPIC_SEPARATOR)):
        if topic and topic.lower() not in seen:
            seen.add(topic.lower())
            topics.append(topic)
    return topics


def default_username(*, first_name, last_name):
    """`firstname.lastname`, lower case ASCII: "Päivi Mäkelä" -> "paivi.makela".

    Empty when a name has no letter or digit that folds to ASCII (the file must then give one).
    """
    parts = [_username_part(first_name), _username_part(last_name)]
    return ".".join(parts) if all(parts) else ""


def _username_part(name):
    folded = unicodedata.normalize("NFKD", name.lower().translate(ASCII_LETTERS))
    ascii_name = folded.encode("ascii", "ignore").decode("ascii")
    # "O'Brien" -> "obrien", "Anna-Liisa" / "Anna Liisa" -> "anna-liisa".
    ascii_name = re.sub(r"['`]", "", ascii_name)
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name))


# Planning -------------------------------------------------------------------------------------


@dataclass
class GivenValue:
    """A department value from the file, remembered with the first line that gave it."""

    value: object
    shown: str
    line: int


@dataclass
class DepartmentPlan:
    key: tuple
    department: Department  # the existing department, or a new unsaved one
    line: int  # first line naming the department
    created: bool
    given: dict = field(default_factory=dict)  # "parent" / "description" / "colour" -> value
    changes: list = field(default_factory=list)  # names of fields that change


@dataclass
class PersonPlan:
    row: PersonRow
    user: object  # the existing user, or a new unsaved one
    person: Person  # the existing person, or a new unsaved one
    department: Department  # where the person works after the import
    user_created: bool
    person_created: bool
    user_changes: list = field(default_factory=list)
    person_changes: list = field(default_factory=list)
    topics: list | None = None  # Topic instances (some maybe unsaved), or None to leave alone
    topics_changed: bool = False

    @property
    def changed(self):
        return bool(self.user_changes or self.person_changes or self.topics_changed)


@dataclass
class ImportPlan:
    departments: list  # DepartmentPlan, in file order
    people: list  # PersonPlan, in file order
    new_topics: list  # unsaved Topic instances

    def result(self, *, dry_run):
        created_people = [plan for plan in self.people if plan.person_created]
        updated_people = [plan for plan in self.people if not plan.person_created and plan.changed]
        created_departments = [plan for plan in self.departments if plan.created]
        updated_departments = [
            plan for plan in self.departments if not plan.created and plan.changes
        ]
        changes = sorted(
            [(plan.line, 0, _describe_department(plan)) for plan in created_departments]
            + [(plan.line, 0, _describe_department(plan)) for plan in updated_departments]
            + [(plan.row.line, 1, _describe_person(plan)) for plan in created_people]
            + [(plan.row.line, 1, _describe_person(plan)) for plan in updated_people],
            key=lambda change: change[:2],
        )
        return ImportResult(
            dry_run=dry_run,
            people_created=len(created_people),
            people_updated=len(updated_people),
            people_unchanged=len(self.people) - len(created_people) - len(updated_people),
            departments_created=len(created_departments),
            departments_updated=len(updated_departments),
            departments_unchanged=(
                len(self.departments) - len(created_departments) - len(updated_departments)
            ),
            changes=tuple(text for _line, _order, text in changes),
        )


def _field_names(model, names):
    return ", ".join(str(model._meta.get_field(name).verbose_name) for name in names)


def _describe_department(plan):
    values = {"line": plan.line, "department": plan.department.name}
    if plan.created:
        return _("line %(line)d: create department %(department)s") % values
    values["fields"] = _field_names(Department, plan.changes)
    return _("line %(line)d: update department %(department)s: %(fields)s") % values


def _describe_person(plan):
    user = plan.user
    values = {
        "line": plan.row.line,
        "name": user.get_full_name(),
        "username": user.username,
        "department": plan.department.name,
    }
    if plan.person_created:
        return _("line %(line)d: create %(name)s (%(username)s) in %(department)s") % values
    fields = [
        _field_names(get_user_model(), plan.user_changes),
        _field_names(Person, plan.person_changes),
        _field_names(Person, ["ask_me_about"] if plan.topics_changed else []),
    ]
    values["fields"] = ", ".join(names for names in fields if names)
    return _("line %(line)d: update %(name)s (%(username)s): %(fields)s") % values


def plan_import(*, rows):
    """Check `rows` against each other and the database; the plan, or OrgImportError."""
    return _Planner(rows).plan()


class _Planner:
    """Works out what the rows mean for the database, collecting every problem on the way.

    Everything it needs from the database is loaded up front in a fixed number of queries per
    LOOKUP_BATCH_SIZE rows, so checking a file costs the same few queries whatever its size.
    """

    def __init__(self, rows):
        self.problems = []
        self.rows = [_check_row(row, problems=self.problems) for row in rows]
        self.valid_rows = [row for row in self.rows if row.valid]

        departments = list(Department.objects.order_by())
        self.departments_by_pk = {department.pk: department for department in departments}
        self.departments_by_name = {
            department.name.lower(): department for department in departments
        }
        self.departments_by_slug = {department.slug: department for department in departments}

        self.users_by_email, self.users_by_username = self._load_users()
        self.topic_slugs = set()
        self.topics_by_name = self._load_topics()

        self.department_plans = {}  # key -> DepartmentPlan, in file order
        self.people_plans = []
        self.new_topics = {}  # lower-case name -> unsaved Topic
        # Where each email, username and existing user first appears, to catch repeats.
        self.line_by_email = {}  # lower-case email -> line
        self.line_by_username = {}  # lower-case username -> line
        self.line_by_user = {}  # existing user's pk -> line

    def report(self, line, message):
        self.problems.append(Problem(line, message))

    # Loading what the database holds

    def _load_users(self):
        user_model = get_user_model()
        keys = [("email", row.email.lower()) for row in self.valid_rows]
        for row in self.valid_rows:
            username = row.username or default_username(
                first_name=row.first_name, last_name=row.last_name
            )
            if username:
                keys.append(("username", username.lower()))
        users = {}
        for batch in _batches(sorted(set(keys)), LOOKUP_BATCH_SIZE):
            emails = [value for kind, value in batch if kind == "email"]
            usernames = [value for kind, value in batch if kind == "username"]
            queryset = (
                user_model.objects.annotate(
                    email_key=Lower("email"), username_key=Lower("username")
                )
                .filter(Q(email_key__in=emails) | Q(username_key__in=usernames))
                .select_related("person")
                .order_by("pk")
            )
            users.update((user.pk, user) for user in queryset)
        by_email, by_username = defaultdict(list), defaultdict(list)
        for user in users.values():
            if user.email:
                by_email[user.email.lower()].append(user)
            by_username[user.username.lower()].append(user)
        return by_email, by_username

    def _load_topics(self):
        if not any(row.topics for row in self.valid_rows):
            return {}
        # All of them: new topics need slugs that no existing topic has.
        topics = list(Topic.objects.order_by("pk"))
        self.topic_slugs = {topic.slug for topic in topics}
        return {topic.name.lower(): topic for topic in topics}

    def _load_current_topic_ids(self):
        """Topic ids of the existing people whose topics the file gives."""
        person_pks = [plan.person.pk for plan in self.people_plans if plan.topics is not None]
        person_pks = [pk for pk in person_pks if pk is not None]
        topic_ids = defaultdict(set)
        for batch in _batches(person_pks, LOOKUP_BATCH_SIZE):
            pairs = PersonTopic.objects.filter(content_object_id__in=batch).values_list(
                "content_object_id", "tag_id"
            )
            for person_pk, topic_pk in pairs:
                topic_ids[person_pk].add(topic_pk)
        return topic_ids

    # The plan

    def plan(self):
        for row in self.rows:
            department_plan = self._plan_department(row) if row.department else None
            if row.valid:
                person_plan = self._plan_person(row, department_plan)
                if person_plan is not None:
                    self.people_plans.append(person_plan)
        self._check_parents()
        if self.problems:
            raise OrgImportError(self.problems)

        self._apply_department_values()
        self._compare_topics()
        return ImportPlan(
            departments=list(self.department_plans.values()),
            people=self.people_plans,
            new_topics=list(self.new_topics.values()),
        )

    def _department_key(self, name):
        lowered = name.lower()
        existing = self.departments_by_name.get(lowered) or self.departments_by_slug.get(lowered)
        if existing is not None:
            return (EXISTING, existing.pk)
        return (NEW, lowered)

    def _department_name(self, key):
        if key in self.department_plans:
            return self.department_plans[key].department.name
        return self.departments_by_pk[key[1]].name

    def _plan_department(self, row):
        key = self._department_key(row.department)
        plan = self.department_plans.get(key)
        if plan is None:
            if key[0] == EXISTING:
                department, created = self.departments_by_pk[key[1]], False
            else:
                department, created = Department(name=row.department), True
            plan = DepartmentPlan(key=key, department=department, line=row.line, created=created)
            self.department_plans[key] = plan

        given = {}
        if row.department_parent:
            given["parent"] = (self._department_key(row.department_parent), row.department_parent)
        if row.department_description:
            given["description"] = (row.department_description, row.department_description)
        if row.department_colour:
            given["colour"] = (row.department_colour, row.department_colour)
        for attribute, (value, shown) in given.items():
            earlier = plan.given.get(attribute)
            if earlier is None:
                plan.given[attribute] = GivenValue(value=value, shown=shown, line=row.line)
            elif earlier.value != value:
                self.report(
                    row.line,
                    _(
                        "The department %(department)s gets %(column)s “%(value)s” here "
                        "but “%(other)s” on line %(other_line)d."
                    )
                    % {
                        "department": plan.department.name,
                        "column": f"department_{attribute}",
                        "value": shown,
                        "other": earlier.shown,
                        "other_line": earlier.line,
                    },
                )
        return plan

    def _parent_key(self, key):
        """The department's parent once the file is imported (None for a top-level one)."""
        plan = self.department_plans.get(key)
        if plan is not None and "parent" in plan.given:
            return plan.given["parent"].value
        if key[0] == EXISTING:
            parent_pk = self.departments_by_pk[key[1]].parent_id
            return (EXISTING, parent_pk) if parent_pk is not None else None
        return None

    def _check_parents(self):
        for plan in self.department_plans.values():
            given = plan.given.get("parent")
            if given is None:
                continue
            if given.value[0] == NEW and given.value not in self.department_plans:
                self.report(
                    given.line,
                    _(
                        "The parent department “%(parent)s” is neither in this file (as a "
                        "department) nor in the intranet."
                    )
                    % {"parent": given.shown},
                )
                continue
            # Walk up from the department; meeting it again means the file closes a loop.
            path, seen, ancestor = [plan.department.name], {plan.key}, given.value
            while ancestor is not None and ancestor not in seen and self._known(ancestor):
                path.append(self._department_name(ancestor))
                seen.add(ancestor)
                ancestor = self._parent_key(ancestor)
            if ancestor == plan.key:
                path.append(plan.department.name)
                self.report(
                    given.line,
                    _("The department %(department)s would become its own ancestor: %(path)s.")
                    % {"department": plan.department.name, "path": " → ".join(path)},
                )

    def _known(self, key):
        return key in self.department_plans or key[0] == EXISTING

    def _apply_department_values(self):
        """Give new departments unique slugs and set every department's values from the file."""
        slug_limit = Department._meta.get_field("slug").max_length
        taken_slugs = set(self.departments_by_slug)
        for plan in self.department_plans.values():
            department = plan.department
            if plan.created:
                department.slug = _unique_slug(
                    slugify(department.name) or "department", taken=taken_slugs, limit=slug_limit
                )
                taken_slugs.add(department.slug)
            if "parent" in plan.given:
                parent = self._department(plan.given["parent"].value)
                if department.parent_id != parent.pk or parent.pk is None:
                    department.parent = parent
                    plan.changes.append("parent")
            if "description" in plan.given:
                description = plan.given["description"].value
                if department.description != description:
                    department.description = description
                    plan.changes.append("description")
            if "colour" in plan.given:
                colour = plan.given["colour"].value
                if department.colour.lower() != colour:
                    department.colour = colour
                    plan.changes.append("colour")

    def _department(self, key):
        if key in self.department_plans:
            return self.department_plans[key].department
        return self.departments_by_pk[key[1]]

    def _plan_person(self, row, department_plan):
        email_key = row.email.lower()
        if email_key in self.line_by_email:
            self.report(
                row.line,
                _("The email address %(email)s is already on line %(other_line)d.")
                % {"email": row.email, "other_line": self.line_by_email[email_key]},
            )
            return None
        self.line_by_email[email_key] = row.line

        user, username = self._match_user(row)
        if username is None:
            return None
        if user is not None:
            if user.pk in self.line_by_user:
                self.report(
                    row.line,
                    _("This is the same person (%(username)s) as on line %(other_line)d.")
                    % {"username": user.username, "other_line": self.line_by_user[user.pk]},
                )
                return None
            self.line_by_user[user.pk] = row.line
        other = self.line_by_username.get(username.lower())
        if other is not None:
            self.report(
                row.line,
                _(
                    "The username %(username)s is also used on line %(other_line)d for another "
                    "email address; give one of them a different username."
                )
                % {"username": username, "other_line": other},
            )
            return None
        self.line_by_username[username.lower()] = row.line

        user_model = get_user_model()
        user_created = user is None
        if user_created:
            user = user_model(username=username, email=row.email)
        plan = PersonPlan(
            row=row,
            user=user,
            person=getattr(user, "person", None) if not user_created else None,
            department=department_plan.department,
            user_created=user_created,
            person_created=False,
        )
        if plan.person is None:
            plan.person = Person(user=user, department=department_plan.department)
            plan.person_created = True

        self._set_user_values(plan, username)
        self._set_person_values(plan)
        if row.topics is not None:
            plan.topics = [self._topic(name) for name in row.topics]
        return plan

    def _match_user(self, row):
        """The existing user the row is about (or None) and the username to give them.

        The username is None when the row cannot be matched safely (a problem is reported).
        """
        with_email = self.users_by_email.get(row.email.lower(), [])
        if len(with_email) > 1:
            self.report(
                row.line,
                _(
                    "Several users have the email address %(email)s (%(usernames)s); "
                    "leave only one in the admin first."
                )
                % {
                    "email": row.email,
                    "usernames": ", ".join(user.username for user in with_email),
                },
            )
            return None, None
        user = with_email[0] if with_email else None

        if row.username:
            with_username = self.users_by_username.get(row.username.lower(), [])
            if len(with_username) > 1:
                self.report(
                    row.line,
                    _("Several users have the username %(username)s (ignoring case).")
                    % {"username": row.username},
                )
                return None, None
            owner = with_username[0] if with_username else None
            if user is None:
                # Matched by the username the file gives: the person's email has changed.
                return owner, row.username
            if owner is not None and owner.pk != user.pk:
                self.report(
                    row.line,
                    _(
                        "The email address %(email)s belongs to the user %(user)s, but the "
                        "username %(username)s belongs to another user (%(other_email)s)."
                    )
                    % {
                        "email": row.email,
                        "user": user.username,
                        "username": row.username,
                        "other_email": owner.email or "-",
                    },
                )
                return None, None
            return user, row.username

        if user is not None:
            return user, user.username

        username = default_username(first_name=row.first_name, last_name=row.last_name)
        if not username:
            self.report(
                row.line,
                _("No username can be made from the name “%(name)s”; fill in the username column.")
                % {"name": f"{row.first_name} {row.last_name}"},
            )
            return None, None
        username_limit = get_user_model()._meta.get_field("username").max_length
        if len(username) > username_limit:
            self.report(
                row.line,
                _(
                    "The username made from the name, %(username)s, is longer than %(limit)d "
                    "characters; fill in the username column."
                )
                % {"username": username, "limit": username_limit},
            )
            return None, None
        taken_by = self.users_by_username.get(username.lower(), [])
        if taken_by:
            # Another person with the same name, most likely: guessing could merge two people.
            self.report(
                row.line,
                _(
                    "The username %(username)s already belongs to another user "
                    "(%(other_email)s); fill in the username column for this person."
                )
                % {"username": username, "other_email": taken_by[0].email or "-"},
            )
            return None, None
        return None, username

    def _set_user_values(self, plan, username):
        row, user = plan.row, plan.user
        values = {"first_name": row.first_name, "last_name": row.last_name, "username": username}
        if user.email.lower() != row.email.lower():
            values["email"] = row.email
        if row.is_active is not None:
            values["is_active"] = row.is_active
        for name, value in values.items():
            if getattr(user, name) != value:
                setattr(user, name, value)
                if not plan.user_created:
                    plan.user_changes.append(name)

    def _set_person_values(self, plan):
        row, person, department = plan.row, plan.person, plan.department
        if department.pk is None or person.department_id != department.pk:
            person.department = department
            if not plan.person_created:
                plan.person_changes.append("department")
        for name in ("job_title", "bio"):
            value = getattr(row, name)
            if value is not None and getattr(person, name) != value:
                setattr(person, name, value)
                if not plan.person_created:
                    plan.person_changes.append(name)

    def _topic(self, name):
        existing = self.topics_by_name.get(name.lower())
        if existing is not None:
            return existing
        topic = self.new_topics.get(name.lower())
        if topic is None:
            slug_limit = Topic._meta.get_field("slug").max_length
            base = Topic().slugify(name) or "topic"
            topic = Topic(
                name=name,
                slug=_unique_slug(base, taken=self.topic_slugs, limit=slug_limit, separator="_"),
            )
            self.topic_slugs.add(topic.slug)
            self.new_topics[name.lower()] = topic
        return topic

    def _compare_topics(self):
        current = self._load_current_topic_ids()
        for plan in self.people_plans:
            if plan.topics is None:
                continue
            wanted = {topic.pk for topic in plan.topics}
            plan.topics_changed = (
                plan.person_created
                or None in wanted
                or (wanted != current.get(plan.person.pk, set()))
            )


def _unique_slug(base, *, taken, limit, separator="-"):
    slug, number = base[:limit], 2
    while slug in taken:
        suffix = f"{separator}{number}"
        slug = base[: limit - len(suffix)] + suffix
        number += 1
    return slug


def _batches(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Writing --------------------------------------------------------------------------------------


def apply_plan(*, plan):
    """Save everything the plan describes, in one transaction: all of it or none of it."""
    try:
        with transaction.atomic():
            _save_departments(plan)
            Topic.objects.bulk_create(plan.new_topics)
            _save_users(plan)
            _save_people(plan)
            _save_topics(plan)
            _update_indexes(plan)
    except IntegrityError as error:
        # Only possible when someone else changed the same users or departments meanwhile.
        raise OrgImportError(
            [
                Problem(
                    None,
                    _("The database changed during the import (%(error)s); run it again.")
                    % {"error": error},
                )
            ]
        ) from error


def _save_departments(plan):
    # Few departments, so plain saves: they also keep the search and reference indexes current.
    # A new parent is saved before its new children, which need the parent's id.
    plan_by_department = {
        id(department_plan.department): department_plan for department_plan in plan.departments
    }
    saved = set()

    def save(department_plan):
        if id(department_plan) in saved:
            return
        saved.add(id(department_plan))
        department = department_plan.department
        if "parent" in department_plan.changes and department.parent.pk is None:
            save(plan_by_department[id(department.parent)])
        if department_plan.created:
            department.save()
        elif department_plan.changes:
            department.save(update_fields=department_plan.changes)

    for department_plan in plan.departments:
        save(department_plan)


def _save_users(plan):
    user_model = get_user_model()
    new_users = [person_plan.user for person_plan in plan.people if person_plan.user_created]
    for user in new_users:
        # People sign in through the organisation's sign-in, never with a password of ours.
        user.set_unusable_password()
    user_model.objects.bulk_create(new_users, batch_size=LOOKUP_BATCH_SIZE)

    changed = [person_plan for person_plan in plan.people if person_plan.user_changes]
    if changed:
        fields = sorted({name for person_plan in changed for name in person_plan.user_changes})
        user_model.objects.bulk_update(
            [person_plan.user for person_plan in changed], fields, batch_size=LOOKUP_BATCH_SIZE
        )


def _save_people(plan):
    new_people = [person_plan.person for person_plan in plan.people if person_plan.person_created]
    Person.objects.bulk_create(new_people, batch_size=LOOKUP_BATCH_SIZE)

    changed = [person_plan for person_plan in plan.people if person_plan.person_changes]
    if changed:
        fields = sorted({name for person_plan in changed for name in person_plan.person_changes})
        Person.objects.bulk_update(
            [person_plan.person for person_plan in changed], fields, batch_size=LOOKUP_BATCH_SIZE
        )


def _save_topics(plan):
    """Replace the topics of the people whose topics the file changes."""
    changed = [person_plan for person_plan in plan.people if person_plan.topics_changed]
    for batch in _batches([person_plan.person.pk for person_plan in changed], LOOKUP_BATCH_SIZE):
        PersonTopic.objects.filter(content_object_id__in=batch).delete()
    PersonTopic.objects.bulk_create(
        [
            PersonTopic(content_object=person_plan.person, tag=topic)
            for person_plan in changed
            for topic in person_plan.topics
        ],
        batch_size=LOOKUP_BATCH_SIZE,
    )


def _update_indexes(plan):
    """Bring the search and reference indexes up to date for the people saved in bulk.

    Bulk saves send no post_save signals, so Wagtail's automatic index updates do not run.
    Inside the transaction, so that with the database search backend the index is imported
    (or rolled back) together with the data.
    """
    touched = [
        person_plan
        for person_plan in plan.people
        if person_plan.person_created or person_plan.changed
    ]
    person_pks = [person_plan.person.pk for person_plan in touched]
    for backend in get_search_backends(with_auto_update=True):
        for batch in _batches(person_pks, LOOKUP_BATCH_SIZE):
            backend.add_bulk(Person, list(Person.get_indexed_objects().filter(pk__in=batch)))

    # The reference index records which people point at which department ("usage" in the admin).
    if ReferenceIndex.is_indexed(Person):
        for person_plan in touched:
            if person_plan.person_created or "department" in person_plan.person_changes:
                ReferenceIndex.create_or_update_for_object(person_plan.person)
