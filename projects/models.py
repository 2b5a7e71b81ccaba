"""Joint projects: filled by the joint-project issue on top of the organisation directory."""
