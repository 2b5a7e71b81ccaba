"""A project's chat webhooks: leads add, test, switch off and remove them, and see deliveries."""

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import ChatWebhook, WebhookDelivery
from ..services import ProjectActionError
from ..webhooks import (
    WebhookError,
    delivery_problems,
    masked_url,
    send_test_message,
    webhook_add,
    webhook_delete,
    webhook_set_active,
)
from .common import apply_errors, post_only, require

RECENT_DELIVERIES = 5


class ChatWebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Incoming webhook address"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Copy it from the channel's settings in your chat system: it starts with https://."
        ),
    )

    class Meta:
        model = ChatWebhook
        fields = ["name", "flavour", "url"]
        widgets = {"flavour": forms.RadioSelect}


def webhooks_url(project):
    return project.url + project.reverse_subpage("webhooks")


def manage_webhooks(request, project):
    require(request, "manage_webhooks")
    form = ChatWebhookForm()
    if request.method == "POST":
        if request.POST.get("action") == "toggle":
            return _toggle(request, project)
        form = ChatWebhookForm(request.POST)
        if form.is_valid():
            try:
                webhook = _add(request, project, form.cleaned_data)
            except ProjectActionError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "“%(name)s” added: new wins will be posted there. Send a test message "
                        "to check the address."
                    )
                    % {"name": webhook.name},
                )
                return HttpResponseRedirect(webhooks_url(project))
    return TemplateResponse(
        request,
        "projects/webhooks.html",
        _page_context(request, project, form),
        status=400 if form.errors else 200,
    )


def _add(request, project, data):
    person = request.project_access.person
    if person is None:
        raise ProjectActionError(gettext("Only people in the directory can add webhooks."))
    return webhook_add(project=project, person=person, **data)


def _page_context(request, project, form):
    recent = WebhookDelivery.objects.select_related("win").order_by("-created_at", "-pk")
    webhooks = list(
        project.webhooks.select_related("created_by__user").prefetch_related(
            Prefetch("deliveries", queryset=recent[:RECENT_DELIVERIES], to_attr="recent")
        )
    )
    for webhook in webhooks:
        webhook.masked_url = masked_url(webhook.url)
    return {
        "page": project,
        "access": request.project_access,
        "webhooks": webhooks,
        "problems": delivery_problems(project),
        "form": form,
    }


def _webhook(project, webhook_id):
    return get_object_or_404(ChatWebhook, pk=webhook_id, project=project)


def _toggle(request, project):
    webhook_id = request.POST.get("webhook", "")
    if not webhook_id.isdigit() or request.POST.get("active") not in {"0", "1"}:
        return HttpResponseBadRequest()
    webhook = webhook_set_active(
        webhook=_webhook(project, webhook_id), active=request.POST["active"] == "1"
    )
    if webhook.is_active:
        message = gettext("“%(name)s” is on: new wins will be posted there.")
    else:
        message = gettext("“%(name)s” is off: new wins will not be posted there.")
    messages.success(request, message % {"name": webhook.name})
    return HttpResponseRedirect(webhooks_url(project))


def delete_webhook(request, project, webhook_id):
    if refused := post_only(request):
        return refused
    require(request, "manage_webhooks")
    webhook = _webhook(project, webhook_id)
    webhook_delete(webhook=webhook)
    messages.success(
        request,
        gettext(
            "“%(name)s” removed. If nothing else uses it, delete the webhook in your chat "
            "system too."
        )
        % {"name": webhook.name},
    )
    return HttpResponseRedirect(webhooks_url(project))


def test_webhook(request, project, webhook_id):
    """Send a test message now, within the timeout, and say how it went."""
    if refused := post_only(request):
        return refused
    require(request, "manage_webhooks")
    webhook = _webhook(project, webhook_id)
    try:
        send_test_message(webhook)
    except WebhookError as error:
        messages.error(
            request,
            gettext("The test message to “%(name)s” failed: %(error)s Check the address.")
            % {"name": webhook.name, "error": error},
        )
    else:
        messages.success(
            request,
            gettext("Test message sent to “%(name)s”: look for it in the channel.")
            % {"name": webhook.name},
        )
    return HttpResponseRedirect(webhooks_url(project))
