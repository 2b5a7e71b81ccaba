"""Read-side questions about projects, answered with a fixed number of queries."""

from collections import defaultdict
from itertools import combinations

from django.db.models import Count

from organisation.models import Department, Person

from .models import Membership, ProjectPage, Win


def team_by_department(memberships):
    """[(department, [membership, ...]), ...]: largest group first, leads first within it."""
    groups = defaultdict(list)
    for membership in memberships:
        groups[membership.department].append(membership)
    role_order = {"lead": 0, "sponsor": 1, "member": 2}
    return sorted(
        (
            (department, sorted(members, key=lambda m: (role_order[m.role], m.person.full_name)))
            for department, members in groups.items()
        ),
        key=lambda group: (-len(group[1]), group[0].name),
    )


def new_connections(project, memberships):
    """Pairs of members from different departments who had shared no earlier project."""
    department_of = {m.person_id: m.department_id for m in memberships}
    cross_pairs = {
        pair
        for pair in combinations(sorted(department_of), 2)
        if department_of[pair[0]] != department_of[pair[1]]
    }
    if not cross_pairs:
        return 0
    earlier = Membership.objects.filter(person__in=department_of).exclude(project=project)
    if project.first_published_at:
        earlier = earlier.filter(project__first_published_at__lt=project.first_published_at)
    people_by_project = defaultdict(set)
    for project_id, person_id in earlier.values_list("project_id", "person_id"):
        people_by_project[project_id].add(person_id)
    known = set()
    for people in people_by_project.values():
        known.update(combinations(sorted(people), 2))
    return len(cross_pairs - known)


def suggested_partners(departments, limit=3):
    """Departments this project's departments have never worked with, smallest history first."""
    mine = [department.pk for department in departments]
    worked_with = Membership.objects.filter(project__memberships__department__in=mine).values(
        "department"
    )
    candidates = Department.objects.exclude(pk__in=mine).annotate(
        project_count=Count("memberships__project", distinct=True)
    )
    never = list(candidates.exclude(pk__in=worked_with).order_by("project_count", "name")[:limit])
    if never:
        return never
    return list(candidates.order_by("project_count", "name")[:limit])


def departments_by_project(project_ids):
    """{project id: [department, ...]} for project cards, in two queries for any page size."""
    pairs = list(
        Membership.objects.filter(project__in=project_ids)
        .order_by()  # the default ordering would defeat DISTINCT
        .values_list("project_id", "department_id")
        .distinct()
    )
    departments = Department.objects.in_bulk({department_id for _, department_id in pairs})
    result = defaultdict(list)
    for project_id, department_id in pairs:
        result[project_id].append(departments[department_id])
    for listed in result.values():
        listed.sort(key=lambda department: department.name)
    return result


def invitable_people(project):
    """Active people who are not members of the project yet."""
    members = Membership.objects.filter(project=project).values("person")
    return Person.objects.active().exclude(pk__in=members).select_related("user", "department")


# How many people the invitation page lists for a search.
INVITATION_CANDIDATES_SHOWN = 20


def invitation_candidates(project, query):
    """Up to INVITATION_CANDIDATES_SHOWN people a lead may invite, alphabetically, and whether
    there are more. With a search, those matching every word (name, job title, department
    or topic); without one, people from departments not in the project yet, because new
    departments are what a joint project needs."""
    people = invitable_people(project)
    if query:
        people = people.matching(query)
    else:
        here = Membership.objects.filter(project=project).values("department")
        people = people.exclude(department__in=here)
    found = list(people.alphabetical()[: INVITATION_CANDIDATES_SHOWN + 1])
    return found[:INVITATION_CANDIDATES_SHOWN], len(found) > INVITATION_CANDIDATES_SHOWN


def picture_hidden_from(user, image_id):
    """Whether the picture is only used by wins and project covers `user` may not see.

    A person's photo, or a picture nothing of ours uses, is never hidden. Each check is an
    EXISTS on an indexed foreign key; photos, most of what is served, are decided by the
    first.
    """
    if Person.objects.filter(photo_id=image_id).exists():
        return False
    wins = Win.objects.filter(image_id=image_id)
    covers = ProjectPage.objects.filter(cover_image_id=image_id)
    if not (wins.exists() or covers.exists()):
        return False
    return not (
        Win.objects.visible_to(user).filter(image_id=image_id).exists()
        or ProjectPage.objects.visible_to(user).filter(cover_image_id=image_id).exists()
    )
