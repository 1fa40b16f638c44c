"""Check (and with --update, first extract and compile) the site's translations.

    python manage.py translations            # list what is missing; exit status 1 if anything is
    python manage.py translations --update   # extract new strings into the .po files, compile, check

--update needs the gettext tools (Debian: apt-get install gettext); the check does not.
After --update, translate the entries it lists in locale/<language>/LC_MESSAGES/django.po
and run --update again (it compiles django.mo, which is committed with the .po).
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from mentorship.translations import problems

# Everything that is not the site's own code or templates.
IGNORE = [".venv", "venv", "staticfiles", "media", "tests", "bench", "locale", "node_modules", "*.min.js"]


class Command(BaseCommand):
    help = "Check that every string is translated (--update: extract and compile first)."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="Extract strings and compile the catalogues first.")

    def handle(self, *args, update: bool = False, **options):
        languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        if update:
            call_command(
                "makemessages",
                locale=languages,
                ignore_patterns=IGNORE,
                add_location="file",
                no_obsolete=True,
                verbosity=0,
            )
            call_command("compilemessages", locale=languages, ignore_patterns=IGNORE, verbosity=0)
        failed = False
        for language in languages:
            found = problems(language)
            if found:
                failed = True
                self.stdout.write(f"{language}: {len(found)} problem(s)")
                for line in found:
                    self.stdout.write(f"  {line}")
            else:
                self.stdout.write(self.style.SUCCESS(f"{language}: complete"))
        if failed:
            raise CommandError("Some strings are not translated (see above).")
