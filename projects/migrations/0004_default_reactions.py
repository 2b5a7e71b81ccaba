"""The reactions every installation starts with; administrators change them as snippets."""

from django.db import migrations

DEFAULT_REACTIONS = [
    ("Celebrate", "🎉"),
    ("Applause", "👏"),
    ("Teamwork", "🙌"),
    ("Inspiring", "💡"),
    ("Big step", "🚀"),
]


def add_reactions(apps, schema_editor):
    Reaction = apps.get_model("projects", "Reaction")
    for order, (name, symbol) in enumerate(DEFAULT_REACTIONS):
        Reaction.objects.get_or_create(name=name, defaults={"symbol": symbol, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_wins_updates_webhooks")]

    operations = [migrations.RunPython(add_reactions, migrations.RunPython.noop)]
