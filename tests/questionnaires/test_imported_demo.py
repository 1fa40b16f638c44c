import pytest
from django.core.management import call_command

from cohorts.models import Enrollment, ImportJob, Invitation
from questionnaires.demo import IMPORTED_COHORT_NAME
from questionnaires.enums import ResponseStatus
from questionnaires.models import Response
from questionnaires.selectors import matching_answers

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_imported_cohort_some_of_whom_have_not_signed_in(settings):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    job = ImportJob.objects.get(cohort__name=IMPORTED_COHORT_NAME)
    enrollments = Enrollment.objects.filter(cohort=job.cohort).select_related("user")
    assert (job.status, job.invited_count, job.skipped_count, len(job.answer_problems)) == ("succeeded", 8, 0, 1)
    assert enrollments.count() == 8
    signed_in = sorted(e.user.email for e in enrollments if e.user.last_login is not None)
    assert signed_in == ["imani.mwangi@partner.demo.test", "lina.haddad@partner.demo.test"]
    assert sum(not e.user.has_usable_password() for e in enrollments) == 6
    assert Invitation.objects.filter(cohort=job.cohort, status="accepted").count() == 2
    assert Response.objects.filter(enrollment__cohort=job.cohort, status=ResponseStatus.SUBMITTED).count() == 7
    assert len(matching_answers(cohort=job.cohort)) == 7
