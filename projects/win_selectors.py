"""Reading wins for walls, cards and the project page (wins package)."""


def project_wins_context(project, viewer):
    """Context for templates/projects/includes/wins_panel.html."""
    return {}
