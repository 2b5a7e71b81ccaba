from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command

from intranet.demo import seed_pages
from intranet.demo_translations import seed_translations
from organisation.demo import seed_organisation
from projects.demo import seed_metrics, seed_projects
from projects.demo_celebrations import seed_celebrations
from projects.demo_pages import seed_home_blocks
from projects.demo_retros import seed_retrospectives
from projects.demo_scale import SCALES, seed_scale

DEMO_PASSWORD = "demo"  # the documented demo logins, never in production  # nosec B105


class Command(BaseCommand):
    help = "Build (or refresh) the demo organisation and intranet. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["demo", *SCALES],
            default="demo",
            help="Also generate a large organisation for the benchmark (quick: a tenth of it).",
        )

    def handle(self, *args, **options):
        demo_logins = getattr(settings, "DEMO_LOGINS", False)
        password = DEMO_PASSWORD if demo_logins else None
        departments, people = seed_organisation(demo_password=password)
        self.stdout.write(f"Organisation: {departments} departments and {people} people created.")
        seed_pages()
        self.stdout.write("Intranet pages published.")
        projects = seed_projects()
        metrics = seed_metrics()
        celebrations = seed_celebrations()
        retrospectives = seed_retrospectives()
        seed_home_blocks()
        self.stdout.write(f"Projects: {projects} created, with {metrics} new shared metrics.")
        self.stdout.write(
            "Project life: "
            + ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in celebrations.items())
            + " created."
        )
        self.stdout.write(
            "Retrospectives: "
            + ", ".join(
                f"{count} {kind.replace('_', ' ')}" for kind, count in retrospectives.items()
            )
            + " created."
        )
        if options["scale"] != "demo":
            self.stdout.write(f"Generating the {options['scale']} organisation:")
            totals = seed_scale(SCALES[options["scale"]], password=password, log=self.stdout.write)
            reused = totals.pop("reused")
            self.stdout.write(
                ("Reused: " if reused else "Generated: ")
                + ", ".join(f"{count:,} {kind.replace('_', ' ')}" for kind, count in totals.items())
            )
        if demo_logins:
            self._ensure_demo_administrator()
        # Last: the Finnish pages copy the blocks every earlier step put on the English ones.
        translated = seed_translations()
        self.stdout.write(f"Finnish translations published for {translated} pages.")

        # Search and the references index must know about everything we just wrote.
        call_command("update_index", verbosity=0)
        call_command("rebuild_references_index", verbosity=0)

        if demo_logins:
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo ready. Log in as demo / demo (administrator), or as any person, "
                    "e.g. maria.nieminen / demo."
                )
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "Demo data ready. Demo logins are only created with development settings."
                )
            )

    def _ensure_demo_administrator(self):
        user, _created = get_user_model().objects.update_or_create(
            username="demo",
            defaults={
                "first_name": "Demo",
                "last_name": "Administrator",
                "email": "demo@commonground.example",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
