"""What the project page shows about status updates and promises (status updates package)."""


def project_status_context(project, access):
    """Context for templates/projects/includes/status_panel.html."""
    return {}
