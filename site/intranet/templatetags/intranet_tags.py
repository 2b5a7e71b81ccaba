from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from intranet.page_languages import reader_content_language, reads_default_language

register = template.Library()

# Sections of the intranet that are views rather than pages, shown after the page menu.
DIRECTORY_LINKS = [
    (_("Wins"), "projects:wins"),
    (_("People"), "organisation:people"),
    (_("Departments"), "organisation:departments"),
]


@register.inclusion_tag("intranet/includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    request = context["request"]
    site = Site.find_for_request(request)
    current_path = request.path
    items = []
    if site is not None:
        root = site.root_page
        items.append({"title": _("Home"), "url": "/", "active": current_path == "/"})
        menu_pages = list(root.get_children().live().in_menu())
        titles = _titles_in_active_language(menu_pages)
        for page in menu_pages:
            # Translations live at the same address, so the English page's URL serves both.
            url = page.get_url(request=request)
            title = titles.get(page.translation_key, page.title)
            items.append({"title": title, "url": url, "active": current_path.startswith(url)})
    for title, url_name in DIRECTORY_LINKS:
        url = reverse(url_name)
        items.append({"title": title, "url": url, "active": current_path.startswith(url)})
    return {"items": items, "request": request}


def _titles_in_active_language(pages):
    """Titles of the live translations of `pages` in the reader's language, by translation key.

    One query for the whole menu; empty when the reader reads the default language.
    """
    if not pages:
        return {}
    if reads_default_language():
        return {}
    translations = (
        Page.objects.live()
        .filter(
            translation_key__in=[page.translation_key for page in pages],
            locale__language_code=reader_content_language(),
        )
        .values_list("translation_key", "title")
    )
    return dict(translations)


@register.inclusion_tag("intranet/includes/avatar.html")
def avatar(person, size="small"):
    """A person's photo, or their initials on their department's colour when there is none."""
    return {"person": person, "size": size}
