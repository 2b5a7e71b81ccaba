"""Running a retrospective: each step a small function in one transaction.

What each role may do in each phase is decided by `projects.permissions.RetroAccess`; these
functions enforce the phase itself (an item cannot be added after collection, a vote only
while voting) so that no caller can skip a rule.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import notify
from organisation.models import Person

from .models import (
    PHASE_ORDER,
    ActivityKind,
    Membership,
    RetroColumn,
    RetroItem,
    RetroNote,
    RetroParticipant,
    RetroPhase,
    Retrospective,
    RetroVote,
)
from .services import ProjectActionError, commitment_make, record_activity


def _touch(retro):
    """Tell polling boards that something changed."""
    Retrospective.objects.filter(pk=retro.pk).update(revision=F("revision") + 1)


def _require_phase(retro, *phases):
    current = Retrospective.objects.values_list("phase", flat=True).get(pk=retro.pk)
    if current not in phases:
        raise ProjectActionError(
            _("This can't be done in the %(phase)s phase.")
            % {"phase": RetroPhase(current).label.lower()}
        )


def represented_department(retro, person):
    """The department a person represents in the retrospective's projects (their own if
    they belong to none of them)."""
    membership = (
        Membership.objects.filter(project__retrospectives=retro, person=person)
        .order_by("joined_at")
        .first()
    )
    return membership.department if membership else person.department


@transaction.atomic
def retro_create(
    *, projects, facilitator, created_by, retro_format, title, held_on, votes_per_person=3,
    skip_review=False,
):  # fmt: skip
    projects = list(projects)
    if not projects:
        raise ProjectActionError({"projects": _("Choose at least one project.")})
    if not 1 <= votes_per_person <= 20:
        raise ProjectActionError(
            {"votes_per_person": _("Give each person between 1 and 20 dot votes.")}
        )
    if not Membership.objects.filter(person=facilitator, project__in=projects).exists():
        raise ProjectActionError(
            {"facilitator": _("The facilitator must be a member of one of the projects.")}
        )
    retro = Retrospective.objects.create(
        title=title.strip(),
        held_on=held_on,
        facilitator=facilitator,
        format=retro_format,
        votes_per_person=votes_per_person,
        created_by=created_by,
        phase=RetroPhase.COLLECT if skip_review else RetroPhase.REVIEW,
    )
    retro.projects.set(projects)
    RetroColumn.objects.bulk_create(
        RetroColumn(retrospective=retro, title=c.title, prompt=c.prompt, position=i)
        for i, c in enumerate(retro_format.columns.all())
    )
    return retro


@transaction.atomic
def retro_move(*, retro, to_phase):
    """The facilitator moves the board to another phase (forwards, or one step back)."""
    retro = Retrospective.objects.select_for_update().get(pk=retro.pk)
    if retro.phase == RetroPhase.CLOSED:
        raise ProjectActionError(_("This retrospective is closed."))
    if to_phase == RetroPhase.CLOSED:
        raise ProjectActionError(_("Close the retrospective with “Close and publish”."))
    current, wanted = PHASE_ORDER.index(retro.phase), PHASE_ORDER.index(to_phase)
    if wanted < current - 1:
        raise ProjectActionError(_("Go back one phase at a time."))
    retro.phase = to_phase
    retro.revision += 1
    retro.save(update_fields=["phase", "revision"])
    return retro


def _take_part(retro, person, department=None):
    """Record a participant once; the department is looked up only for a newcomer (votes
    come often, and from people who usually took part already)."""
    if RetroParticipant.objects.filter(retrospective=retro, person=person).exists():
        return
    try:
        with transaction.atomic():
            RetroParticipant.objects.create(
                retrospective=retro,
                person=person,
                department=department or represented_department(retro, person),
            )
    except IntegrityError:
        pass  # the same person's other request recorded them first


@transaction.atomic
def item_add(*, retro, person, column, text, anonymous=False):
    _require_phase(retro, RetroPhase.COLLECT)
    text = text.strip()
    if not text:
        raise ProjectActionError({"text": _("Write something first.")})
    if column.retrospective_id != retro.pk:
        raise ProjectActionError({"column": _("Choose one of this board's columns.")})
    department = represented_department(retro, person)
    _take_part(retro, person, department)
    item = RetroItem.objects.create(
        retrospective=retro,
        column=column,
        text=text,
        department=department,
        is_anonymous=anonymous,
        author=None if anonymous else person,
        created_at=None if anonymous else timezone.now(),
    )
    _touch(retro)
    return item


@transaction.atomic
def item_edit(*, item, person, text):
    _require_phase(item.retrospective, RetroPhase.COLLECT)
    if item.author_id != person.pk:
        raise ProjectActionError(_("You can change only your own items."))
    text = text.strip()
    if not text:
        raise ProjectActionError({"text": _("Write something first.")})
    item.text = text
    item.save(update_fields=["text"])
    _touch(item.retrospective)
    return item


@transaction.atomic
def item_delete(*, item, person):
    _require_phase(item.retrospective, RetroPhase.COLLECT)
    if item.author_id != person.pk:
        raise ProjectActionError(_("You can delete only your own items."))
    item.delete()
    _touch(item.retrospective)


@transaction.atomic
def items_merge(*, retro, item, into):
    """Grouping: `item` joins `into` (a duplicate). Its votes, if any, count for `into`."""
    _require_phase(retro, RetroPhase.GROUP)
    if item.pk == into.pk or {item.retrospective_id, into.retrospective_id} != {retro.pk}:
        raise ProjectActionError(_("Choose two different items of this board."))
    target = into
    while target.merged_into_id:  # merging into a merged item means into its group
        target = target.merged_into
    if target.pk == item.pk:
        raise ProjectActionError(_("Choose two different items of this board."))
    RetroItem.objects.filter(merged_into=item).update(merged_into=target)
    item.merged_into = target
    item.save(update_fields=["merged_into"])
    _touch(retro)
    return target


@transaction.atomic
def item_unmerge(*, retro, item):
    _require_phase(retro, RetroPhase.GROUP)
    item.merged_into = None
    item.save(update_fields=["merged_into"])
    _touch(retro)


def vote_cast(*, retro, person, item):
    """Put one of the person's dots on an item (several dots on one item are allowed).

    Dots are numbered 1..N per person and the slot is unique: two clicks at the same moment
    both try the lowest free slot, one insert fails and tries the next, and no person ever
    gets more than N dots, whatever the timing. Returns the person's dots left.
    """
    _require_phase(retro, RetroPhase.VOTE)
    if item.retrospective_id != retro.pk or item.merged_into_id:
        raise ProjectActionError(_("Vote for an item (or group) of this board."))
    for _attempt in range(retro.votes_per_person):
        taken = set(
            RetroVote.objects.filter(retrospective=retro, person=person).values_list(
                "slot", flat=True
            )
        )
        free = [s for s in range(1, retro.votes_per_person + 1) if s not in taken]
        if not free:
            break
        try:
            with transaction.atomic():
                RetroVote.objects.create(
                    retrospective=retro, person=person, item=item, slot=free[0]
                )
                _take_part(retro, person)
        except IntegrityError:
            continue  # another click took that slot; look again
        _touch(retro)
        return len(free) - 1
    raise ProjectActionError(
        _("You have used all your %(count)d votes. Take one back to move it.")
        % {"count": retro.votes_per_person}
    )


@transaction.atomic
def vote_withdraw(*, retro, person, item):
    """Take back one of the person's dots from an item. Returns True if there was one."""
    _require_phase(retro, RetroPhase.VOTE)
    vote = (
        RetroVote.objects.filter(retrospective=retro, person=person, item=item)
        .order_by("-slot")
        .first()
    )
    if vote is None:
        return False
    vote.delete()
    _touch(retro)
    return True


@transaction.atomic
def note_add(*, retro, person, item, text):
    _require_phase(retro, RetroPhase.DISCUSS, RetroPhase.ACTIONS)
    text = text.strip()
    if not text:
        raise ProjectActionError({"text": _("Write something first.")})
    if item.retrospective_id != retro.pk:
        raise ProjectActionError(_("Choose an item of this board."))
    note = RetroNote.objects.create(item=item, author=person, text=text)
    _touch(retro)
    return note


@transaction.atomic
def action_add(*, retro, actor, project, title, owner, due_date, item=None, metric=None):
    """An action item: a commitment of one of the retrospective's projects, with an owner and
    a date, optionally linked to the item it answers and the shared metric it should move."""
    _require_phase(retro, RetroPhase.DISCUSS, RetroPhase.ACTIONS)
    if not retro.projects.filter(pk=project.pk).exists():
        raise ProjectActionError({"project": _("Choose one of the retrospective's projects.")})
    if metric is not None and metric.project_id != project.pk:
        raise ProjectActionError({"metric": _("Choose a metric of the same project.")})
    commitment = commitment_make(
        project=project,
        actor=actor,
        owner=owner,
        due_date=due_date,
        title=title,
        retrospective=retro,
        retro_item=item,
        metric=metric,
    )
    _touch(retro)
    return commitment


@transaction.atomic
def retro_close(*, retro, actor, summary):
    """Close and publish: the summary goes on the projects' timelines and to their members."""
    retro = Retrospective.objects.select_for_update().get(pk=retro.pk)
    if retro.phase == RetroPhase.CLOSED:
        raise ProjectActionError(_("This retrospective is already closed."))
    if retro.phase != RetroPhase.ACTIONS:
        raise ProjectActionError(_("Agree the action items first: close from the actions phase."))
    retro.phase = RetroPhase.CLOSED
    retro.summary = summary
    retro.closed_at = timezone.now()
    retro.revision += 1
    retro.save(update_fields=["phase", "summary", "closed_at", "revision"])
    projects = list(retro.projects.all())
    for project in projects:
        record_activity(
            project=project, actor=actor, kind=ActivityKind.RETRO_CLOSED, summary=retro.title
        )
    # Each member is told under a project of their own: a joint retrospective may span a
    # members-only project whose name people of the other projects must not see. The key
    # tells each person once, under the first of their projects.
    for project in projects:
        members = Person.objects.active().filter(memberships__project=project)
        notify(
            [person.user for person in members.select_related("user")],
            kind=NotificationKind.RETRO_SUMMARY,
            actor=actor,
            project=project,
            subject=retro.title,
            url=reverse("projects:retro_summary", kwargs={"retro_id": retro.pk}),
            key=f"retro:{retro.pk}:closed",
        )
    return retro
