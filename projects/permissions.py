"""Who may do what on a project: the one place that decides (the README shows it as a table).

Roles, from the least to the most trusted:
- viewer: anyone logged in who can see the project;
- member, sponsor, lead: people with a membership in it;
- editor: people the Wagtail admin lets edit the project page;
- administrator: superusers.
"""

from django.utils.functional import cached_property

from .models import Membership, ProjectStatus, Visibility

# action -> roles allowed. A commitment's owner may also deliver it (see can()).
RULES = {
    "view": {"viewer", "member", "sponsor", "lead", "editor", "administrator"},
    "ask_to_join": {"viewer"},
    "leave": {"member", "sponsor", "lead"},
    "describe_own_part": {"member", "sponsor", "lead"},
    "post_idea": {"member", "sponsor", "lead"},
    "vote": {"member", "sponsor", "lead"},
    "define_metric": {"member", "sponsor", "lead"},
    "check_in": {"member", "sponsor", "lead"},
    "make_commitment": {"sponsor", "lead", "administrator"},
    "deliver_commitment": {"sponsor", "lead", "administrator"},
    "invite": {"sponsor", "lead", "administrator"},
    "decide_join_requests": {"sponsor", "lead", "administrator"},
    "edit_basics": {"sponsor", "lead", "editor", "administrator"},
    "change_roles": {"lead", "administrator"},
    "post_win": {"member", "sponsor", "lead"},
    "post_update": {"sponsor", "lead", "administrator"},
    "manage_webhooks": {"lead", "administrator"},
    "export": {"member", "sponsor", "lead", "administrator"},
    "start_retro": {"member", "sponsor", "lead"},
}


class ProjectAccess:
    """What one user may do on one project, computed once per request."""

    def __init__(self, user, project):
        self.user = user
        self.project = project

    def remember_membership(self, membership):
        """Use a membership the caller already loaded (None: not a member): saves a query."""
        self.__dict__["membership"] = membership

    @cached_property
    def person(self):
        return getattr(self.user, "person", None)

    @cached_property
    def membership(self):
        if self.person is None:
            return None
        return Membership.objects.filter(project=self.project, person=self.person).first()

    @cached_property
    def is_editor(self):
        return self.project.permissions_for_user(self.user).can_edit()

    @cached_property
    def roles(self):
        """Roles held without asking Wagtail; "editor" is checked only where it matters."""
        roles = set()
        if self.membership is not None:
            roles.add(self.membership.role)
        elif self.person is not None:
            roles.add("viewer")
        if self.user.is_superuser:
            roles.add("administrator")
        return roles

    @property
    def is_member(self):
        return self.membership is not None

    @cached_property
    def can_see(self):
        # Members-only projects are invisible to everyone else (a 404, not a 403).
        return (
            self.project.visibility == Visibility.ORGANISATION
            or self.is_member
            or self.user.is_superuser
            or self.is_editor
        )

    def can(self, action, *, commitment=None):
        if not self.can_see:
            return False
        if action == "view":
            return True
        if action == "ask_to_join" and self.project.status == ProjectStatus.COMPLETED:
            return False
        if (
            action == "deliver_commitment"
            and commitment is not None
            and self.person is not None
            and commitment.owner_id == self.person.pk
        ):
            return True
        allowed = RULES[action]
        if self.roles & allowed:
            return True
        return "editor" in allowed and self.is_editor

    def __getattr__(self, name):
        # Templates ask `access.can_vote`; it reads as the rule of the same name.
        if name.startswith("can_") and name[4:] in RULES:
            return self.can(name[4:])
        raise AttributeError(name)


class WinAccess:
    """What one user may do with one win. A win shared by several projects is visible to
    anyone who can see at least one of them; whoever sees it may cheer and comment."""

    def __init__(self, user, win):
        self.user = user
        self.win = win

    @cached_property
    def person(self):
        return getattr(self.user, "person", None)

    @cached_property
    def can_see(self):
        from .models import Win

        return Win.objects.visible_to(self.user).filter(pk=self.win.pk).exists()

    @property
    def can_cheer(self):
        return self.can_see and self.person is not None

    can_comment = can_cheer

    @property
    def can_edit(self):
        # The poster fixes their own typos; administrators tidy up.
        is_poster = self.person is not None and self.win.posted_by_id == self.person.pk
        return self.can_see and (is_poster or self.user.is_superuser)

    def can_delete_comment(self, comment):
        is_author = self.person is not None and comment.author_id == self.person.pk
        return self.can_see and (is_author or self.user.is_superuser)


class RetroAccess:
    """What one user may do on one retrospective, in its current phase.

    - see: anyone who can see one of its projects (items stay hidden until the reveal);
    - take part (items, votes, notes): members of one of its projects;
    - facilitate (move phases, group, add actions, close): the facilitator, leads of its
      projects and administrators.
    """

    def __init__(self, user, retro):
        self.user = user
        self.retro = retro

    @cached_property
    def person(self):
        return getattr(self.user, "person", None)

    @cached_property
    def can_see(self):
        from .models import Retrospective

        return Retrospective.objects.visible_to(self.user).filter(pk=self.retro.pk).exists()

    @cached_property
    def roles_in_projects(self):
        if self.person is None:
            return set()
        return set(
            Membership.objects.filter(
                project__retrospectives=self.retro, person=self.person
            ).values_list("role", flat=True)
        )

    @property
    def is_member(self):
        return bool(self.roles_in_projects)

    @property
    def can_facilitate(self):
        if not self.can_see:
            return False
        is_facilitator = self.person is not None and self.retro.facilitator_id == self.person.pk
        return is_facilitator or "lead" in self.roles_in_projects or self.user.is_superuser

    def _in_phase(self, *phases):
        return self.retro.phase in phases

    @property
    def can_add_items(self):
        return self.can_see and self.is_member and self._in_phase("collect")

    @property
    def can_group(self):
        return self.can_facilitate and self._in_phase("group")

    @property
    def can_vote(self):
        return self.can_see and self.is_member and self._in_phase("vote")

    @property
    def can_take_notes(self):
        return self.can_see and self.is_member and self._in_phase("discuss", "actions")

    @property
    def can_add_actions(self):
        return self.can_facilitate and self._in_phase("discuss", "actions")

    @property
    def can_move(self):
        return self.can_facilitate and not self._in_phase("closed")

    can_close = can_move

    @property
    def can_export(self):
        return self.can_see and (self.is_member or self.user.is_superuser)
