import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cohorts.models import ImportJob, Invitation
from cohorts.services import imports
from cohorts.services.imports import import_job_create, import_job_retry, import_job_run
from mentorship.enums import JobStatus
from mentorship.jobs import job_claim

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = """name,email,role,capacity
Ada Lovelace,ada@example.org,mentor,2
Grace Hopper,grace@example.org,mentee,
No Email,,mentee,
Bad Role,bad@example.org,boss,
Too Many,many@example.org,mentor,9
Mentee Capacity,mc@example.org,mentee,2
Not A Number,nan@example.org,mentor,two
Ada Again,ADA@example.org,mentor,1
Rita Reviewer,rita@example.org,subcommittee,
"""


def run(cohort, coordinator, content, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(cohort=cohort, by=coordinator, filename="people.csv", content=content)
    job.refresh_from_db()
    return job


def test_import_invites_good_rows_and_reports_each_bad_row(cohort, coordinator, django_capture_on_commit_callbacks):
    job = run(cohort, coordinator, GOOD_AND_BAD, django_capture_on_commit_callbacks)

    assert (job.status, job.total_rows, job.processed_rows) == (JobStatus.SUCCEEDED, 9, 9)
    assert (job.invited_count, job.skipped_count) == (3, 6)
    assert sorted(Invitation.objects.values_list("email", "role", "capacity")) == [
        ("ada@example.org", "mentor", 2),
        ("grace@example.org", "mentee", None),
        ("rita@example.org", "subcommittee", None),
    ]
    assert [(p["row"], p["reason"]) for p in job.problems] == [
        (4, "“” is not a valid email address."),
        (5, "Role must be mentor, mentee or subcommittee, not “boss”."),
        (6, "Capacity must be between 1 and 3."),
        (7, "Only mentors have a capacity."),
        (8, "Capacity must be a whole number, not “two”."),
        (9, "ada@example.org has already been invited."),
    ]
    assert len(mail.outbox) == 3


def test_reimporting_the_same_file_invites_nobody_twice(cohort, coordinator, django_capture_on_commit_callbacks):
    run(cohort, coordinator, GOOD_AND_BAD, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    again = run(cohort, coordinator, GOOD_AND_BAD, django_capture_on_commit_callbacks)

    assert (again.invited_count, again.skipped_count) == (0, 9)
    assert Invitation.objects.count() == 3
    assert mail.outbox == []
    assert sum(p["duplicate"] for p in again.problems) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty."),
        ("email,role\na@example.org,mentee\n", "missing: name"),
        ("name,email,role\n", "header but no people"),
    ],
)
def test_unusable_file_is_refused_at_once(cohort, coordinator, content, message):
    with pytest.raises(ValidationError, match=message):
        import_job_create(cohort=cohort, by=coordinator, filename="x.csv", content=content)

    assert ImportJob.objects.count() == 0


def test_header_aliases_and_column_order(cohort, coordinator, django_capture_on_commit_callbacks):
    job = run(
        cohort,
        coordinator,
        "\ufeffRole,E-mail,Full name\nmentee,x@example.org,X Y\n",
        django_capture_on_commit_callbacks,
    )

    assert job.invited_count == 1
    assert Invitation.objects.get().full_name == "X Y"


def test_running_a_job_twice_does_nothing_the_second_time(cohort, coordinator, django_capture_on_commit_callbacks):
    job = run(cohort, coordinator, GOOD_AND_BAD, django_capture_on_commit_callbacks)

    assert import_job_run(import_job_id=job.pk) is None
    assert Invitation.objects.count() == 3


def test_only_one_worker_claims_a_job(cohort, coordinator):
    job = import_job_create(cohort=cohort, by=coordinator, filename="x.csv", content=GOOD_AND_BAD)

    assert job_claim(ImportJob, job.pk) is True
    assert job_claim(ImportJob, job.pk) is False


def test_job_that_dies_half_way_resumes_where_it_stopped(cohort, coordinator, monkeypatch):
    content = "name,email,role\n" + "".join(f"P{i},p{i}@example.org,mentee\n" for i in range(5))
    job = import_job_create(cohort=cohort, by=coordinator, filename="x.csv", content=content)
    monkeypatch.setattr(imports, "CHUNK", 2)
    real_chunk = imports._run_chunk
    calls = {"n": 0}

    def dying_chunk(job_id, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("database went away")
        return real_chunk(job_id, rows)

    monkeypatch.setattr(imports, "_run_chunk", dying_chunk)
    import_job_run(import_job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, Invitation.objects.count()) == (JobStatus.FAILED, 2, 2)
    assert job.failure == "database went away"

    monkeypatch.setattr(imports, "_run_chunk", real_chunk)
    import_job_retry(job=job)
    import_job_run(import_job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.invited_count) == (JobStatus.SUCCEEDED, 5, 5)
    assert Invitation.objects.count() == 5


def test_a_stale_running_job_can_be_claimed_again(cohort, coordinator):
    import datetime

    from django.utils import timezone

    job = import_job_create(cohort=cohort, by=coordinator, filename="x.csv", content=GOOD_AND_BAD)
    job_claim(ImportJob, job.pk)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=10))

    assert job_claim(ImportJob, job.pk) is True


def test_retry_only_failed_or_stalled_jobs(cohort, coordinator, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    finished = run(cohort, coordinator, GOOD_AND_BAD, django_capture_on_commit_callbacks)
    running = import_job_create(cohort=cohort, by=coordinator, filename="x.csv", content=GOOD_AND_BAD)
    job_claim(ImportJob, running.pk)

    with pytest.raises(ValidationError, match="Only a failed or stalled import"):
        import_job_retry(job=finished)
    with pytest.raises(ValidationError, match="Only a failed or stalled import"):
        import_job_retry(job=running)
    ImportJob.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=10))
    running.refresh_from_db()
    assert running.is_stalled is True
    assert import_job_retry(job=running).status == JobStatus.QUEUED


def test_a_row_the_database_refuses_is_reported_and_the_rest_imported(
    cohort, coordinator, django_capture_on_commit_callbacks
):
    long_email = "a" * 250 + "@example.org"
    content = f"name,email,role\nLong,{long_email},mentee\nFine,fine@example.org,mentee\n"

    job = run(cohort, coordinator, content, django_capture_on_commit_callbacks)

    assert (job.status, job.invited_count, job.skipped_count) == (JobStatus.SUCCEEDED, 1, 1)
    assert job.problems[0]["reason"] == f"“{long_email}” is not a valid email address."
    assert list(Invitation.objects.values_list("email", flat=True)) == ["fine@example.org"]


def _people_csv(n: int, start: int = 0) -> str:
    return "name,email,role\n" + "".join(f"P{i},p{i}@example.org,mentee\n" for i in range(start, start + n))


def test_a_chunk_costs_the_same_queries_for_3_and_30_rows(cohort, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for start, n in ((0, 3), (100, 30)):
        job = import_job_create(cohort=cohort, by=coordinator, filename="x.csv", content=_people_csv(n, start))
        with CaptureQueriesContext(connection) as queries:
            import_job_run(import_job_id=job.pk)
        job.refresh_from_db()
        assert (job.status, job.invited_count) == (JobStatus.SUCCEEDED, n)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_invitation_emails_are_handed_over_in_one_keyed_batch_per_chunk(
    cohort, coordinator, django_capture_on_commit_callbacks
):
    from mentorship.models import SentEmail

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = import_job_create(cohort=cohort, by=coordinator, filename="x.csv", content=_people_csv(3))

    job.refresh_from_db()
    tokens = sorted(Invitation.objects.values_list("token", flat=True))
    assert job.invited_count == 3
    assert sorted(SentEmail.objects.values_list("key", flat=True)) == sorted(f"invitation:{t}" for t in tokens)
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    # The job, then one mail task for the chunk's three emails.
    assert len(callbacks) == 2


def test_a_withdrawn_invitation_is_sent_anew_by_an_import(cohort, coordinator, django_capture_on_commit_callbacks):
    from cohorts.enums import InvitationStatus
    from cohorts.services.invitations import invitation_create, invitation_revoke

    old = invitation_create(cohort=cohort, email="p0@example.org", role="mentee", by=coordinator)
    invitation_revoke(invitation=old)
    mail.outbox.clear()

    job = run(cohort, coordinator, _people_csv(2), django_capture_on_commit_callbacks)

    renewed = Invitation.objects.get(email="p0@example.org")
    assert (job.invited_count, job.skipped_count) == (2, 0)
    assert (renewed.status, renewed.import_job_id) == (InvitationStatus.PENDING, job.pk)
    assert renewed.token != old.token
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org"]


def test_people_already_in_the_cohort_are_reported_not_invited(cohort, coordinator, django_capture_on_commit_callbacks):
    from tests.factories import EnrollmentFactory

    EnrollmentFactory(cohort=cohort, user__email="p1@example.org")

    job = run(
        cohort, coordinator, _people_csv(3) + "P0 twice,P0@example.org,mentor\n", django_capture_on_commit_callbacks
    )

    assert (job.invited_count, job.skipped_count) == (2, 2)
    assert [(p["row"], p["reason"], p["duplicate"]) for p in job.problems] == [
        (3, "p1@example.org is already in this cohort.", True),
        (5, "p0@example.org has already been invited.", True),
    ]
