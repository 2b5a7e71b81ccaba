"""Page translation in the admin: intranet pages may be translated, projects never.

Wagtail's simple translation offers "Translate" on every page. Project pages must stay single:
memberships, wins and retrospectives point at their ids, and a Finnish copy would show twice
in every project list. This view takes the place of simple translation's page view (same
address, registered first) and refuses project pages.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.contrib.simple_translation.views import SubmitPageTranslationView
from wagtail.models import Page

from .models import IntranetPage


def is_translatable(page) -> bool:
    """Intranet pages (home and standard pages) are translated; projects and others are not."""
    return issubclass(page.specific_class, IntranetPage)


class IntranetPageTranslationView(SubmitPageTranslationView):
    def dispatch(self, request, *args, **kwargs):
        page = Page.objects.filter(pk=kwargs["page_id"]).first()
        if page is not None and not page.is_root() and not is_translatable(page):
            messages.error(
                request,
                _(
                    "Projects are not translated: they are shared by everyone in one version. "
                    "Only intranet pages such as guides and the home page can be translated."
                ),
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        form = super().get_form()
        # Pages below may be projects, which stay untranslated: translate pages one by one.
        # A disabled field ignores whatever a request sends for it.
        include_subtree = form.fields["include_subtree"]
        include_subtree.disabled = True
        include_subtree.widget = forms.HiddenInput()
        return form


@hooks.register("register_admin_urls")
def register_page_translation_url():
    # Same address as simple translation's own view: this app's hooks load first, so this
    # pattern answers, and simple translation's buttons and links lead here unchanged.
    return [
        path(
            "translation/submit/page/<int:page_id>/",
            IntranetPageTranslationView.as_view(),
            name="intranet_submit_page_translation",
        )
    ]
