#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccc_portal.settings")
    # manage.py is a developer's tool first: without DEBUG in the environment it runs on the
    # embedded defaults. Production sets DEBUG=0 (and its SECRET_KEY) in the environment, which
    # this does not override; gunicorn and Celery never get this default.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
