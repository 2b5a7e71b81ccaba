#!/usr/bin/env python
"""Django's command-line utility for Common Ground."""

import os
import sys
from pathlib import Path

# site/ is a source root (config and site-wide apps), not a package: the stdlib owns `site`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
