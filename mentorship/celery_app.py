import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

# Tasks run unscoped (mentorship.tenancy): queued by services that checked the scope, they
# load their rows by id, and the periodic ones go over every organization.
app = Celery("mentorship", task_cls="mentorship.scopes:UnscopedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def _record_periodic_run(sender=None, task=None, retval=None, state=None, **_kwargs):
    """Periodic tasks leave a trace of their last run, which the cohort page shows."""
    from .periodic import periodic_run_record, periodic_task_names  # noqa: PLC0415 -- Django is ready here

    if task is not None and task.name in periodic_task_names():
        periodic_run_record(task=task.name, succeeded=state == "SUCCESS", result=retval)
