from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

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
        for page in root.get_children().live().in_menu():
            url = page.get_url(request=request)
            items.append({"title": page.title, "url": url, "active": current_path.startswith(url)})
    for title, url_name in DIRECTORY_LINKS:
        url = reverse(url_name)
        items.append({"title": title, "url": url, "active": current_path.startswith(url)})
    return {"items": items, "request": request}


@register.inclusion_tag("intranet/includes/avatar.html")
def avatar(person, size="small"):
    """A person's photo, or their initials on their department's colour when there is none."""
    return {"person": person, "size": size}
