"""Everything that changes a project, as small keyword-only functions in one transaction each.

Views call these and show `ProjectActionError` messages next to the field they concern.
Who may call them is decided by projects.permissions (leads need no Wagtail page
permission), so revisions are published without Wagtail's own permission check.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import (
    Activity,
    ActivityKind,
    Commitment,
    DepartmentStake,
    Idea,
    IdeaVote,
    Invitation,
    JoinRequest,
    Membership,
    ProjectPage,
    ProjectStatus,
    RequestStatus,
    Role,
    UpdateCadence,
    not_joint_message,
)


class ProjectActionError(ValidationError):
    """A refused change, with a message for the person (and the field it concerns, if any)."""


def record_activity(*, project, actor, kind, summary="", detail=""):
    return Activity.objects.create(
        project=project, actor=actor, kind=kind, summary=summary[:300], detail=detail
    )


def _unique_slug(index, title):
    base = slugify(title)[:70] or "project"
    taken = set(
        ProjectPage.objects.child_of(index)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def project_start(*, index, person, title, purpose, why_it_matters=""):
    """A person starts a project; they become its lead and it waits for a partner department."""
    project = ProjectPage(
        title=title,
        slug=_unique_slug(index, title),
        purpose=purpose,
        status=ProjectStatus.PROPOSED,
        owner=person.user,
    )
    index.add_child(instance=project)
    if why_it_matters:
        DepartmentStake.objects.create(
            project=project, department=person.department, why_it_matters=why_it_matters
        )
    Membership.objects.create(
        project=project, person=person, role=Role.LEAD, department=person.department
    )
    project.save_revision(user=person.user).publish(user=person.user, skip_permission_checks=True)
    record_activity(project=project, actor=person, kind=ActivityKind.PROJECT_STARTED)
    return project


BASIC_FIELDS = (
    "title",
    "purpose",
    "status",
    "visibility",
    "start_date",
    "target_date",
    "update_cadence",
)


@transaction.atomic
def project_update_basics(*, project, actor, user, **changes):
    """Leads edit the basics on the front end; each save is a published revision."""
    project = ProjectPage.objects.select_for_update().get(pk=project.pk)
    old_status = project.status
    if (
        changes.get("status") == ProjectStatus.ACTIVE
        and old_status != ProjectStatus.ACTIVE
        and not project.is_joint
    ):
        raise ProjectActionError({"status": not_joint_message()})
    start, target = changes.get("start_date"), changes.get("target_date")
    if start and target and target < start:
        raise ProjectActionError({"target_date": _("The target date cannot be before the start.")})
    old_cadence = project.update_cadence
    for name in BASIC_FIELDS:
        if name in changes:
            setattr(project, name, changes[name])
    cadence_days = UpdateCadence(project.update_cadence).days
    # A new cadence starts with a first promise; "none" keeps the date but nags nobody.
    if cadence_days and (old_cadence == UpdateCadence.NONE or project.next_update_due is None):
        project.next_update_due = timezone.localdate() + timedelta(days=cadence_days)
    project.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    if project.status != old_status:
        record_activity(
            project=project,
            actor=actor,
            kind=ActivityKind.STATUS_CHANGED,
            detail=project.status,
        )
    return project


def _join(*, project, person, role, kind=ActivityKind.JOINED):
    membership, created = Membership.objects.get_or_create(
        project=project, person=person, defaults={"role": role, "department": person.department}
    )
    if created:
        record_activity(project=project, actor=person, kind=kind, summary=person.department.name)
    return membership


@transaction.atomic
def join_request_create(*, project, person, note=""):
    if Membership.objects.filter(project=project, person=person).exists():
        raise ProjectActionError(_("You are already a member of this project."))
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(project=project, person=person, note=note)
    except IntegrityError:
        raise ProjectActionError(
            _("You have already asked to join; a lead will answer soon.")
        ) from None


@transaction.atomic
def join_request_decide(*, join_request, decider, accept):
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != RequestStatus.PENDING:
        raise ProjectActionError(_("This request has already been answered."))
    join_request.decide(accept=accept)
    join_request.decided_by = decider
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        membership = _join(
            project=join_request.project, person=join_request.person, role=Role.MEMBER
        )
        if join_request.note and not membership.what_i_bring:
            # They told us what they bring when asking: never ask twice.
            membership.what_i_bring = join_request.note
            membership.save(update_fields=["what_i_bring"])
        return membership
    return None


@transaction.atomic
def invitation_create(*, project, inviter, person, role=Role.MEMBER, message=""):
    if Membership.objects.filter(project=project, person=person).exists():
        raise ProjectActionError({"person": _("%(name)s is already a member.") % {"name": person}})
    try:
        with transaction.atomic():
            return Invitation.objects.create(
                project=project, person=person, invited_by=inviter, role=role, message=message
            )
    except IntegrityError:
        raise ProjectActionError(
            {"person": _("%(name)s has already been invited.") % {"name": person}}
        ) from None


@transaction.atomic
def invitation_respond(*, invitation, accept):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != RequestStatus.PENDING:
        raise ProjectActionError(_("This invitation has already been answered."))
    invitation.decide(accept=accept)
    invitation.save(update_fields=["status", "decided_at"])
    # An open request to join is answered by the invitation too.
    JoinRequest.objects.filter(
        project=invitation.project, person=invitation.person, status=RequestStatus.PENDING
    ).update(status=invitation.status, decided_at=invitation.decided_at)
    if accept:
        return _join(project=invitation.project, person=invitation.person, role=invitation.role)
    return None


def _other_leads(membership):
    return Membership.objects.filter(project=membership.project_id, role=Role.LEAD).exclude(
        pk=membership.pk
    )


@transaction.atomic
def membership_describe(*, membership, what_i_bring, whats_in_it_for_my_team, why_it_matters=""):
    """A member says what they bring and gain; their department's "why it matters" with it."""
    membership.what_i_bring = what_i_bring
    membership.whats_in_it_for_my_team = whats_in_it_for_my_team
    membership.save(update_fields=["what_i_bring", "whats_in_it_for_my_team"])
    if why_it_matters:
        # Empty means "not mine to say": a colleague's text for the department stays.
        DepartmentStake.objects.update_or_create(
            project=membership.project,
            department=membership.department,
            defaults={"why_it_matters": why_it_matters},
        )
    return membership


@transaction.atomic
def membership_leave(*, membership):
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.LEAD and not _other_leads(membership).exists():
        raise ProjectActionError(
            _("You are the last lead: make another member a lead before you leave.")
        )
    record_activity(
        project=membership.project,
        actor=membership.person,
        kind=ActivityKind.LEFT,
        summary=membership.department.name,
    )
    membership.delete()


@transaction.atomic
def membership_change_role(*, membership, role, actor):
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Role.LEAD and not _other_leads(membership).exists():
        raise ProjectActionError(
            {"role": _("A project needs a lead: make someone else a lead first.")}
        )
    membership.role = role
    membership.save(update_fields=["role"])
    record_activity(
        project=membership.project,
        actor=actor,
        kind=ActivityKind.ROLE_CHANGED,
        summary=membership.person.full_name,
        detail=role,
    )
    return membership


@transaction.atomic
def idea_post(*, project, author, title, text=""):
    idea = Idea.objects.create(project=project, author=author, title=title, text=text)
    record_activity(project=project, actor=author, kind=ActivityKind.IDEA_POSTED, summary=title)
    return idea


def idea_vote_toggle(*, idea, person, vote=None):
    """Give or take back a +1; `vote` forces the outcome. Returns (voted, count).

    The unique constraint, not a read-then-write, keeps the count exact when people click at
    once: a second insert for the same person fails and is treated as "already voted".
    """
    with transaction.atomic():
        exists = IdeaVote.objects.filter(idea=idea, person=person).exists()
        wanted = (not exists) if vote is None else vote
        if wanted and not exists:
            try:
                with transaction.atomic():
                    IdeaVote.objects.create(idea=idea, person=person)
            except IntegrityError:
                pass  # the same person's other click got there first: the vote stands
        elif not wanted:
            IdeaVote.objects.filter(idea=idea, person=person).delete()
    return wanted, IdeaVote.objects.filter(idea=idea).count()


@transaction.atomic
def commitment_from_idea(*, idea, actor, owner, due_date, title=""):
    """A lead turns an idea into a promise with an owner and a date."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.commitment_id:
        raise ProjectActionError(_("This idea is already a commitment."))
    commitment = commitment_make(
        project=idea.project, actor=actor, owner=owner, due_date=due_date, title=title or idea.title
    )
    idea.commitment = commitment
    idea.save(update_fields=["commitment"])
    return commitment


@transaction.atomic
def commitment_make(
    *, project, actor, owner, due_date, title, retrospective=None, retro_item=None, metric=None
):
    """A promise with an owner and a date; retrospectives also say where it came from and the
    shared metric it should move."""
    if not Membership.objects.filter(project=project, person=owner).exists():
        raise ProjectActionError({"owner": _("The owner must be a member of the project.")})
    if due_date < timezone.localdate():
        raise ProjectActionError({"due_date": _("A promise needs a date today or later.")})
    commitment = Commitment.objects.create(
        project=project,
        title=title,
        owner=owner,
        due_date=due_date,
        created_by=actor,
        retrospective=retrospective,
        retro_item=retro_item,
        metric=metric,
    )
    record_activity(project=project, actor=actor, kind=ActivityKind.COMMITMENT_MADE, summary=title)
    return commitment


@transaction.atomic
def commitment_deliver(*, commitment, actor, delivered_on=None):
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.delivered_on:
        raise ProjectActionError(_("This commitment was already delivered."))
    delivered_on = delivered_on or timezone.localdate()
    if delivered_on > timezone.localdate():
        raise ProjectActionError({"delivered_on": _("Delivery cannot be in the future.")})
    commitment.delivered_on = delivered_on
    commitment.save(update_fields=["delivered_on"])
    record_activity(
        project=commitment.project,
        actor=actor,
        kind=ActivityKind.COMMITMENT_DELIVERED,
        summary=commitment.title,
    )
    return commitment
