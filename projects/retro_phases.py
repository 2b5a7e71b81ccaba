"""What the board shows in each phase, beyond the columns and items every phase shares.

The board view calls `phase_context(retro, access)`; each phase's part lives with the work
that owns it (the opening review, the discussion and actions, the closed summary).
"""

from .retro_review import review_context as opening_review


def review_context(retro, access):
    """The opening review: open actions from earlier retrospectives with the movement of the
    metrics they were linked to, and wins and metric movement since the last retrospective."""
    return opening_review(retro, access)


def discussion_context(retro, access):
    """Discuss and actions: items by votes with their notes, the action form, the actions.

    A fixed number of queries: the items, notes and vote counts (3), the actions (1) and, for
    facilitators, the action form's projects, members and metrics (3).
    """
    from .retro_closing_forms import ActionForm, CloseForm, NoteForm, action_choices
    from .retro_summary import ranked_items, retro_actions

    items = ranked_items(retro)
    can_add_actions = access.can_add_actions
    return {
        "ranked_items": items,
        "retro_actions": retro_actions(retro),
        "note_form": NoteForm() if access.can_take_notes else None,
        "action_form": (
            ActionForm(choices=action_choices(retro, items)) if can_add_actions else None
        ),
        "close_form": CloseForm() if access.can_close and retro.phase == "actions" else None,
    }


def closed_context(retro, access):
    """The published summary (six queries, see projects.retro_summary)."""
    from .retro_summary import retro_summary

    return {"summary": retro_summary(retro, access.user), "can_export": access.can_export}


PHASE_CONTEXT = {
    "review": review_context,
    "discuss": discussion_context,
    "actions": discussion_context,
    "closed": closed_context,
}


def phase_context(retro, access):
    provider = PHASE_CONTEXT.get(retro.phase)
    return provider(retro, access) if provider else {}
