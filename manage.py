#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    # The command line defaults to development, as cookiecutter-django's manage.py does; the
    # served app (wsgi/asgi) and the Celery worker default to production. A real deployment
    # sets DJANGO_DEBUG=false explicitly, which this does not override.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    from django.core.management import execute_from_command_line

    from mentorship.scopes import unscoped

    # Commands are the operator's tools over every organization (migrate, seed_demo, shell):
    # they run unscoped; requests and tasks state their own scope (mentorship.tenancy).
    with unscoped():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
