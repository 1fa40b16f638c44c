"""The CSV import with application answers: a form service's export of 100 people, mapped to
the cohort's application questions, placed in the cohort with their answers before they
sign in."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from cohorts.enums import EnrollmentStatus
from cohorts.models import Enrollment, ImportJob, ImportUpload, Invitation
from cohorts.services import imports
from cohorts.services.import_answers import (
    extra_columns,
    import_preview,
    import_questions,
    import_upload_confirm,
    mapping_guess,
)
from cohorts.services.imports import import_job_retry, import_job_run, import_start
from mentorship.enums import JobStatus
from mentorship.models import User
from questionnaires.enums import ResponseStatus
from questionnaires.models import Answer, Response
from questionnaires.selectors import matching_answers
from questionnaires.services.templating import questionnaire_from_template

pytestmark = pytest.mark.django_db

EXPORT = (Path(__file__).parent / "fixtures" / "form_export_100.csv").read_text(encoding="utf-8")


@pytest.fixture
def applications(cohort):
    return {
        role: questionnaire_from_template(cohort=cohort, template_key=f"{role}_application", by=None)
        for role in ("mentee", "mentor")
    }


def _keys(cohort, mapping):
    by_id = {q.id: q for q in import_questions(cohort)}
    return sorted({(e["header"], by_id[e["question"]].key) for e in mapping})


def upload_export(cohort, coordinator, content=EXPORT):
    upload = import_start(cohort=cohort, by=coordinator, filename="export.csv", content=content)
    assert isinstance(upload, ImportUpload)
    return upload


def test_the_columns_are_guessed_from_their_headers(cohort, coordinator, applications):
    upload = upload_export(cohort, coordinator)

    columns = extra_columns(upload.content)
    mapping = mapping_guess(columns, import_questions(cohort))

    assert [c.header for c in columns][:2] == ["Timestamp", "Career track"]
    assert _keys(cohort, mapping) == [
        ("Career track", "career_track"),
        ("Country", "country"),
        ("Department", "department"),
        ("Focus areas", "focus"),
        ("Goals for the program", "program_goals"),
        ("Hours per month", "hours_per_month"),
        ("Meeting times", "meeting_times"),
        ("Team / sub-department", "sub_department"),
        ("Time zone", "time_zone"),
        ("Values (choose up to three)", "values"),
        ("Years of experience", "years_experience"),
    ]
    # One mapping per column and questionnaire: mentors' and mentees' questions both fed.
    assert len(mapping) == 22


def test_the_preview_shows_the_first_rows_and_every_row_that_does_not_fit(cohort, coordinator, applications):
    upload = upload_export(cohort, coordinator)
    mapping = mapping_guess(extra_columns(upload.content), import_questions(cohort))

    preview = import_preview(cohort=cohort, content=upload.content, mapping=mapping)

    assert (preview.total_rows, len(preview.rows), preview.duplicates) == (100, 5, [])
    first = preview.rows[0]
    assert (first.row, first.name, first.email, first.role) == (
        2,
        "Ana García",
        "person000@forms.example.org",
        "mentor",
    )
    cells = {header: text for header, text, bad in first.cells}
    assert (
        cells["Goals for the program"]
        == "Grow in backend engineering.\nThen lead a small project,\nand present it at the showcase."
    )
    # Several choices separated by semicolons, shown in the form's order.
    assert cells["Values (choose up to three)"] == "Diversity and inclusion; Leadership; Community and open source"
    assert cells["Country"] == "Spain"
    assert [(p["row"], p["reason"]) for p in preview.problems] == [
        (
            9,
            "“Career track”: “Astrology” is not one of the choices (Backend engineering, Frontend engineering, "
            "Mobile engineering, Data science and machine learning, Infrastructure, DevOps and SRE, Security, "
            "Product management, Design and UX, Quality and testing, Engineering management).",
        ),
        (13, "“Years of experience”: Enter a number."),
        (25, "“Values (choose up to three)”: Choose at most 3 options."),
        (43, "“Time zone”: Choose a time zone from the list."),
        (
            60,
            "“Meeting times”: “Lunchtime” is not one of the choices (Weekday mornings, Weekday afternoons, "
            "Weekday evenings, Weekends).",
        ),
        (79, "“not-an-address” is not a valid email address."),
    ]
    assert (ImportJob.objects.count(), Invitation.objects.count(), Enrollment.objects.count()) == (0, 0, 0)


def test_importing_the_export_places_everyone_with_their_answers(
    cohort, coordinator, applications, django_capture_on_commit_callbacks
):
    upload = upload_export(cohort, coordinator)
    mapping = mapping_guess(extra_columns(upload.content), import_questions(cohort))

    with django_capture_on_commit_callbacks(execute=True):
        job = import_upload_confirm(upload=upload, mapping=mapping, by=coordinator)
    job.refresh_from_db()

    assert (job.status, job.total_rows, job.invited_count, job.skipped_count) == (JobStatus.SUCCEEDED, 100, 99, 1)
    assert [p["row"] for p in job.skipped_problems] == [79]
    assert [p["row"] for p in job.answer_problems] == [9, 13, 25, 43, 60]
    assert job.answer_problems[0]["reason"].startswith("Invited without these answers: “Career track”: “Astrology”")
    assert ImportUpload.objects.count() == 0
    enrollments = Enrollment.objects.filter(cohort=cohort)
    assert enrollments.count() == 99
    assert set(enrollments.values_list("status", flat=True)) == {EnrollmentStatus.ACCEPTED}
    assert enrollments.filter(role="mentor").count() == 34
    ana = Enrollment.objects.get(user__email="person000@forms.example.org")
    assert (ana.capacity, ana.user.full_name, ana.user.has_usable_password()) == (1, "Ana García", False)
    assert Invitation.objects.get(email="person000@forms.example.org").enrollment == ana
    # Complete answers are submitted (matchable at once); a missing required answer leaves a draft.
    statuses = dict(Response.objects.values_list("enrollment__user__email", "status"))
    assert statuses["person000@forms.example.org"] == ResponseStatus.SUBMITTED
    assert statuses["person007@forms.example.org"] == ResponseStatus.DRAFT
    assert sum(s == ResponseStatus.SUBMITTED for s in statuses.values()) == 94
    answers = {a.question.key: a for a in Answer.objects.filter(response__enrollment=ana).select_related("question")}
    assert (
        answers["program_goals"].value
        == "Grow in backend engineering.\nThen lead a small project,\nand present it at the showcase."
    )
    assert answers["country"].value == "ES"
    assert answers["time_zone"].utc_offset is not None
    assert len(answers["values"].value) == 3
    assert "shoe" not in " ".join(answers)
    hours = Answer.objects.filter(question__key="hours_per_month").values_list("value", flat=True)
    assert 2.5 in set(hours)
    # Matched before they sign in: the matching engine reads their answers.
    matchable = matching_answers(cohort=cohort)
    assert ana.pk in matchable
    assert matchable[ana.pk]["career_track"] == "backend"


def test_a_file_with_answers_must_name_each_person_once(cohort, coordinator, applications):
    content = EXPORT + EXPORT.splitlines(keepends=True)[1]
    upload = upload_export(cohort, coordinator, content)
    mapping = mapping_guess(extra_columns(upload.content), import_questions(cohort))

    with pytest.raises(ValidationError, match=r"lists person000@forms\.example\.org more than once"):
        import_upload_confirm(upload=upload, mapping=mapping, by=coordinator)

    assert (ImportJob.objects.count(), Invitation.objects.count(), User.objects.count()) == (0, 0, 1)
    assert ImportUpload.objects.count() == 1


def test_a_mapping_naming_a_question_twice_is_refused(cohort, coordinator, applications):
    upload = upload_export(cohort, coordinator)
    question = import_questions(cohort)[0]

    with pytest.raises(ValidationError, match="fed by two columns"):
        import_upload_confirm(
            upload=upload,
            mapping=[{"column": 5, "question": question.id}, {"column": 9, "question": question.id}],
            by=coordinator,
        )
    assert ImportJob.objects.count() == 0


def test_files_without_extra_columns_or_questions_are_imported_at_once(cohort, coordinator, applications, program):
    from tests.factories import CohortFactory

    plain = import_start(
        cohort=cohort, by=coordinator, filename="x.csv", content="name,email,role\nA,a@example.org,mentee\n"
    )
    other = CohortFactory(program=program, phase="enrollment")
    no_questions = import_start(cohort=other, by=coordinator, filename="x.csv", content=EXPORT)

    assert isinstance(plain, ImportJob)
    assert isinstance(no_questions, ImportJob)
    assert no_questions.mapping == []


def test_an_import_with_answers_that_dies_half_way_resumes_without_doubles(
    cohort, coordinator, applications, monkeypatch
):
    upload = upload_export(cohort, coordinator)
    mapping = mapping_guess(extra_columns(upload.content), import_questions(cohort))
    job = import_upload_confirm(upload=upload, mapping=mapping, by=coordinator)
    monkeypatch.setattr(imports, "CHUNK", 30)
    real_chunk = imports._run_chunk
    calls = {"n": 0}

    def dying_chunk(job_id, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionError("worker lost")
        return real_chunk(job_id, rows)

    monkeypatch.setattr(imports, "_run_chunk", dying_chunk)
    import_job_run(import_job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, Enrollment.objects.count()) == (JobStatus.FAILED, 60, 60)

    monkeypatch.setattr(imports, "_run_chunk", real_chunk)
    import_job_retry(job=job)
    import_job_run(import_job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.invited_count) == (JobStatus.SUCCEEDED, 100, 99)
    assert (Enrollment.objects.count(), Invitation.objects.count(), Response.objects.count()) == (99, 99, 99)
    assert User.objects.filter(email__endswith="@forms.example.org").count() == 99
