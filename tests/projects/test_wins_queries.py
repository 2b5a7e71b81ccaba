"""Wins pages make the same number of queries however many wins, credits, cheers, comments,
check-ins and pictures there are (small data has at least one of each)."""

import datetime
from decimal import Decimal

import pytest
import wagtail_factories
from django.utils import timezone

from projects.metric_services import check_in
from projects.models import Cheer, Win, WinComment, WinCredit
from tests.factories import (
    CheerFactory,
    MembershipFactory,
    PersonFactory,
    ReactionFactory,
    WinCommentFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CEILING = 40
# The project page shows much more than its wins (team, ideas, metrics, activity).
CEILINGS = {"project page": 55}


@pytest.fixture
def scene(joint_project, member, lead, metric):
    """People with and without photos, a reaction, a check-in and a picture to reuse."""
    with_photo = MembershipFactory(project=joint_project, person__with_photo=True).person
    check_in(metric=metric, author=lead, value=Decimal(65), day=TODAY - datetime.timedelta(9))
    latest = check_in(metric=metric, author=lead, value=Decimal(72), day=TODAY)
    return {
        "people": [member, lead, with_photo],
        "reaction": ReactionFactory(name="Celebrate"),
        "check_in": latest,
        "image": wagtail_factories.ImageFactory(),
    }


def add_wins(count, project, scene):
    """Wins with everything a card shows, one at a time (factories, signals and all)."""
    wins = []
    for _ in range(count):
        win = WinFactory(
            projects=[project],
            posted_by=scene["people"][0],
            credited=scene["people"],
            check_in=scene["check_in"],
            image=scene["image"],
        )
        CheerFactory(win=win, person=scene["people"][1], reaction=scene["reaction"])
        WinCommentFactory(win=win, author=scene["people"][2])
        wins.append(win)
    return wins


def bulk_add_wins(count, project, scene):
    """Many wins quickly: bulk inserts of the wins and all their rows."""
    now = timezone.now()
    wins = Win.objects.bulk_create(
        Win(
            title=f"Bulk win {n}",
            story="<p>Together.</p>",
            day=TODAY - datetime.timedelta(days=n % 300),
            posted_by=scene["people"][0],
            created_at=now,
            check_in=scene["check_in"],
            image=scene["image"],
        )
        for n in range(count)
    )
    Win.projects.through.objects.bulk_create(
        Win.projects.through(win=win, projectpage=project) for win in wins
    )
    WinCredit.objects.bulk_create(
        WinCredit(win=win, person=person, department_id=person.department_id)
        for win in wins
        for person in scene["people"]
    )
    Cheer.objects.bulk_create(
        Cheer(win=win, person=scene["people"][1], reaction=scene["reaction"]) for win in wins
    )
    WinComment.objects.bulk_create(
        WinComment(win=win, author=scene["people"][2], text="Great") for win in wins
    )
    return wins


@pytest.fixture
def pages(joint_project, lead):
    return {
        "organisation wall": "/wins/",
        "department wall": f"/wins/?department={lead.department.slug}",
        "project wall": joint_project.url + "wins/",
        "project page": joint_project.url,
    }


@pytest.mark.parametrize(
    "shown", ["organisation wall", "department wall", "project wall", "project page"]
)
def test_walls_and_the_project_page_do_not_grow_with_the_wins(
    client, joint_project, scene, pages, shown, count_queries
):
    client.force_login(scene["people"][0].user)
    add_wins(3, joint_project, scene)
    ceiling = CEILINGS.get(shown, CEILING)
    small = count_queries(pages[shown], ceiling=ceiling)
    add_wins(25, joint_project, scene)  # more than a page of wins
    assert count_queries(pages[shown], ceiling=ceiling) == small


def test_the_wins_wall_stays_constant_with_thousands_of_wins(
    client, joint_project, scene, pages, count_queries
):
    client.force_login(scene["people"][0].user)
    add_wins(3, joint_project, scene)

    def measure_all():
        return {
            name: count_queries(url, ceiling=CEILINGS.get(name, CEILING))
            for name, url in pages.items()
        }

    small = measure_all()
    bulk_add_wins(2000, joint_project, scene)
    large = measure_all()
    assert large == small
    assert client.get("/wins/").context["wins_page"].paginator.count == 2003


def test_the_win_page_does_not_grow_with_credits_cheers_and_comments(
    client, joint_project, scene, count_queries
):
    client.force_login(scene["people"][0].user)
    win = add_wins(1, joint_project, scene)[0]
    small = count_queries(f"/wins/{win.pk}/", ceiling=CEILING)
    for _ in range(8):
        person = MembershipFactory(project=joint_project, person__with_photo=True).person
        WinCredit.objects.create(win=win, person=person, department=person.department)
        CheerFactory(win=win, person=person, reaction=scene["reaction"])
        WinCommentFactory(win=win, author=person)
    assert count_queries(f"/wins/{win.pk}/", ceiling=CEILING) == small


def test_the_post_and_edit_forms_do_not_grow_with_the_team(
    client, joint_project, scene, count_queries
):
    poster = scene["people"][0]
    client.force_login(poster.user)
    win = add_wins(1, joint_project, scene)[0]
    urls = [joint_project.url + "wins/new/", f"/wins/{win.pk}/edit/"]
    small = [count_queries(url, ceiling=CEILING) for url in urls]
    for _ in range(6):
        MembershipFactory(project=joint_project, person__with_photo=True)
        PersonFactory()
    assert [count_queries(url, ceiling=CEILING) for url in urls] == small
