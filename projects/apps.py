from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Joint projects")

    def ready(self):
        from . import collaboration  # noqa: F401  connects the signals that refresh the map
