"""`manage.py import_org FILE.csv`: departments and people from an HR export.

The work happens in organisation.importer; this command only reads options and prints.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisation.importer import OrgImportError, import_org


class Command(BaseCommand):
    @property
    def help(self):
        # A property, translated when the parser is built: argparse cannot wrap lazy strings.
        return gettext(
            "Create or update departments and people from a CSV file (UTF-8, header row). "
            "Nothing is written unless every row is valid."
        )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path, help=_("The CSV file to import."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and list what would change, without writing anything."),
        )

    def handle(self, *args, csv_file, dry_run, verbosity, **options):
        try:
            result = import_org(path=csv_file, dry_run=dry_run)
        except OrgImportError as error:
            raise CommandError(str(error)) from error

        # A dry run is for seeing what would change, so it lists the changes by default.
        if verbosity >= 2 or (dry_run and verbosity >= 1):
            for change in result.changes:
                self.stdout.write(change)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(result.summary))
