#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from core.history import Via, recording

    # What a command or `manage.py shell` writes is recorded as made on the
    # command line (by the `by` of the services it calls; core.history).
    with recording(via=Via.SHELL):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
