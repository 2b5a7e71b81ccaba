"""Chat webhooks: payloads, delivery with retries against a local chat server, the leads' page."""

import datetime
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from projects.models import ChatWebhook, DeliveryStatus, WebhookDelivery, WebhookFlavour
from projects.tasks import deliver_win_to_webhook
from projects.webhooks import (
    retry_due_deliveries,
    schedule_win_deliveries,
    slack_payload,
    teams_payload,
    validate_webhook_url,
    webhook_health,
    win_message,
)
from projects.win_services import win_post
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ProjectPageFactory,
    WinFactory,
)

pytestmark = pytest.mark.django_db

RETRY_DELAYS = [60, 300]


class ChatServer:
    """A local chat system: answers each POST from a script (status codes, or "hang" to answer
    later than the timeout), then 200; records every request it got."""

    def __init__(self):
        self.script = []
        self.requests = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append({"headers": dict(self.headers), "json": json.loads(body)})
                answer = server.script.pop(0) if server.script else 200
                if answer == "hang":
                    server.release.wait(5)
                    return
                self.send_response(answer)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/s3cret-key"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def webhook_settings(settings):
    settings.WEBHOOK_ALLOWED_HTTP_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_RETRY_DELAYS = RETRY_DELAYS
    return settings


@pytest.fixture
def chat_server(webhook_settings):
    with ChatServer() as server:
        yield server


@pytest.fixture
def refused_url(webhook_settings):
    """An address where nothing listens: the connection is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks/s3cret-key"


def make_webhook(project, url, flavour=WebhookFlavour.SLACK, **kwargs):
    return ChatWebhook.objects.create(
        project=project,
        name="#wins",
        url=url,
        flavour=flavour,
        created_by=PersonFactory(),
        **kwargs,
    )


@pytest.fixture
def post_win(django_capture_on_commit_callbacks, joint_project, lead, member):
    """Post a win as the member, run what happens after the commit, return the win."""

    def post(title="Answer time halved"):
        with django_capture_on_commit_callbacks(execute=True):
            return win_post(
                person=member,
                projects=[joint_project],
                title=title,
                story="<p>We <b>halved</b> it.</p>",
                credited=[lead, member],
            )

    return post


def delivery_of(win):
    return WebhookDelivery.objects.get(win=win)


# Delivery ------------------------------------------------------------------------------------


def test_a_new_win_is_posted_to_the_channel_at_once(chat_server, joint_project, post_win):
    make_webhook(joint_project, chat_server.url)
    win = post_win()
    delivery = delivery_of(win)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None
    [request] = chat_server.requests
    assert request["headers"]["User-Agent"] == "CommonGround-Webhook/1"
    assert request["headers"]["Content-Type"] == "application/json"
    assert "Answer time halved" in request["json"]["text"]
    assert retry_due_deliveries(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_inactive_webhooks_and_other_projects_get_nothing(chat_server, joint_project, post_win):
    make_webhook(joint_project, chat_server.url, is_active=False)
    make_webhook(ProjectPageFactory(parent=joint_project.get_parent()), chat_server.url)
    win = post_win()
    assert not WebhookDelivery.objects.filter(win=win).exists()
    assert chat_server.requests == []


def test_two_failures_then_success_is_delivered_on_the_third_attempt(
    chat_server, joint_project, post_win
):
    make_webhook(joint_project, chat_server.url)
    chat_server.script = [500, 500]
    win = post_win()
    delivery = delivery_of(win)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 1)
    assert "500" in delivery.last_error
    first_retry = delivery.next_attempt_at
    assert first_retry - timezone.now() <= datetime.timedelta(seconds=RETRY_DELAYS[0])

    # Not due yet: nothing is tried.
    assert retry_due_deliveries(now=first_retry - datetime.timedelta(seconds=1)) == 0
    assert retry_due_deliveries(now=first_retry) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 2)
    assert delivery.next_attempt_at == first_retry + datetime.timedelta(seconds=RETRY_DELAYS[1])

    assert retry_due_deliveries(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)
    assert delivery.last_error == ""
    assert len(chat_server.requests) == 3
    assert not Notification.objects.filter(kind=NotificationKind.WEBHOOK_FAILED).exists()


def test_permanent_failure_fails_and_notifies_the_leads_once(
    chat_server, joint_project, post_win, lead, member, caplog
):
    webhook = make_webhook(joint_project, chat_server.url)
    chat_server.script = [503, 503, 503, 503]
    win = post_win()
    now = timezone.now()
    for _attempt in RETRY_DELAYS:
        now += datetime.timedelta(days=1)
        assert retry_due_deliveries(now=now) == 1
    delivery = delivery_of(win)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert delivery.next_attempt_at is None
    assert retry_due_deliveries(now=now + datetime.timedelta(days=1)) == 0
    assert len(chat_server.requests) == 3

    notifications = Notification.objects.filter(kind=NotificationKind.WEBHOOK_FAILED)
    assert [n.recipient for n in notifications] == [lead.user]
    assert notifications[0].key == f"webhook:{webhook.pk}:failed:{delivery.pk}"
    assert notifications[0].url == "/projects/faster-answers/webhooks/"
    # The secret part of the address never reaches the logs.
    assert "failed" in caplog.text
    assert "s3cret" not in caplog.text
    assert "s3cret" not in delivery.last_error
    assert webhook_health(joint_project) == 1


def test_an_answer_later_than_the_timeout_is_a_failure(chat_server, joint_project, post_win):
    make_webhook(joint_project, chat_server.url)
    chat_server.script = ["hang"]
    win = post_win()
    delivery = delivery_of(win)
    assert delivery.status == DeliveryStatus.RETRYING
    assert "No answer within 1 seconds" in delivery.last_error


def test_a_refused_connection_never_blocks_the_member(refused_url, joint_project, post_win):
    make_webhook(joint_project, refused_url)
    win = post_win()
    assert win.pk is not None
    delivery = delivery_of(win)
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error == "The chat system refused the connection."


def test_a_crashing_task_never_fails_the_member(chat_server, joint_project, post_win):
    make_webhook(joint_project, chat_server.url)
    with mock.patch("projects.webhooks.attempt_delivery", side_effect=RuntimeError("boom")):
        win = post_win()
    assert win.pk is not None
    # The delivery waits for the periodic job, which sends it once the grace period passed.
    delivery = delivery_of(win)
    assert delivery.status == DeliveryStatus.PENDING
    assert retry_due_deliveries(now=timezone.now()) == 0
    assert retry_due_deliveries(now=delivery.next_attempt_at) == 1
    assert delivery_of(win).status == DeliveryStatus.DELIVERED


def test_a_broken_queue_never_fails_the_member(chat_server, joint_project, post_win):
    make_webhook(joint_project, chat_server.url)
    with mock.patch("projects.tasks.deliver_win_to_webhook") as task:
        task.enqueue.side_effect = OSError("queue down")
        win = post_win()
    assert task.enqueue.called
    assert delivery_of(win).status == DeliveryStatus.PENDING
    assert chat_server.requests == []


def test_a_delivery_is_sent_once_even_when_two_workers_run_it(chat_server, joint_project, lead):
    make_webhook(joint_project, chat_server.url)
    win = WinFactory(projects=[joint_project], posted_by=lead)
    [delivery] = schedule_win_deliveries(win)
    deliver_win_to_webhook.call(delivery.pk)
    deliver_win_to_webhook.call(delivery.pk)
    assert retry_due_deliveries(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert len(chat_server.requests) == 1
    assert delivery_of(win).attempts == 1


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(chat_server, joint_project, lead):
    """The second worker read the row before the first claimed it: its claim must fail."""
    make_webhook(joint_project, chat_server.url)
    win = WinFactory(projects=[joint_project], posted_by=lead)
    [delivery] = schedule_win_deliveries(win)
    stale = WebhookDelivery.objects.get(pk=delivery.pk)
    deliver_win_to_webhook.call(delivery.pk)
    from projects.webhooks import _claim

    assert _claim(stale, timezone.now() + datetime.timedelta(days=1)) is False
    assert len(chat_server.requests) == 1


def test_with_a_deferring_queue_a_retry_is_enqueued_for_its_time(
    chat_server, joint_project, lead, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    make_webhook(joint_project, chat_server.url)
    chat_server.script = [500]
    win = WinFactory(projects=[joint_project], posted_by=lead)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = schedule_win_deliveries(win)
    backend = deliver_win_to_webhook.get_backend()

    def queued():
        path = deliver_win_to_webhook.module_path
        return [result for result in backend.results if result.task.module_path == path]

    # The first attempt was queued, not run: the dummy queue runs nothing.
    assert [result.args for result in queued()] == [[delivery.pk]]
    with django_capture_on_commit_callbacks(execute=True):
        deliver_win_to_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    deferred = [result for result in queued() if result.task.run_after is not None]
    assert [r.args for r in deferred] == [[delivery.pk]]
    assert deferred[0].task.run_after == delivery.next_attempt_at


# Messages ------------------------------------------------------------------------------------


@pytest.fixture
def win(joint_project, lead, member):
    return WinFactory(
        projects=[joint_project],
        posted_by=member,
        credited=[lead, member],
        title="Q&A <answers> halved",
        story="<p>We <b>halved</b> the wait.</p>",
    )


def test_slack_payload_links_the_win_and_names_people_and_departments(win):
    text = slack_payload(win_message(win))["text"]
    assert f"<http://testserver/wins/{win.pk}/|Q&amp;A &lt;answers&gt; halved>" in text
    assert "New win in Faster answers" in text
    assert "Credited: Lea" in text
    assert ", Mo " in text
    assert "A win across Sales and Support" in text
    assert "We halved the wait." in text
    assert "<b>" not in text


def test_teams_payload_is_a_message_card_with_a_button(win):
    card = teams_payload(win_message(win))
    assert card["@type"] == "MessageCard"
    assert card["@context"] == "https://schema.org/extensions"
    assert card["summary"] == "Q&A <answers> halved"
    assert "Q&A <answers> halved" in card["title"]
    assert "A win across Sales and Support" in card["text"]
    [action] = card["potentialAction"]
    assert action["@type"] == "OpenUri"
    assert action["targets"] == [{"os": "default", "uri": f"http://testserver/wins/{win.pk}/"}]


def test_a_win_of_one_department_says_so(joint_project, lead):
    win = WinFactory(projects=[joint_project], posted_by=lead, credited=[lead])
    assert "A win for Sales" in slack_payload(win_message(win))["text"]


def test_teams_webhooks_get_a_card(chat_server, joint_project, post_win):
    make_webhook(joint_project, chat_server.url, flavour=WebhookFlavour.TEAMS)
    post_win()
    assert chat_server.requests[0]["json"]["@type"] == "MessageCard"


# Addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://hooks.slack.com/services/T/B/X", "https://example.webhook.office.com/webhookb2/x"],
)
def test_https_addresses_are_accepted(url):
    validate_webhook_url(url)


@pytest.mark.parametrize(
    "url", ["http://hooks.slack.com/services/T/B/X", "ftp://example.org/x", "file:///etc/passwd"]
)
def test_other_addresses_are_refused(url):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_webhook_url(url)


def test_http_is_allowed_for_named_hosts_and_while_developing(settings):
    settings.WEBHOOK_ALLOWED_HTTP_HOSTS = ["chat.internal"]
    validate_webhook_url("http://chat.internal/hooks/x")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_webhook_url("http://elsewhere.example/hooks/x")
    settings.DEBUG = True
    validate_webhook_url("http://elsewhere.example/hooks/x")


# The leads' page ---------------------------------------------------------------------------

URL = "/projects/faster-answers/webhooks/"


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead.user)
    return client


def test_leads_add_a_webhook(lead_client, joint_project, lead):
    response = lead_client.post(
        URL, {"name": "#sales-support", "flavour": "teams", "url": "https://hooks.example/x/1"}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    webhook = ChatWebhook.objects.get(project=joint_project)
    assert (webhook.name, webhook.flavour, webhook.created_by) == ("#sales-support", "teams", lead)
    content = lead_client.get(URL).content.decode()
    assert "#sales-support" in content
    assert "hooks.example/…" in content
    assert "x/1" not in content  # the secret path is never shown


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "flavour": "slack", "url": "https://hooks.example/x"}, "name"),
        ({"name": "#a", "flavour": "slack", "url": "http://hooks.example/x"}, "url"),
        ({"name": "#a", "flavour": "slack", "url": "not an address"}, "url"),
        ({"name": "#a", "flavour": "irc", "url": "https://hooks.example/x"}, "flavour"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_kept(lead_client, data, field):
    response = lead_client.post(URL, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode() or field == "flavour"
    if data["name"]:
        assert f'value="{data["name"]}"' in response.content.decode()
    assert not ChatWebhook.objects.exists()


def test_the_same_address_twice_is_refused(lead_client, joint_project):
    make_webhook(joint_project, "https://hooks.example/x")
    response = lead_client.post(
        URL, {"name": "#again", "flavour": "slack", "url": "https://hooks.example/x"}
    )
    assert response.status_code == 400
    assert "already posts" in response.content.decode()


def test_switch_off_and_on(lead_client, joint_project):
    webhook = make_webhook(joint_project, "https://hooks.example/x")
    lead_client.post(URL, {"action": "toggle", "webhook": webhook.pk, "active": "0"})
    webhook.refresh_from_db()
    assert not webhook.is_active
    lead_client.post(URL, {"action": "toggle", "webhook": webhook.pk, "active": "1"})
    webhook.refresh_from_db()
    assert webhook.is_active
    assert lead_client.post(URL, {"action": "toggle", "webhook": "x"}).status_code == 400


def test_delete(lead_client, joint_project):
    webhook = make_webhook(joint_project, "https://hooks.example/x")
    assert lead_client.get(f"{URL}{webhook.pk}/delete/").status_code == 405
    response = lead_client.post(f"{URL}{webhook.pk}/delete/")
    assert response.status_code == 302
    assert not ChatWebhook.objects.exists()


def test_another_projects_webhook_is_a_404(lead_client, joint_project):
    other = ProjectPageFactory(parent=joint_project.get_parent())
    MembershipFactory(project=other, role="lead")
    webhook = make_webhook(other, "https://hooks.example/x")
    assert lead_client.post(f"{URL}{webhook.pk}/delete/").status_code == 404
    assert lead_client.post(f"{URL}{webhook.pk}/test/").status_code == 404
    assert ChatWebhook.objects.exists()


def test_a_test_message_reports_success(lead_client, chat_server, joint_project):
    webhook = make_webhook(joint_project, chat_server.url)
    response = lead_client.post(f"{URL}{webhook.pk}/test/", follow=True)
    assert "Test message sent to “#wins”" in response.content.decode()
    assert "Faster answers" in chat_server.requests[0]["json"]["text"]


def test_a_test_message_reports_failure(lead_client, chat_server, joint_project):
    webhook = make_webhook(joint_project, chat_server.url)
    chat_server.script = [404]
    response = lead_client.post(f"{URL}{webhook.pk}/test/", follow=True)
    content = response.content.decode()
    assert "The test message to “#wins” failed: The chat system answered 404." in content
    assert "s3cret" not in content


def test_the_page_shows_deliveries_and_warns_about_failures(lead_client, joint_project, lead):
    webhook = make_webhook(joint_project, "https://hooks.example/x")
    WebhookDelivery.objects.create(
        webhook=webhook,
        win=WinFactory(projects=[joint_project], title="Lost win"),
        status=DeliveryStatus.FAILED,
        attempts=3,
        last_error="The chat system answered 500.",
    )
    content = lead_client.get(URL).content.decode()
    assert "Some wins did not reach their channel" in content
    assert "Lost win" in content
    assert "The chat system answered 500." in content
    assert webhook_health(joint_project) == 1


def test_no_warning_when_all_is_well(lead_client, joint_project):
    webhook = make_webhook(joint_project, "https://hooks.example/x")
    WebhookDelivery.objects.create(
        webhook=webhook, win=WinFactory(projects=[joint_project]), status=DeliveryStatus.DELIVERED
    )
    assert "did not reach" not in lead_client.get(URL).content.decode()
    assert webhook_health(joint_project) == 0


def test_old_failures_no_longer_count(joint_project):
    webhook = make_webhook(joint_project, "https://hooks.example/x")
    WebhookDelivery.objects.create(
        webhook=webhook,
        win=WinFactory(projects=[joint_project]),
        status=DeliveryStatus.FAILED,
        created_at=timezone.now() - datetime.timedelta(days=15),
    )
    assert webhook_health(joint_project) == 0


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_only_leads_manage_webhooks(client, joint_project, member, who):
    webhook = make_webhook(joint_project, "https://hooks.example/x")
    client.force_login(member.user if who == "member" else PersonFactory().user)
    assert client.get(URL).status_code == 403
    data = {"name": "#a", "flavour": "slack", "url": "https://hooks.example/y"}
    assert client.post(URL, data).status_code == 403
    assert client.post(f"{URL}{webhook.pk}/delete/").status_code == 403
    assert client.post(f"{URL}{webhook.pk}/test/").status_code == 403
    assert ChatWebhook.objects.count() == 1


def test_administrators_manage_webhooks(client, joint_project):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    PersonFactory(user=admin)
    client.force_login(admin)
    assert client.get(URL).status_code == 200


def test_members_only_projects_are_a_404_to_outsiders(client, joint_project):
    joint_project.visibility = "members"
    joint_project.save()
    client.force_login(PersonFactory().user)
    assert client.get(URL).status_code == 404


def test_the_page_makes_the_same_queries_however_many_deliveries(
    lead_client, count_queries, joint_project
):
    def add(count):
        webhook = make_webhook(joint_project, f"https://hooks.example/{count}")
        for status in list(DeliveryStatus)[:count]:
            WebhookDelivery.objects.create(
                webhook=webhook, win=WinFactory(projects=[joint_project]), status=status
            )

    add(1)
    small = count_queries(URL, ceiling=20)
    add(4)
    add(3)
    assert count_queries(URL, ceiling=20) == small
