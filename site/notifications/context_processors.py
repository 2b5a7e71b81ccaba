def unread_notifications(request):
    """Placeholder: replaced by the notifications work package (a lazy unread count)."""
    return {}
