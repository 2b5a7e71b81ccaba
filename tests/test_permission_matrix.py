"""The permission matrix: every address of the site, for anonymous visitors, people outside a
members-only project, its members, its lead and administrators.

The addresses come from walking the URL resolver (and the routes of routable pages), not from
a hand-written list: an address added without an expectation here fails
`test_every_url_pattern_has_an_expectation`. The world is built once for the module
(tests/matrix_world.py); every request runs in its own savepoint, so actions change nothing
for the next one.
"""

import datetime
import io
import json
import re
import zipfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin

from .matrix_world import MARKER, ROLES, TODAY, build_world

LOGIN = "login"  # a redirect to the login page, with ?next=
OK = "ok"  # an action that went through to its form or service (not a refusal)
ACCEPTED_ACTION = {200, 201, 204, 302, 400, 422}
# The Wagtail admin (and Django's) are one group: a sample of their addresses stands for all.
ADMIN_PREFIXES = ("admin/", "django-admin/")
ADMIN_SAMPLES = [
    "/admin/",
    "/admin/pages/",
    "/admin/images/",
    "/admin/documents/",
    "/django-admin/",
]


def roles(anonymous=LOGIN, nonmember=200, member=200, lead=200, admin=200):
    return {
        "anonymous": anonymous,
        "nonmember": nonmember,
        "member": member,
        "lead": lead,
        "admin": admin,
    }


EVERYONE = roles()
SECRET = roles(nonmember=404)
# POST-only views: a GET is refused before anything is looked up.
POST_ONLY = roles(nonmember=405, member=405, lead=405, admin=405)
# …except under a project, whose page answers 404 to outsiders before its route runs.
SECRET_POST_ONLY = roles(nonmember=404, member=405, lead=405, admin=405)
PUBLIC = roles(anonymous=200)
# Token-authenticated APIs: no token is a JSON 401, never the login page.
API_EVERYONE = roles(anonymous=401)
API_SECRET = roles(anonymous=401, nonmember=404)
# The API answers a wrong method before it looks at the token.
API_POST_ONLY = roles(*[405] * 5)
# `find` redirects to the detail address of what it found.
API_FOUND = roles(anonymous=401, nonmember=302, member=302, lead=302, admin=302)
API_FOUND_SECRET = {**API_FOUND, "nonmember": 404}


@dataclass(frozen=True)
class Case:
    """One address: how to build it, the GET status per role, and for actions the POST
    status per role with the data posted."""

    url: object  # world -> address
    get: dict
    post: dict | None = None
    data: object = None  # world -> POST data
    # "session" (log in), "token" (API token header), "feed" (the role's key in the address)
    auth: str = "session"
    method: str = "post"


def project_route(route, get, post=None, data=None, project="secret"):
    return Case(lambda w: w.urls[f"{project}_url"] + route, get, post, data)


def secret_action(route, post, data=None, get=SECRET_POST_ONLY):
    return project_route(route, get, post, data)


def retro(route, retro_key, get, post=None, data=None):
    def url(w):
        return f"/retros/{w.ids[retro_key]}/" + route.format(**w.ids)

    return Case(url, get, post, data)


def api(path, get, post=None, data=None, method="post"):
    return Case(lambda w: "/api/v1/" + path.format(**w.ids), get, post, data, "token", method)


def api_v2(path, get):
    return Case(lambda w: "/api/v2/" + path.format(**w.ids, **w.urls), get, auth="token")


def feed(path, get):
    return Case(lambda w, key: f"/feeds/{key}/" + path.format(**w.ids, **w.urls), get, auth="feed")


def day(offset=0):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


# Who may do what on the members-only project, by pattern name (site-wide addresses) or by
# "<page model>:<route name>" (addresses under a routable page).
MATRIX = {
    "healthz": Case(lambda w: "/healthz", PUBLIC),
    "login": Case(lambda w: "/login/", roles(anonymous=200, **dict.fromkeys(ROLES[1:], 302))),
    "logout": Case(
        lambda w: "/logout/",
        roles(nonmember=405, member=405, lead=405, admin=405),
        post=roles(anonymous=LOGIN, nonmember=OK, member=OK, lead=OK, admin=OK),
    ),
    "wagtaildocs_serve": Case(lambda w: w.urls["document_url"], EVERYONE),
    "wagtaildocs_authenticate_with_password": Case(
        lambda w: "/documents/authenticate_with_password/999/", roles(*[LOGIN] + [404] * 4)
    ),
    "search": Case(lambda w: f"/search/?q={MARKER}", EVERYONE),
    "metrics_overview": Case(lambda w: "/metrics/", EVERYONE),
    "api-v1:openapi-json": Case(lambda w: "/api/v1/openapi.json", PUBLIC),
    "api-v1:api-root": Case(lambda w: "/api/v1/", roles(*[404] * 5)),
    "api-v1:unknown_address": Case(lambda w: "/api/v1/no-such-thing", roles(*[404] * 5)),
    "api-v1:list_projects": api("projects", API_EVERYONE),
    "api-v1:project_metrics": api("projects/{secret}/metrics", API_SECRET),
    "api-v1:metric_detail": api("metrics/{metric}", API_SECRET),
    "api-v1:create_check_in": api(
        "metrics/{metric}/check-ins",
        API_POST_ONLY,
        post=roles(anonymous=401, nonmember=404, member=OK, lead=OK, admin=403),
        data=lambda w: {"day": day(), "value": "70"},
    ),
    "api-v1:list_wins": api("wins", API_EVERYONE),
    # People outside cannot tell a hidden project from a missing one.
    "api-v1:create_win": api(
        "wins",
        API_EVERYONE,
        post=roles(anonymous=401, nonmember=422, member=OK, lead=OK, admin=403),
        data=lambda w: {"title": "Posted", "projects": [w.ids["secret"]], "credited": ["lea.lead"]},
    ),
    "api-v1:win_detail": api("wins/{win}", API_SECRET),
    "api-v1:list_reactions": api("reactions", API_EVERYONE),
    "api-v1:cheer_win": api(
        "wins/{win}/cheers",
        API_POST_ONLY,
        post=roles(anonymous=401, nonmember=404, member=OK, lead=OK, admin=OK),
        data=lambda w: {"reaction": w.ids["reaction"]},
    ),
    "api-v1:uncheer_win": api(
        "wins/{win}/cheers/{reaction}",
        API_POST_ONLY,
        post=roles(anonymous=401, nonmember=404, member=OK, lead=OK, admin=OK),
        method="delete",
    ),
    "wagtailapi:pages:listing": api_v2("pages/", API_EVERYONE),
    "wagtailapi:pages:detail": api_v2("pages/{secret}/", API_SECRET),
    "wagtailapi:pages:find": api_v2(
        "pages/find/?html_path={secret_url}",
        API_FOUND_SECRET,
    ),
    "wagtailapi:images:listing": api_v2("images/", API_EVERYONE),
    # The picture of a members-only win is titled after it.
    "wagtailapi:images:detail": api_v2("images/{image}/", API_SECRET),
    "wagtailapi:images:find": api_v2(
        "images/find/?id={image}",
        API_FOUND_SECRET,
    ),
    "wagtailapi:documents:listing": api_v2("documents/", API_EVERYONE),
    "wagtailapi:documents:detail": api_v2("documents/{document}/", API_EVERYONE),
    "wagtailapi:documents:find": api_v2(
        "documents/find/?id={document}",
        API_FOUND,
    ),
    "accounts:api_tokens": Case(
        lambda w: "/account/api-tokens/",
        EVERYONE,
        post=roles(**dict.fromkeys(ROLES[1:], OK)),
        data=lambda w: {"action": "create", "name": "another"},
    ),
    "accounts:feeds": Case(
        lambda w: "/account/feeds/", EVERYONE, post=roles(**dict.fromkeys(ROLES[1:], OK))
    ),
    "accounts:set_language": Case(
        lambda w: "/account/language/",
        roles(*[405] * 5),
        post=roles(*[OK] * 5),
        data=lambda w: {"language": "fi", "next": "/"},
    ),
    "organisation:people": Case(lambda w: "/people/", EVERYONE),
    "organisation:person": Case(lambda w: "/people/lea.lead/", EVERYONE),
    "organisation:departments": Case(lambda w: "/departments/", EVERYONE),
    "organisation:collaboration_map": Case(lambda w: "/collaboration/", EVERYONE),
    "organisation:department": Case(lambda w: f"/departments/{w.urls['sales']}/", EVERYONE),
    "notifications:list": Case(lambda w: "/notifications/", EVERYONE),
    # The lead's own notification: everybody else's is a 404, administrators included.
    "notifications:open": Case(
        lambda w: f"/notifications/{w.ids['notification']}/open/",
        POST_ONLY,
        post=roles(nonmember=404, member=404, lead=OK, admin=404),
    ),
    "notifications:read_all": Case(
        lambda w: "/notifications/read-all/", POST_ONLY, post=roles(*[LOGIN] + [OK] * 4)
    ),
    "notifications:settings": Case(
        lambda w: "/notifications/settings/", EVERYONE, post=roles(*[LOGIN] + [OK] * 4)
    ),
    "notifications:weekly_unsubscribe": Case(
        lambda w: "/notifications/weekly-digest/unsubscribe/",
        EVERYONE,
        post=roles(*[LOGIN] + [OK] * 4),
    ),
    "projects:wins": Case(lambda w: "/wins/", EVERYONE),
    "projects:win": Case(lambda w: f"/wins/{w.ids['win']}/", SECRET),
    # The member posted the win: the poster and administrators edit it.
    "projects:edit_win": Case(
        lambda w: f"/wins/{w.ids['win']}/edit/",
        roles(nonmember=404, lead=403),
        post=roles(nonmember=404, member=OK, lead=403, admin=OK),
        data=lambda w: {
            "title": "Edited",
            "story": "Better",
            "day": day(),
            "credited": [w.people["member"].pk],
        },
    ),
    "projects:cheer": Case(
        lambda w: f"/wins/{w.ids['win']}/cheers/{w.ids['reaction']}/",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=OK, admin=OK),
        data=lambda w: {"cheer": "1"},
    ),
    "projects:comment": Case(
        lambda w: f"/wins/{w.ids['win']}/comments/",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=OK, admin=OK),
        data=lambda w: {"text": "Well done"},
    ),
    # The member wrote the comment: authors and administrators delete it.
    "projects:delete_comment": Case(
        lambda w: f"/wins/comments/{w.ids['comment']}/delete/",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=403, admin=OK),
    ),
    "projects:my_work": Case(lambda w: "/my-work/", EVERYONE),
    "projects:retro": retro("", "retro_collect", SECRET),
    "projects:retro_board": retro("board/", "retro_collect", SECRET),
    # The lead facilitates: members may not move the board, administrators may.
    "projects:retro_phase": retro(
        "phase/",
        "retro_collect",
        POST_ONLY,
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
        data=lambda w: {"phase": "group"},
    ),
    # Taking part (items, votes, notes) is for members of the projects only.
    "projects:retro_add_item": retro(
        "items/",
        "retro_collect",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
        data=lambda w: {"column": w.ids["collect_column"], "text": "More"},
    ),
    "projects:retro_edit_item": retro(
        "items/{own_item}/edit/",
        "retro_collect",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=403, admin=403),
        data=lambda w: {"text": "Changed"},
    ),
    "projects:retro_delete_item": retro(
        "items/{own_item}/delete/",
        "retro_collect",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=403, admin=403),
    ),
    "projects:retro_merge_item": retro(
        "items/{group_item}/merge/",
        "retro_group",
        POST_ONLY,
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
        data=lambda w: {"into": w.ids["group_other_item"]},
    ),
    "projects:retro_unmerge_item": retro(
        "items/{group_item}/unmerge/",
        "retro_group",
        POST_ONLY,
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
    ),
    "projects:retro_vote": retro(
        "items/{vote_item}/vote/",
        "retro_vote",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
    ),
    "projects:retro_unvote": retro(
        "items/{vote_item}/unvote/",
        "retro_vote",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
    ),
    "projects:retro_add_note": retro(
        "items/{action_item}/notes/",
        "retro_actions",
        POST_ONLY,
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
        data=lambda w: {"text": "Noted"},
    ),
    "projects:retro_add_action": retro(
        "actions/",
        "retro_actions",
        POST_ONLY,
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
        data=lambda w: {
            "title": "Follow up",
            "owner": w.people["member"].pk,
            "due_date": day(7),
            "project": w.ids["secret"],
        },
    ),
    "projects:retro_close": retro(
        "close/",
        "retro_actions",
        POST_ONLY,
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
        data=lambda w: {"decisions": "Agreed"},
    ),
    "projects:retro_summary": retro("summary/", "retro_closed", SECRET),
    "projects:retro_export_markdown": retro("export/markdown/", "retro_closed", SECRET),
    "projects:retro_export_csv": retro("export/csv/", "retro_closed", SECRET),
    # Feed readers cannot log in: the key in the address is the person (a wrong one is a 404).
    "projects:feed_wins": feed("wins/", roles(anonymous=404)),
    "projects:feed_project": feed("projects/{secret}/", roles(anonymous=404, nonmember=404)),
    "projects:feed_department": feed("departments/{sales}/", roles(anonymous=404)),
    # Uploaded files are behind the login like everything else.
    # The members-only win's picture: hidden from outsiders like its project.
    "^media/(?P<path>.*)$": Case(lambda w: w.urls["image_file"], SECRET),
    "wagtailcore_authenticate_with_password": Case(
        lambda w: f"/_util/authenticate_with_password/999/{w.ids['home']}/",
        roles(*[LOGIN] + [404] * 4),
    ),
    "wagtailcore_login": Case(lambda w: "/_util/login/", PUBLIC),
    # Wagtail serves the pages: home and guides; projects and their routes below.
    "wagtail_serve": Case(lambda w: w.urls["guide_url"], EVERYONE),
    "ProjectIndexPage:listing": Case(lambda w: w.urls["index_url"], EVERYONE),
    "ProjectIndexPage:start": Case(
        lambda w: w.urls["index_url"] + "start/",
        EVERYONE,
        post=roles(nonmember=OK, member=OK, lead=OK, admin=OK),
        data=lambda w: {"title": "Brand new", "purpose": "Try it"},
    ),
    "ProjectPage:overview": project_route("", SECRET),
    "ProjectPage:edit": project_route(
        "edit/",
        roles(nonmember=404, member=403),
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
        data=lambda w: {
            "title": "Renamed",
            "purpose": "Changed",
            "status": "active",
            "visibility": "organisation",
        },
    ),
    # Asking to join is for people who see the project without belonging to it: an
    # administrator in the directory may, its members may not.
    "ProjectPage:join": secret_action(
        "join/", roles(nonmember=404, member=403, lead=403, admin=OK), lambda w: {"note": "Hi"}
    ),
    "ProjectPage:decide_join_request": secret_action(
        "join-requests/{join_request}/",
        roles(nonmember=404, member=403, lead=OK, admin=OK),
        lambda w: {"decision": "accept"},
    ),
    "ProjectPage:invite": project_route(
        "invite/",
        roles(nonmember=404, member=403),
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
        data=lambda w: {"person": w.people["nonmember"].pk, "role": "member"},
    ),
    # Only the invited person answers an invitation: it is nobody else's to find.
    "ProjectPage:respond_to_invitation": secret_action(
        "invitations/{invitation}/",
        roles(nonmember=404, member=404, lead=404, admin=404),
        lambda w: {"decision": "accept"},
    ),
    "ProjectPage:leave": secret_action(
        "leave/", roles(nonmember=404, member=OK, lead=OK, admin=403)
    ),
    "ProjectPage:describe_part": secret_action(
        "my-part/",
        roles(nonmember=404, member=OK, lead=OK, admin=403),
        lambda w: {"what_i_bring": "Data", "whats_in_it_for_my_team": "Fewer tickets"},
    ),
    "ProjectPage:change_role": secret_action(
        "members/{member_membership}/role/",
        roles(nonmember=404, member=403, lead=OK, admin=OK),
        lambda w: {"role": "lead"},
    ),
    "ProjectPage:ideas": secret_action(
        "ideas/",
        roles(nonmember=404, member=OK, lead=OK, admin=403),
        lambda w: {"title": "Another idea"},
    ),
    "ProjectPage:vote": secret_action(
        "ideas/{idea}/vote/", roles(nonmember=404, member=OK, lead=OK, admin=403)
    ),
    "ProjectPage:commit_idea": secret_action(
        "ideas/{idea}/commit/",
        roles(nonmember=404, member=403, lead=OK, admin=OK),
        lambda w: {"title": "Do it", "owner": w.people["member"].pk, "due_date": day(7)},
    ),
    "ProjectPage:new_metric": project_route(
        "metrics/new/",
        roles(nonmember=404, admin=403),
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
    ),
    "ProjectPage:metrics_csv": project_route("metrics/csv/", SECRET),
    "ProjectPage:import_check_ins": project_route(
        "metrics/import/",
        roles(nonmember=404, admin=403),
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
        data=lambda w: {"step": "preview", "text": f"metric,date,value\n{MARKER},{day()},1\n"},
    ),
    "ProjectPage:check_in_template_csv": project_route(
        "metrics/import/template/", roles(nonmember=404, admin=403)
    ),
    "ProjectPage:metric": project_route("metrics/{metric}/", SECRET),
    "ProjectPage:edit_metric": project_route(
        "metrics/{metric}/edit/",
        roles(nonmember=404, admin=403),
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
    ),
    "ProjectPage:sign_off": secret_action(
        "metrics/{metric}/sign-off/", roles(nonmember=404, member=OK, lead=OK, admin=403)
    ),
    "ProjectPage:check_in": secret_action(
        "metrics/{metric}/check-in/",
        roles(nonmember=404, member=OK, lead=OK, admin=403),
        lambda w: {"value": "70", "day": day(), "confidence": "medium"},
    ),
    # The member owns the commitment, so they may deliver it too.
    "ProjectPage:deliver": secret_action(
        "commitments/{commitment}/deliver/", roles(nonmember=404, member=OK, lead=OK, admin=OK)
    ),
    "ProjectPage:wins": project_route("wins/", SECRET),
    "ProjectPage:post_win": project_route(
        "wins/new/",
        roles(nonmember=404, admin=403),
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
        data=lambda w: {"title": "Fresh win", "day": day(), "credited": [w.people["lead"].pk]},
    ),
    "ProjectPage:updates": project_route("updates/", SECRET),
    "ProjectPage:post_update": project_route(
        "updates/new/",
        roles(nonmember=404, member=403),
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
        data=lambda w: {
            "health": "at_risk",
            "what_happened": "Slower",
            "whats_next": "Catch up",
            "next_update_due": day(7),
        },
    ),
    "ProjectPage:webhooks": project_route(
        "webhooks/",
        roles(nonmember=404, member=403),
        post=roles(nonmember=404, member=403, lead=OK, admin=OK),
        data=lambda w: {"name": "Team", "flavour": "slack", "url": "https://chat.invalid/x"},
    ),
    "ProjectPage:delete_webhook": secret_action(
        "webhooks/{webhook}/delete/", roles(nonmember=404, member=403, lead=OK, admin=OK)
    ),
    "ProjectPage:test_webhook": secret_action(
        "webhooks/{webhook}/test/", roles(nonmember=404, member=403, lead=OK, admin=OK)
    ),
    "ProjectPage:export_markdown": project_route("export/markdown/", SECRET),
    "ProjectPage:export_csv": project_route("export/csv/", SECRET),
    "ProjectPage:retros": project_route("retros/", SECRET),
    "ProjectPage:new_retro": project_route(
        "retros/new/",
        roles(nonmember=404, admin=403),
        post=roles(nonmember=404, member=OK, lead=OK, admin=403),
    ),
}


def _walk(patterns, prefix="", namespace=""):
    """(route, name) of every pattern under `patterns`, through includes."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield route, namespace + pattern.name if pattern.name else route


def walked_patterns():
    """Every address pattern of the site, by the key MATRIX uses: the admin as one group,
    and the routes of each routable page model (served through Wagtail's catch-all)."""
    keys = set()
    for route, key in _walk(get_resolver().url_patterns):
        keys.add("admin" if route.startswith(ADMIN_PREFIXES) else key)
    for model in apps.get_models():
        if issubclass(model, RoutablePageMixin):
            for route, name in _walk(model.get_subpage_urls()):
                keys.add(f"{model.__name__}:{name or route}")
    return keys


def test_every_url_pattern_has_an_expectation():
    walked = walked_patterns() - {"admin"}
    missing = sorted(walked - set(MATRIX))
    assert not missing, f"URL patterns with no expectation in the matrix: {missing}"
    stale = sorted(set(MATRIX) - walked)
    assert not stale, f"Expectations for URL patterns that no longer exist: {stale}"


# The world ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back after the module; each test's own
    transaction is a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def no_chat_messages():
    """Nothing leaves the machine: the webhook test button reports instead of sending."""
    with mock.patch("projects.webhooks.send_json") as send:
        yield send


def client_for(world, role, case=None, *, csrf_checks=False):
    """A client acting as `role`: logged in, or with the role's API token for the APIs."""
    client = Client(enforce_csrf_checks=csrf_checks)
    user = world.users[role]
    if case is not None and case.auth == "token":
        if user is not None:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.api_keys[role]}"
    elif user is not None:
        client.force_login(user)
    return client


def address(world, case, role):
    if case.auth == "feed":
        return case.url(world, world.feed_keys.get(role, "not-a-key"))
    return case.url(world).format(**world.ids)


def assert_status(response, expected, url):
    if expected == LOGIN:
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
    elif expected == OK:
        assert response.status_code in ACCEPTED_ACTION, (url, response.status_code)
        assert not response.get("Location", "").startswith("/login/?next="), url
    else:
        assert response.status_code == expected, (url, response.status_code)


# A write to any table of the site's data (aside from the session, a token's last use and the
# Wagtail profile its error page creates on first sight of a user).
WRITE = re.compile(
    r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(projects|organisation|notifications|accounts|'
    r"wagtail(?!core_apitoken|users_userprofile)\w*|taggit|auth)_",
    re.IGNORECASE,
)


@contextmanager
def nothing_written(message):
    """A refused request writes nothing: not even something it takes back later."""
    with CaptureQueriesContext(connection) as captured:
        yield
    writes = [query["sql"] for query in captured if WRITE.match(query["sql"])]
    assert not writes, f"{message}, yet it wrote: {writes}"


GET_CASES = [(key, role) for key in MATRIX for role in ROLES]
POST_CASES = [(key, role) for key, case in MATRIX.items() if case.post for role in ROLES]


@pytest.mark.parametrize(("key", "role"), GET_CASES)
def test_get(world, db, key, role):
    case = MATRIX[key]
    url = address(world, case, role)
    response = client_for(world, role, case).get(url)
    assert_status(response, case.get[role], url)


@pytest.mark.parametrize(("key", "role"), POST_CASES)
def test_post(world, db, key, role):
    case = MATRIX[key]
    url = address(world, case, role)
    client = client_for(world, role, case)
    data = case.data(world) if case.data else {}
    expected = case.post[role]
    refused = nullcontext() if expected == OK else nothing_written(f"{role} was refused at {url}")
    with refused:
        if case.auth == "token":
            send = getattr(client, case.method)
            response = send(url, json.dumps(data), content_type="application/json")
        else:
            response = client.post(url, data)
    assert_status(response, expected, url)


LEAD_ACTIONS = [
    key
    for key, case in MATRIX.items()
    if case.auth == "session" and case.post and case.post["lead"] == OK
]


@pytest.mark.parametrize("key", LEAD_ACTIONS)
def test_session_actions_need_the_csrf_token(world, db, key):
    """A lead's browser posting from another site (no CSRF token) changes nothing."""
    case = MATRIX[key]
    url = address(world, case, "lead")
    client = client_for(world, "lead", case, csrf_checks=True)
    with nothing_written(f"{url} without a CSRF token was refused"):
        response = client.post(url, case.data(world) if case.data else {})
    assert response.status_code == 403, url


@pytest.mark.parametrize("url", ADMIN_SAMPLES)
@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_administrators_only(world, db, role, url):
    response = client_for(world, role).get(url)
    if role == "admin":
        assert response.status_code == 200, url
    elif role == "anonymous":
        assert response.status_code == 302
        assert "login/?next=" in response["Location"]
    else:
        # Refused, or sent to a login page (Django's admin has its own).
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or "login/?next=" in response["Location"]


def test_static_files_are_public(world, db):
    assert Client().get("/static/css/commonground.css").status_code == 200


# Leaks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page (or feed, API answer, download) that lists or mentions projects' content."""

    url: object  # world -> address
    member_sees: bool  # whether the secret project's members find MARKER there
    auth: str = "session"


def search(result_type=""):
    return Page(lambda w: f"/search/?q={MARKER}&type={result_type}", result_type != "people")


# The search page repeats the query (title, search boxes, facet links, "results for"): those
# are the reader's own words, not found content.
QUERY_ECHO = re.compile(rf"(Search: |value=\"|q=|“){MARKER}")


LEAK_PAGES = {
    "home page with every live block": Page(lambda w: "/", True),
    "project index": Page(lambda w: w.urls["index_url"], True),
    "department page": Page(lambda w: f"/departments/{w.urls['sales']}/", True),
    "wins wall": Page(lambda w: "/wins/", True),
    "wins wall of a department": Page(lambda w: f"/wins/?department={w.urls['sales']}", True),
    "collaboration map": Page(lambda w: "/collaboration/", False),
    "metrics overview": Page(lambda w: "/metrics/", True),
    "search, all types": search(),
    **{f"search, {kind}": search(kind) for kind in ("projects", "wins", "updates", "retros")},
    "search, people": search("people"),
    "people directory": Page(lambda w: "/people/", False),
    "the lead's profile": Page(lambda w: "/people/lea.lead/", False),
    "my work": Page(lambda w: "/my-work/", True),
    "notifications": Page(lambda w: "/notifications/", True),
    "a win shared with an open project": Page(lambda w: f"/wins/{w.ids['shared_win']}/", True),
    "a joint retrospective's board": Page(lambda w: f"/retros/{w.ids['retro_joint']}/", True),
    "a joint retrospective's summary": Page(
        lambda w: f"/retros/{w.ids['retro_joint']}/summary/", True
    ),
    "a joint retrospective's Markdown": Page(
        lambda w: f"/retros/{w.ids['retro_joint']}/export/markdown/", True
    ),
    "a joint retrospective's CSV": Page(
        lambda w: f"/retros/{w.ids['retro_joint']}/export/csv/", False
    ),
    "the open project": Page(lambda w: w.urls["open_url"], True),
    "the open project's wins": Page(lambda w: w.urls["open_url"] + "wins/", True),
    "the open project's retrospectives": Page(lambda w: w.urls["open_url"] + "retros/", True),
    "the open project's Markdown export": Page(
        lambda w: w.urls["open_url"] + "export/markdown/", False
    ),
    "the open project's CSV export": Page(lambda w: w.urls["open_url"] + "export/csv/", False),
    "feed of every win": Page(lambda w, key: f"/feeds/{key}/wins/", True, "feed"),
    "feed of a department's wins": Page(
        lambda w, key: f"/feeds/{key}/departments/{w.urls['sales']}/", True, "feed"
    ),
    "feed of the open project": Page(
        lambda w, key: f"/feeds/{key}/projects/{w.ids['open']}/", False, "feed"
    ),
    "API: projects": Page(lambda w: "/api/v1/projects", True, "token"),
    "API: wins": Page(lambda w: "/api/v1/wins", True, "token"),
    "API: a department's wins": Page(
        lambda w: f"/api/v1/wins?department={w.urls['sales']}", True, "token"
    ),
    "API: the shared win": Page(lambda w: f"/api/v1/wins/{w.ids['shared_win']}", True, "token"),
    "API: the open project's metrics": Page(
        lambda w: f"/api/v1/projects/{w.ids['open']}/metrics", False, "token"
    ),
    "Wagtail API: pages": Page(lambda w: "/api/v2/pages/", True, "token"),
    "Wagtail API: pages found by search": Page(
        lambda w: f"/api/v2/pages/?search={MARKER}", True, "token"
    ),
    "Wagtail API: the project index's children": Page(
        lambda w: f"/api/v2/pages/?child_of={w.ids['index']}", True, "token"
    ),
    "Wagtail API: images": Page(lambda w: "/api/v2/images/", True, "token"),
}


def body_text(response):
    """What a reader gets: the page, feed or JSON, or every file of a downloaded zip."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as bundle:
            return "\n".join(bundle.read(name).decode() for name in bundle.namelist())
    return content.decode()


@pytest.mark.parametrize("role", ["nonmember", "member"])
@pytest.mark.parametrize("name", LEAK_PAGES)
def test_members_only_content_never_leaks(world, db, name, role):
    page = LEAK_PAGES[name]
    case = Case(page.url, get={}, auth=page.auth)
    url = address(world, case, role)
    response = client_for(world, role, case).get(url)
    assert response.status_code == 200, url
    text = QUERY_ECHO.sub("", body_text(response))
    if role == "nonmember":
        assert MARKER not in text, f"{name} ({url}) shows the members-only project to outsiders"
    elif page.member_sees:
        # The same page does show it to members: the absence above means something.
        assert MARKER in text, f"{name} ({url}) should show the project to its members"


@pytest.mark.parametrize(("role", "sees"), [("nonmember", False), ("member", True)])
def test_the_weekly_digest_keeps_members_only_wins_to_members(world, db, role, sees):
    from notifications.weekly import weekly_email

    email = weekly_email(world.people[role], TODAY)
    text = "" if email is None else email.subject + email.body
    text += "".join(content for content, _type in getattr(email, "alternatives", []))
    assert (MARKER in text) is sees
