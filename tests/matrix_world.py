"""The world the permission matrix walks: a members-only project full of content, an open
project beside it, and one user per role (tests/test_permission_matrix.py).

Everything secret carries MARKER in its title or text, so a test can search any response for
it: absent for people outside the project, present for its members.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import wagtail_factories
from django.utils import timezone
from wagtail.models import APIToken, Site

from accounts.models import FeedToken
from intranet.models import HomePage
from notifications.models import Notification
from projects.metric_services import check_in, metric_define
from projects.models import (
    ChatWebhook,
    Invitation,
    JoinRequest,
    ProjectPage,
    ProjectStatus,
    Reaction,
    RetroFormat,
    RetroPhase,
    Role,
    UpdateCadence,
    Visibility,
)
from projects.retro_services import (
    action_add,
    item_add,
    note_add,
    retro_close,
    retro_create,
    retro_move,
)
from projects.services import commitment_make, idea_post
from projects.update_services import update_post
from projects.win_services import cheer_toggle, comment_add, win_post

from .factories import (
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectIndexPageFactory,
    ProjectPageFactory,
    StandardPageFactory,
    UserFactory,
)
from .projects.test_blocks import live_body, publish

MARKER = "Quokkasecret"
ROLES = ("anonymous", "nonmember", "member", "lead", "admin")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@dataclass
class World:
    """Ids and addresses of what the matrix visits; objects only where a test needs more."""

    users: dict = field(default_factory=dict)  # role -> user (None for anonymous)
    api_keys: dict = field(default_factory=dict)  # role -> API token secret
    feed_keys: dict = field(default_factory=dict)  # role -> feed token key
    ids: dict = field(default_factory=dict)  # what -> primary key
    urls: dict = field(default_factory=dict)  # what -> address
    people: dict = field(default_factory=dict)  # role -> Person


def _retro(world, projects, title, *, phase, items):
    """A retrospective of `projects`, facilitated by the secret project's lead, with the
    member's items, moved on to `phase`."""
    lead, member = world.people["lead"], world.people["member"]
    retro = retro_create(
        projects=projects,
        facilitator=lead,
        created_by=lead,
        retro_format=RetroFormat.objects.get(name="Went well / To improve / Actions"),
        title=title,
        held_on=TODAY,
        skip_review=True,
    )
    column = retro.columns.first()
    created = [item_add(retro=retro, person=member, column=column, text=text) for text in items]
    for step in (RetroPhase.GROUP, RetroPhase.VOTE, RetroPhase.DISCUSS, RetroPhase.ACTIONS):
        if phase == RetroPhase.COLLECT or retro.phase == phase:
            break
        retro = retro_move(retro=retro, to_phase=step)
    return retro, created


def build_world():
    world = World()
    home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    index = ProjectIndexPageFactory(parent=home)
    guide = StandardPageFactory(parent=home, title="How we work", slug="how-we-work")
    sales = DepartmentFactory(name="Sales")
    support = DepartmentFactory(name="Support")
    legal = DepartmentFactory(name="Legal")
    board = DepartmentFactory(name="Board")

    people = world.people
    people["nonmember"] = PersonFactory(user__username="nina.outside", department=legal)
    people["member"] = PersonFactory(user__username="mo.member", department=support)
    people["lead"] = PersonFactory(user__username="lea.lead", department=sales)
    people["admin"] = PersonFactory(
        user=UserFactory(username="ada.admin", is_superuser=True, is_staff=True),
        department=board,
    )
    asker = PersonFactory(user__username="asker", department=legal)
    invitee = PersonFactory(user__username="invitee", department=legal)
    world.users = {"anonymous": None} | {role: person.user for role, person in people.items()}
    lead, member, nonmember = people["lead"], people["member"], people["nonmember"]

    secret = ProjectPageFactory(
        parent=index,
        title=f"{MARKER} harbour",
        slug="secret-harbour",
        purpose=f"{MARKER}: nobody outside may know.",
        visibility=Visibility.MEMBERS,
        update_cadence=UpdateCadence.WEEKLY,
    )
    open_project = ProjectPageFactory(
        parent=index,
        title="Open lighthouse",
        slug="open-lighthouse",
    )
    MembershipFactory(project=secret, person=lead, role=Role.LEAD)
    member_membership = MembershipFactory(project=secret, person=member)
    MembershipFactory(project=open_project, person=nonmember, role=Role.LEAD)
    MembershipFactory(project=open_project, person=member)
    # Active only once joint, which the page's validation checks on save.
    ProjectPage.objects.filter(pk__in=[secret.pk, open_project.pk]).update(
        status=ProjectStatus.ACTIVE
    )

    metric = metric_define(
        project=secret,
        author=lead,
        owning_departments=[sales, support],
        name=f"{MARKER} first replies",
        definition="Solved in the first reply.",
        unit="percent",
        unit_detail="",
        direction="increase",
        baseline_value=Decimal(60),
        baseline_date=TODAY - 30 * DAY,
        target_value=Decimal(80),
        target_date=TODAY + 30 * DAY,
    )
    entry = check_in(metric=metric, author=member, day=TODAY - DAY, value=Decimal(64))
    update_post(
        project=secret,
        author=lead,
        health="on_track",
        what_happened=f"{MARKER} pilot shipped.",
        whats_next="Roll it out.",
        next_update_due=TODAY + 7 * DAY,
    )
    idea = idea_post(project=secret, author=member, title=f"{MARKER} idea")
    commitment = commitment_make(
        project=secret,
        actor=lead,
        owner=member,
        due_date=TODAY + 7 * DAY,
        title=f"{MARKER} promise",
    )
    picture = wagtail_factories.ImageFactory(title=f"{MARKER} picture")
    win = win_post(
        person=member,
        projects=[secret],
        title=f"{MARKER} win",
        story=f"<p>{MARKER} story.</p>",
        credited=[member, lead],
        check_in=entry,
        image=picture,
    )
    # Shared with the open project, whose people are credited and mentioned: they are told
    # under the open project, never the secret one.
    shared_win = win_post(
        person=member,
        projects=[secret, open_project],
        title="Shared beacon",
        credited=[member, nonmember],
    )
    comment_add(win=shared_win, author=member, text="Thanks, @project!")
    reaction = Reaction.objects.filter(is_offered=True).first() or Reaction.objects.create(
        name="Applause", symbol="👏"
    )
    cheer_toggle(win=win, person=member, reaction=reaction, cheer=True)
    comment = comment_add(win=win, author=member, text=f"{MARKER} comment")
    join_request = JoinRequest.objects.create(project=secret, person=asker, note="Let me in")
    invitation = Invitation.objects.create(project=secret, person=invitee, invited_by=lead)
    # Inactive, so posting a win sends nothing; tests of the test button replace the sender.
    webhook = ChatWebhook.objects.create(
        project=secret,
        name=f"{MARKER} channel",
        url="https://chat.invalid/hooks/secret",
        is_active=False,
        created_by=lead,
    )
    notification = Notification.objects.filter(recipient=lead.user).latest("pk")

    collect, (own_item,) = _retro(
        world, [secret], f"{MARKER} collecting", phase=RetroPhase.COLLECT, items=["Mine"]
    )
    group, (first, second) = _retro(
        world, [secret], f"{MARKER} grouping", phase=RetroPhase.GROUP, items=["One", "Two"]
    )
    vote, (vote_item,) = _retro(
        world, [secret], f"{MARKER} voting", phase=RetroPhase.VOTE, items=["Dot me"]
    )
    actions, (action_item,) = _retro(
        world, [secret], f"{MARKER} acting", phase=RetroPhase.ACTIONS, items=["Act on me"]
    )
    closed, (closed_item,) = _retro(
        world, [secret], f"{MARKER} closed", phase=RetroPhase.ACTIONS, items=["Done"]
    )
    note_add(retro=closed, person=member, item=closed_item, text=f"{MARKER} note")
    action_add(
        retro=closed,
        actor=lead,
        project=secret,
        title=f"{MARKER} action",
        owner=member,
        due_date=TODAY + 14 * DAY,
        item=closed_item,
    )
    retro_close(retro=closed, actor=lead, summary=f"{MARKER} decisions")
    # A retrospective of both projects: people outside the secret one see it, but not it.
    joint, (joint_item,) = _retro(
        world, [secret, open_project], "Joint look back", phase=RetroPhase.ACTIONS, items=["Ok"]
    )
    retro_close(retro=joint, actor=lead, summary="We agreed on a rhythm.")

    document = wagtail_factories.DocumentFactory(title="Handbook")

    publish(home, live_body(metric=metric, chosen_projects=[secret, open_project]))

    for role, user in world.users.items():
        if user is not None:
            _token, world.api_keys[role] = APIToken.create_token(user=user, name="matrix")
            world.feed_keys[role] = FeedToken.objects.get_or_create(user=user)[0].key

    world.ids = {
        "secret": secret.pk,
        "open": open_project.pk,
        "metric": metric.pk,
        "check_in": entry.pk,
        "win": win.pk,
        "shared_win": shared_win.pk,
        "reaction": reaction.pk,
        "comment": comment.pk,
        "idea": idea.pk,
        "commitment": commitment.pk,
        "join_request": join_request.pk,
        "invitation": invitation.pk,
        "member_membership": member_membership.pk,
        "webhook": webhook.pk,
        "notification": notification.pk,
        "retro_collect": collect.pk,
        "collect_column": own_item.column_id,
        "own_item": own_item.pk,
        "retro_group": group.pk,
        "group_item": first.pk,
        "group_other_item": second.pk,
        "retro_vote": vote.pk,
        "vote_item": vote_item.pk,
        "retro_actions": actions.pk,
        "action_item": action_item.pk,
        "retro_closed": closed.pk,
        "retro_joint": joint.pk,
        "image": picture.pk,
        "document": document.pk,
        "home": home.pk,
        "guide": guide.pk,
        "index": index.pk,
    }
    world.urls = {
        "secret_url": secret.url,
        "open_url": open_project.url,
        "index_url": index.url,
        "guide_url": guide.url,
        "image_file": picture.file.url,
        "document_url": document.url,
        "sales": sales.slug,
        "legal": legal.slug,
    }
    del joint_item
    return world
