"""The formats every installation starts with; editors add their own as snippets."""

from django.db import migrations

DEFAULT_FORMATS = [
    (
        "Went well / To improve / Actions",
        "The classic: celebrate, name what hurt, decide what changes.",
        [
            ("Went well", "What should we keep doing?"),
            ("To improve", "What slowed us down or frustrated us?"),
            ("Actions", "What will we do differently, and who takes it?"),
        ],
    ),
    (
        "Start / Stop / Continue",
        "Sort ideas by what the team should change in how it works.",
        [
            ("Start", "What should we begin doing?"),
            ("Stop", "What should we stop doing?"),
            ("Continue", "What works and should stay?"),
        ],
    ),
    (
        "4Ls",
        "Liked, Learned, Lacked, Longed for: good for looking back on a longer stretch.",
        [
            ("Liked", "What did you enjoy?"),
            ("Learned", "What did you learn?"),
            ("Lacked", "What was missing?"),
            ("Longed for", "What did you wish for?"),
        ],
    ),
    (
        "Succeeded / Failed / Learned / Next",
        "Outcome-focused: what worked, what did not, and what comes next.",
        [
            ("Succeeded", "What did we achieve?"),
            ("Failed", "What did not work?"),
            ("Learned", "What do we know now?"),
            ("Next", "What do we try next?"),
        ],
    ),
]


def add_formats(apps, schema_editor):
    RetroFormat = apps.get_model("projects", "RetroFormat")
    RetroFormatColumn = apps.get_model("projects", "RetroFormatColumn")
    for name, description, columns in DEFAULT_FORMATS:
        retro_format, created = RetroFormat.objects.get_or_create(
            name=name, defaults={"description": description}
        )
        if created:
            for order, (title, prompt) in enumerate(columns):
                RetroFormatColumn.objects.create(
                    format=retro_format, title=title, prompt=prompt, sort_order=order
                )


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_retrospectives")]

    operations = [migrations.RunPython(add_formats, migrations.RunPython.noop)]
