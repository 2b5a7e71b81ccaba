"""The API's wins and cheers: /api/v1/wins, /api/v1/reactions."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import APIToken

from projects.metric_services import check_in, metric_define
from projects.models import Activity, Cheer, Win, WinCredit
from tests.factories import (
    CheerFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    ReactionFactory,
    WinCommentFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def bearer(user):
    _token, plaintext = APIToken.create_token(user=user, name="bot")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def send(client, method, url, user, body=None):
    return getattr(client, method)(
        url,
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        **bearer(user),
    )


@pytest.fixture
def celebrate():
    return ReactionFactory(name="Celebrate", symbol="🎉", sort_order=1)


@pytest.fixture
def thanks():
    return ReactionFactory(name="Thank you", symbol="🙏", sort_order=2)


@pytest.fixture
def secret_project(project_index, lead):
    project = ProjectPageFactory(
        parent=project_index, title="Secret merger", slug="secret", visibility="members"
    )
    MembershipFactory(project=project, person=lead, role="lead")
    return project


@pytest.fixture
def win(joint_project, lead, member, metric, celebrate, thanks):
    """A win of the joint project crediting both departments, shown by a check-in."""
    check_in(metric=metric, author=lead, day=TODAY - datetime.timedelta(days=3), value=Decimal(61))
    entry = check_in(metric=metric, author=lead, day=YESTERDAY, value=Decimal("72.5"))
    win = WinFactory(
        title="First-reply fixes doubled",
        story='<p>Sales &amp; Support <a href="https://example.org/report">together</a>.</p>',
        day=YESTERDAY,
        posted_by=lead,
        projects=[joint_project],
        credited=[lead, member],
    )
    win.check_in = entry
    win.save()
    CheerFactory(win=win, reaction=celebrate)
    CheerFactory(win=win, reaction=celebrate)
    CheerFactory(win=win, reaction=thanks)
    WinCommentFactory(win=win)
    return win


# Reading ------------------------------------------------------------------------------------


def test_a_win_with_everything_the_card_shows(client, member, lead, win, metric, celebrate):
    response = client.get(f"/api/v1/wins/{win.pk}", **bearer(member.user))
    assert response.status_code == 200
    data = response.json()
    assert data == {
        "id": win.pk,
        "title": "First-reply fixes doubled",
        "story": '<p>Sales &amp; Support <a href="https://example.org/report">together</a>.</p>',
        "day": YESTERDAY.isoformat(),
        "url": f"http://testserver/wins/{win.pk}/",
        "projects": [{"id": win.projects.get().pk, "title": "Faster answers"}],
        "credited": [
            {"username": "lead", "name": lead.full_name, "department": "Sales"},
            {"username": "member", "name": member.full_name, "department": "Support"},
        ],
        "departments": ["Sales", "Support"],
        "check_in": {
            "metric_id": metric.pk,
            "metric": "FCR",
            "day": YESTERDAY.isoformat(),
            "value": "72.5",
            "previous_value": "61",
        },
        "cheers": [
            {"reaction_id": celebrate.pk, "reaction": "Celebrate", "symbol": "🎉", "count": 2},
            {"reaction_id": data["cheers"][1]["reaction_id"], "reaction": "Thank you",
             "symbol": "🙏", "count": 1},
        ],
        "comment_count": 1,
    }  # fmt: skip


def test_a_first_check_in_has_no_previous_value(client, member, win, metric):
    win.check_in.day = TODAY - datetime.timedelta(days=10)
    win.check_in.save()
    data = client.get(f"/api/v1/wins/{win.pk}", **bearer(member.user)).json()
    assert data["check_in"]["previous_value"] is None


def test_a_win_without_check_in_or_cheers(client, member, joint_project):
    plain = WinFactory(projects=[joint_project], story="")
    data = client.get(f"/api/v1/wins/{plain.pk}", **bearer(member.user)).json()
    assert (data["check_in"], data["cheers"], data["comment_count"]) == (None, [], 0)


def test_the_list_is_newest_first_and_paginated(client, member, joint_project, win):
    for number in range(3):
        WinFactory(title=f"Extra {number}", projects=[joint_project], day=TODAY)
    body = client.get("/api/v1/wins?limit=2&offset=2", **bearer(member.user)).json()
    assert body["count"] == 4
    assert [w["title"] for w in body["items"]] == ["Extra 0", "First-reply fixes doubled"]


def test_filters(client, member, joint_project, win, project_index):
    other = ProjectPageFactory(parent=project_index, title="Elsewhere")
    old = WinFactory(title="Old news", projects=[other], day=TODAY - datetime.timedelta(days=90))
    headers = bearer(member.user)

    def titles(query):
        response = client.get(f"/api/v1/wins?{query}", **headers)
        assert response.status_code == 200
        return [w["title"] for w in response.json()["items"]]

    assert titles("") == ["First-reply fixes doubled", "Old news"]
    assert titles(f"project={other.pk}") == ["Old news"]
    assert titles(f"project={joint_project.pk}") == ["First-reply fixes doubled"]
    assert titles("department=support") == ["First-reply fixes doubled"]
    assert titles(f"department={old.credits.get().department.slug}") == ["Old news"]
    assert titles(f"since={(TODAY - datetime.timedelta(days=30)).isoformat()}") == [
        "First-reply fixes doubled"
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [("project=999999", "project"), ("department=nowhere", "department"), ("since=soon", "since")],
)
def test_bad_filters_are_422(client, member, win, query, field):
    response = client.get(f"/api/v1/wins?{query}", **bearer(member.user))
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["detail"]] == [field]


def test_members_only_wins_are_hidden_from_outsiders(client, lead, secret_project):
    hidden = WinFactory(title="Hush", projects=[secret_project], posted_by=lead)
    outsider = PersonFactory()
    assert client.get(f"/api/v1/wins/{hidden.pk}", **bearer(lead.user)).status_code == 200
    response = client.get(f"/api/v1/wins/{hidden.pk}", **bearer(outsider.user))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/wins", **bearer(outsider.user)).json()["count"] == 0
    # Filtering by the hidden project says no more than filtering by a missing one.
    by_project = client.get(f"/api/v1/wins?project={secret_project.pk}", **bearer(outsider.user))
    missing = client.get("/api/v1/wins?project=999999", **bearer(outsider.user))
    assert by_project.status_code == missing.status_code == 422
    assert by_project.json() == missing.json()


def test_a_shared_win_does_not_name_the_members_only_project(
    client, lead, joint_project, secret_project
):
    shared = WinFactory(projects=[joint_project, secret_project], posted_by=lead)
    outsider = PersonFactory()
    seen_by_outsider = client.get(f"/api/v1/wins/{shared.pk}", **bearer(outsider.user)).json()
    assert [p["title"] for p in seen_by_outsider["projects"]] == ["Faster answers"]
    seen_by_lead = client.get(f"/api/v1/wins/{shared.pk}", **bearer(lead.user)).json()
    assert {p["title"] for p in seen_by_lead["projects"]} == {"Faster answers", "Secret merger"}


def test_wins_need_a_token(client, member, win):
    client.force_login(member.user)
    assert client.get("/api/v1/wins").status_code == 401
    assert client.get(f"/api/v1/wins/{win.pk}").status_code == 401


def test_listing_queries_do_not_grow_with_wins(
    client, member, lead, joint_project, win, django_assert_max_num_queries
):
    """3 wins, then 30, each with credits from two departments, cheers and comments."""
    headers = bearer(member.user)

    def add_wins(number):
        for _ in range(number):
            extra = WinFactory(projects=[joint_project], posted_by=lead, credited=[lead, member])
            extra.check_in = win.check_in
            extra.save()
            CheerFactory(win=extra, reaction=win.cheers.first().reaction)
            WinCommentFactory(win=extra)

    def measure():
        client.get("/api/v1/wins?limit=100", **headers)  # warm caches (site root paths)
        with django_assert_max_num_queries(15) as captured:
            response = client.get("/api/v1/wins?limit=100", **headers)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    add_wins(2)
    small = measure()
    add_wins(27)
    large = measure()
    assert (small[1], large[1]) == (3, 30)
    assert small[0] == large[0]


# Posting ------------------------------------------------------------------------------------


def post_win(client, user, **body):
    payload = {"title": "Pilot live", "projects": [], "credited": ["member"]}
    payload.update(body)
    return send(client, "post", "/api/v1/wins", user, payload)


def test_members_post_a_win(client, lead, member, joint_project, metric):
    entry = check_in(metric=metric, author=lead, day=YESTERDAY, value=Decimal(70))
    response = post_win(
        client,
        lead.user,
        title="  Pilot live  ",
        story="Two teams.\nOne queue.\n\nFewer <b>hand-offs</b>.",
        day=YESTERDAY.isoformat(),
        projects=[joint_project.pk],
        credited=["member", "LEAD"],
        check_in=entry.pk,
    )
    assert response.status_code == 201, response.json()
    win = Win.objects.get()
    assert win.title == "Pilot live"
    assert win.story == (
        "<p>Two teams.<br>One queue.</p>\n\n<p>Fewer &lt;b&gt;hand-offs&lt;/b&gt;.</p>"
    )
    assert win.posted_by == lead
    assert win.day == YESTERDAY
    assert win.check_in == entry
    assert [c.person for c in win.credits.all()] == [member, lead]
    assert Activity.objects.filter(kind="win_posted", project=joint_project).exists()
    data = response.json()
    assert data["id"] == win.pk
    assert data["departments"] == ["Support", "Sales"]
    assert data["check_in"]["value"] == "70"
    assert data["url"] == f"http://testserver/wins/{win.pk}/"


@pytest.mark.parametrize(
    ("story_format", "story", "stored"),
    [
        (
            "html",
            '<p onclick="x()">Hi <b>all</b><script>alert(1)</script>'
            '<a href="javascript:alert(1)">x</a></p><h2>Big</h2>',
            "<p>Hi <b>all</b>alert(1)<a>x</a></p>Big",
        ),
        (
            "markdown",
            "We **did** it: [report](https://example.org/r)\n\n- one\n- two",
            '<p>We <b>did</b> it: <a href="https://example.org/r">report</a></p>'
            "<ul><li>one</li><li>two</li></ul>",
        ),
    ],
)
def test_rich_stories_are_cleaned_to_the_story_features(
    client, lead, joint_project, story_format, story, stored
):
    response = post_win(
        client,
        lead.user,
        projects=[joint_project.pk],
        story=story,
        story_format=story_format,
    )
    assert response.status_code == 201, response.json()
    assert Win.objects.get().story == stored


def test_viewers_cannot_post_wins_to_projects_they_are_not_in(client, joint_project, member):
    viewer = PersonFactory()
    response = post_win(client, viewer.user, projects=[joint_project.pk])
    assert response.status_code == 403
    assert "Faster answers" in response.json()["detail"]
    assert not Win.objects.exists()


def test_posting_to_a_hidden_project_is_like_posting_to_a_missing_one(
    client, member, joint_project, secret_project
):
    hidden = post_win(client, member.user, projects=[joint_project.pk, secret_project.pk])
    assert hidden.status_code == 422
    assert hidden.json()["detail"][0]["field"] == "projects"
    assert "Secret" not in hidden.content.decode()
    assert not Win.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 141}, "title"),
        ({"projects": []}, "projects"),
        ({"credited": []}, "credited"),
        ({"credited": ["nobody.here"]}, "credited"),
        ({"day": (TODAY + datetime.timedelta(days=1)).isoformat()}, "day"),
        ({"day": "someday"}, "day"),
        ({"check_in": 999999}, "check_in"),
        ({"story_format": "pdf"}, "story_format"),
    ],
)
def test_bad_wins_are_422_with_the_field(client, lead, joint_project, body, field):
    body.setdefault("projects", [joint_project.pk])
    response = post_win(client, lead.user, **body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [error["field"] for error in detail] == [field]
    assert all(error["message"] for error in detail)
    assert not Win.objects.exists()
    assert not WinCredit.objects.exists()


def test_a_check_in_of_another_project_is_refused(client, lead, joint_project, project_index):
    other = ProjectPageFactory(parent=project_index)
    MembershipFactory(project=other, person=lead)
    MembershipFactory(project=other, person=PersonFactory(department=DepartmentFactory()))
    elsewhere = metric_define(
        project=other,
        author=lead,
        owning_departments=other.departments,
        name="Other",
        definition="Elsewhere.",
        unit="count",
        unit_detail="",
        direction="increase",
        baseline_value=Decimal(1),
        baseline_date=TODAY - datetime.timedelta(days=5),
        target_value=Decimal(5),
        target_date=TODAY + datetime.timedelta(days=5),
    )
    entry = check_in(metric=elsewhere, author=lead, day=TODAY, value=Decimal(2))
    response = post_win(client, lead.user, projects=[joint_project.pk], check_in=entry.pk)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "check_in"
    assert not Win.objects.exists()


# Cheers -------------------------------------------------------------------------------------


def test_reactions_lists_only_offered_ones_in_order(client, member, celebrate):
    retired = ReactionFactory(name="Retired", symbol="🦕", is_offered=False)
    last = ReactionFactory(name="Last of all", symbol="🏁", sort_order=999)
    response = client.get("/api/v1/reactions", **bearer(member.user))
    assert response.status_code == 200
    listed = response.json()
    assert listed[-1] == {"id": last.pk, "name": "Last of all", "symbol": "🏁"}
    assert {"id": celebrate.pk, "name": "Celebrate", "symbol": celebrate.symbol} in listed
    assert retired.pk not in [reaction["id"] for reaction in listed]


def test_cheering_by_id_or_name_is_idempotent(client, member, win, celebrate):
    url = f"/api/v1/wins/{win.pk}/cheers"
    first = send(client, "post", url, member.user, {"reaction": celebrate.pk})
    assert first.status_code == 200
    assert first.json()["cheered"] is True
    assert first.json()["count"] == 3
    assert first.json()["reaction"] == {"id": celebrate.pk, "name": "Celebrate", "symbol": "🎉"}
    again = send(client, "post", url, member.user, {"reaction": "celebrate"})
    assert (again.json()["cheered"], again.json()["count"]) == (True, 3)
    assert [c["count"] for c in again.json()["cheers"]] == [3, 1]
    assert Cheer.objects.filter(person=member, win=win).count() == 1


def test_taking_back_a_cheer(client, member, win, celebrate):
    CheerFactory(win=win, person=member, reaction=celebrate)
    url = f"/api/v1/wins/{win.pk}/cheers/{celebrate.pk}"
    response = send(client, "delete", url, member.user)
    assert response.status_code == 200
    assert (response.json()["cheered"], response.json()["count"]) == (False, 2)
    assert not Cheer.objects.filter(person=member).exists()
    # Taking it back twice changes nothing.
    assert send(client, "delete", url, member.user).json()["count"] == 2
    assert (
        send(client, "delete", f"/api/v1/wins/{win.pk}/cheers/999999", member.user).status_code
        == 404
    )


def test_unknown_and_retired_reactions_are_422(client, member, win):
    retired = ReactionFactory(name="Retired", symbol="🦕", is_offered=False)
    url = f"/api/v1/wins/{win.pk}/cheers"
    for reaction in ("Confetti", 999999, retired.pk):
        response = send(client, "post", url, member.user, {"reaction": reaction})
        assert response.status_code == 422
        assert response.json()["detail"][0]["field"] == "reaction"
    assert not Cheer.objects.filter(person=member).exists()


def test_cheering_a_hidden_win_is_404(client, lead, secret_project, celebrate):
    hidden = WinFactory(projects=[secret_project], posted_by=lead)
    outsider = PersonFactory()
    url = f"/api/v1/wins/{hidden.pk}/cheers"
    assert send(client, "post", url, outsider.user, {"reaction": celebrate.pk}).status_code == 404
    delete = send(client, "delete", f"{url}/{celebrate.pk}", outsider.user)
    assert delete.status_code == 404
    assert send(client, "post", url, lead.user, {"reaction": celebrate.pk}).status_code == 200
    assert Cheer.objects.get().person == lead


def test_any_viewer_may_cheer_a_visible_win(client, win, celebrate):
    viewer = PersonFactory()
    url = f"/api/v1/wins/{win.pk}/cheers"
    assert send(client, "post", url, viewer.user, {"reaction": celebrate.pk}).status_code == 200


# Schema -------------------------------------------------------------------------------------


def test_openapi_schema_lists_the_win_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/wins"])
    assert "get" in paths["/api/v1/wins/{win_id}"]
    assert "post" in paths["/api/v1/wins/{win_id}/cheers"]
    assert "delete" in paths["/api/v1/wins/{win_id}/cheers/{reaction_id}"]
    assert "get" in paths["/api/v1/reactions"]
    filters = {p["name"] for p in paths["/api/v1/wins"]["get"]["parameters"]}
    assert {"project", "department", "since", "limit", "offset"} <= filters
    operation_ids = [op["operationId"] for path in paths.values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))
