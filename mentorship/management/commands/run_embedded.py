"""Serve the app with a real Celery worker and beat, for `make run`: three processes that
start together and stop together (Ctrl-C, or any one of them ending)."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the development server, a Celery worker and beat together; Ctrl-C stops all three."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError("Set CELERY_BROKER_URL (for example filesystem://) so that the worker has a broker.")
        python = sys.executable
        commands = {
            "worker": [python, "-m", "celery", "-A", "mentorship", "worker", "--loglevel", "INFO", "--concurrency", "2"],
            "beat": [python, "-m", "celery", "-A", "mentorship", "beat", "--loglevel", "INFO"],
            "web": [python, "manage.py", "runserver", addrport],
        }
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}
        self.stdout.write(f"Started {', '.join(f'{n} (pid {p.pid})' for n, p in processes.items())}.")
        try:
            while all(p.poll() is None for p in processes.values()):
                time.sleep(0.5)
            ended = next(n for n, p in processes.items() if p.poll() is not None)
            self.stderr.write(f"The {ended} process ended; stopping the others.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping the server, the worker and beat…")
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
