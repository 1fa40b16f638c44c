"""Load the demo organization, its people and a living cohort.

Safe to run again: every object is looked up by a natural key before it is created,
so a second run changes nothing. Refuses to run on a production configuration
(DJANGO_DEBUG false) unless --force is given, because it creates accounts with a
published password.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mentorship.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = f"Create the demo organization, program, cohort and accounts (password: {DEMO_PASSWORD})."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even when DJANGO_DEBUG is false (never on a real site)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; it refuses to run when "
                "DJANGO_DEBUG is false. Use --force only on a throw-away database."
            )
        with transaction.atomic():
            summary = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        for line in summary:
            self.stdout.write(line)
