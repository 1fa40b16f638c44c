import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cohorts.enums import CohortPhase, EnrollmentStatus
from cohorts.models import Pair, PairEndKind, PairStatus
from questionnaires.enums import Audience, Kind
from showcase.enums import FileKind, TermChoice
from showcase.models import Graduation, Project, Submission, TermChoiceRecord, TermDecision
from showcase.services import graduation as graduation_services
from showcase.services import projects as project_services
from showcase.services import showcase as showcase_services
from showcase.services import terms as term_services
from tests.factories import (
    EnrollmentFactory,
    GraduationSettingsFactory,
    MentorEnrollmentFactory,
    PairFactory,
    ProjectFactory,
    ProjectUpdateFactory,
    QuestionnaireFactory,
    SubmissionFactory,
    UserFactory,
)

from .conftest import held_meetings, make_eligible

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


# --- Projects ----------------------------------------------------------------------------------


def test_project_create_for_an_accepted_mentee(pair):
    project = project_services.project_create(
        enrollment=pair.mentee, title="  Bus delays  ", summary="Open data.", goals=""
    )

    assert (project.title, project.summary, project.enrollment) == ("Bus delays", "Open data.", pair.mentee)


def test_project_create_refuses_a_second_project(project):
    with pytest.raises(ValidationError, match="already have a project"):
        project_services.project_create(enrollment=project.enrollment, title="Another", summary="Again.")

    assert Project.objects.count() == 1


@pytest.mark.parametrize("phase", [CohortPhase.TRAINING, CohortPhase.CLOSED])
def test_project_create_refuses_outside_launch_and_showcase(pair, phase):
    pair.cohort.phase = phase
    pair.cohort.save()

    with pytest.raises(ValidationError, match=r"from launch to the showcase|cohort is closed"):
        project_services.project_create(enrollment=pair.mentee, title="Too early", summary="No.")

    assert Project.objects.count() == 0


def test_project_create_refuses_a_mentor(pair):
    with pytest.raises(ValidationError, match="accepted mentees"):
        project_services.project_create(enrollment=pair.mentor, title="Mine", summary="A mentor's.")


def test_project_create_refuses_blank_title(pair):
    with pytest.raises(ValidationError) as error:
        project_services.project_create(enrollment=pair.mentee, title="   ", summary="Something.")

    assert error.value.message_dict == {"title": ["Give the project a title."]}


def test_progress_update_emails_the_mentor(project, mentor, mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update = project_services.progress_update_post(project=project, by=mentee, text="Deployed it.")

    assert update.author == mentee
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert f"#update-{update.pk}" in mail.outbox[0].body


def test_progress_update_only_by_the_mentee(project, mentor):
    with pytest.raises(ValidationError, match="Only the mentee"):
        project_services.progress_update_post(project=project, by=mentor, text="I did it for her.")


def test_comment_by_the_mentor_emails_the_mentee(project, mentor, mentee, django_capture_on_commit_callbacks):
    update = ProjectUpdateFactory(project=project)

    with django_capture_on_commit_callbacks(execute=True):
        comment = project_services.update_comment_post(update=update, by=mentor, text="Well done.")

    assert comment.author == mentor
    assert [m.to for m in mail.outbox] == [[mentee.email]]


def test_comment_by_the_mentee_emails_the_mentor(project, mentor, mentee, django_capture_on_commit_callbacks):
    update = ProjectUpdateFactory(project=project)

    with django_capture_on_commit_callbacks(execute=True):
        project_services.update_comment_post(update=update, by=mentee, text="Thanks!")

    assert [m.to for m in mail.outbox] == [[mentor.email]]


def test_comment_refused_for_anybody_else(project):
    update = ProjectUpdateFactory(project=project)

    with pytest.raises(ValidationError, match="Only the mentee and their mentor"):
        project_services.update_comment_post(update=update, by=UserFactory(), text="Hello")

    assert update.comments.count() == 0


def test_comment_refused_for_the_mentor_of_an_ended_pair(project, pair):
    pair.status = PairStatus.ENDED
    pair.save()
    update = ProjectUpdateFactory(project=project)

    with pytest.raises(ValidationError):
        project_services.update_comment_post(update=update, by=pair.mentor.user, text="Still here")


def test_milestone_done_keeps_the_first_time(project):
    milestone = project_services.milestone_create(project=project, title="Scope", due_on=datetime.date(2030, 1, 1))
    first = timezone.now() - datetime.timedelta(days=2)

    project_services.milestone_set_done(milestone=milestone, done=True, now=first)
    project_services.milestone_set_done(milestone=milestone, done=True)

    milestone.refresh_from_db()
    assert milestone.done_at == first
    project_services.milestone_set_done(milestone=milestone, done=False)
    milestone.refresh_from_db()
    assert milestone.done_at is None


# --- The showcase and submissions ---------------------------------------------------------------


def test_showcase_save_needs_a_place_or_a_link(cohort, coordinator):
    with pytest.raises(ValidationError) as error:
        showcase_services.showcase_save(
            cohort=cohort, by=coordinator, title="Showcase", starts_at=timezone.now(), location="", video_url=""
        )

    assert "location" in error.value.message_dict


def test_showcase_save_creates_then_updates(cohort, coordinator):
    starts = timezone.now() + datetime.timedelta(days=20)
    first = showcase_services.showcase_save(
        cohort=cohort, by=coordinator, title="Demo day", starts_at=starts, location="Hall"
    )

    second = showcase_services.showcase_save(
        cohort=cohort, by=coordinator, title="Demo day", starts_at=starts, location="Hall", is_public=True
    )

    assert (first.pk, second.is_public, len(second.public_token) >= 30) == (second.pk, True, True)


def test_showcase_save_refused_once_the_cohort_is_closed(cohort, coordinator):
    cohort.phase = CohortPhase.CLOSED
    cohort.save()

    with pytest.raises(ValidationError, match="cohort is closed"):
        showcase_services.showcase_save(
            cohort=cohort, by=coordinator, title="Late", starts_at=timezone.now(), location="Hall"
        )


def test_submission_save_stores_a_png_under_a_random_name(project, showcase, mentee):
    upload = SimpleUploadedFile("../../etc/poster.PNG", PNG, content_type="text/html")

    submission = showcase_services.submission_save(
        project=project, by=mentee, summary="A demo.", allow_public=True, upload=upload
    )

    assert submission.file_kind == FileKind.IMAGE
    assert submission.file_content_type == "image/png"
    assert submission.file_name == "poster.PNG"
    assert submission.file.name.startswith(f"showcase/{showcase.cohort_id}/")
    assert "poster" not in submission.file.name
    assert submission.file.name.endswith(".png")
    assert submission.file.storage.exists(submission.file.name)


def test_submission_save_replaces_and_deletes_the_old_file(
    project, showcase, mentee, django_capture_on_commit_callbacks
):
    first = showcase_services.submission_save(
        project=project, by=mentee, summary="v1", upload=SimpleUploadedFile("a.png", PNG)
    )
    old_name = first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        second = showcase_services.submission_save(
            project=project, by=mentee, summary="v2", upload=SimpleUploadedFile("slides.pdf", PDF)
        )

    assert (second.pk, second.file_kind, second.file_name) == (first.pk, FileKind.PDF, "slides.pdf")
    assert not second.file.storage.exists(old_name)
    assert second.file.storage.exists(second.file.name)


def test_submission_save_refuses_a_disguised_file(project, showcase, mentee):
    upload = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>" + b" " * 40, content_type="image/png")

    with pytest.raises(ValidationError, match="none of them"):
        showcase_services.submission_save(project=project, by=mentee, summary="A demo.", upload=upload)

    assert Submission.objects.count() == 0


def test_submission_save_without_a_showcase(project, mentee):
    with pytest.raises(ValidationError, match="not set up the showcase"):
        showcase_services.submission_save(project=project, by=mentee, summary="A demo.")


def test_submission_save_only_by_the_mentee(project, showcase, mentor):
    with pytest.raises(ValidationError, match="Only the mentee"):
        showcase_services.submission_save(project=project, by=mentor, summary="For her.")


def test_submission_withdraw_renumbers_the_programme_and_deletes_the_file(
    showcase, cohort, django_capture_on_commit_callbacks
):
    first, second, third = (SubmissionFactory(showcase=showcase, position=n) for n in (1, 2, 3))
    mentee = second.project.enrollment.user
    second = showcase_services.submission_save(
        project=second.project, by=mentee, summary="x", upload=SimpleUploadedFile("a.png", PNG)
    )
    name = second.file.name

    with django_capture_on_commit_callbacks(execute=True):
        showcase_services.submission_withdraw(submission=second, by=mentee)

    assert list(showcase.submissions.order_by("position").values_list("pk", "position")) == [
        (first.pk, 1),
        (third.pk, 2),
    ]
    assert not second.file.storage.exists(name)


def test_programme_add_move_and_remove(showcase):
    a, b, c = (SubmissionFactory(showcase=showcase) for _ in range(3))

    for submission in (a, b, c):
        showcase_services.programme_add(submission=submission)
    showcase_services.programme_move(submission=c, direction="up")
    showcase_services.programme_move(submission=a, direction="up")  # already first: nothing moves
    showcase_services.programme_remove(submission=a)

    ordered = list(
        showcase.submissions.filter(position__isnull=False).order_by("position").values_list("pk", "position")
    )
    assert ordered == [(c.pk, 1), (b.pk, 2)]


def test_programme_add_all_keeps_the_order_of_submission(showcase):
    scheduled = SubmissionFactory(showcase=showcase, position=1)
    later = [SubmissionFactory(showcase=showcase) for _ in range(2)]

    added = showcase_services.programme_add_all(showcase=showcase)

    assert added == 2
    assert list(showcase.submissions.order_by("position").values_list("pk", flat=True)) == [
        scheduled.pk,
        *[s.pk for s in later],
    ]


def test_programme_move_refuses_an_unknown_direction(showcase):
    submission = SubmissionFactory(showcase=showcase, position=1)

    with pytest.raises(ValidationError):
        showcase_services.programme_move(submission=submission, direction="sideways")


# --- Graduation -----------------------------------------------------------------------------------


@pytest.fixture
def showcase_phase(cohort):
    cohort.phase = CohortPhase.SHOWCASE
    cohort.save()
    return cohort


def test_pair_graduate_an_eligible_pair(
    pair, showcase, check_in, coordinator, showcase_phase, django_capture_on_commit_callbacks
):
    make_eligible(pair, showcase=showcase, survey=check_in)

    with django_capture_on_commit_callbacks(execute=True):
        graduation = graduation_services.pair_graduate(pair=pair, by=coordinator)

    pair.refresh_from_db()
    assert pair.status == PairStatus.GRADUATED
    assert (graduation.meetings_held, graduation.meetings_required) == (4, 4)
    assert (graduation.project_submitted, graduation.survey_answered, graduation.override_reason) == (True, True, "")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentee.user.email, pair.mentor.user.email])
    assert f"/graduations/{graduation.pk}/certificate/mentee/" in next(
        m.body for m in mail.outbox if m.to == [pair.mentee.user.email]
    )


def test_pair_graduate_refuses_an_ineligible_pair_without_a_reason(
    pair, showcase, check_in, coordinator, showcase_phase
):
    make_eligible(pair, showcase=showcase, survey=check_in, meetings=3)

    with pytest.raises(ValidationError, match="not enough meetings held"):
        graduation_services.pair_graduate(pair=pair, by=coordinator)

    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE
    assert Graduation.objects.count() == 0


def test_pair_graduate_with_a_reason_records_it(pair, coordinator, showcase_phase):
    graduation = graduation_services.pair_graduate(pair=pair, by=coordinator, override_reason="Presented live.")

    assert graduation.override_reason == "Presented live."
    assert (graduation.meetings_held, graduation.project_submitted) == (0, False)


def test_pair_graduate_ignores_the_reason_of_an_eligible_pair(pair, showcase, check_in, coordinator, showcase_phase):
    make_eligible(pair, showcase=showcase, survey=check_in)

    graduation = graduation_services.pair_graduate(pair=pair, by=coordinator, override_reason="Not needed")

    assert graduation.override_reason == ""


def test_pair_graduate_refused_before_the_showcase(pair, coordinator):
    with pytest.raises(ValidationError, match="at the showcase"):
        graduation_services.pair_graduate(pair=pair, by=coordinator, override_reason="Early")

    assert Graduation.objects.count() == 0


def test_pair_graduate_twice_is_refused(pair, coordinator, showcase_phase):
    graduation_services.pair_graduate(pair=pair, by=coordinator, override_reason="Yes")

    with pytest.raises(ValidationError, match="no longer active"):
        graduation_services.pair_graduate(pair=pair, by=coordinator, override_reason="Again")

    assert Graduation.objects.count() == 1


def test_pair_graduate_of_a_pair_with_a_stray_graduation_is_refused_and_changes_nothing(
    pair, coordinator, showcase_phase
):
    Graduation.objects.create(pair=pair, graduated_at=timezone.now())

    with pytest.raises(ValidationError, match="already graduated"):
        graduation_services.pair_graduate(pair=pair, by=coordinator, override_reason="Again")

    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE
    assert Graduation.objects.count() == 1


def test_graduation_follows_the_cohorts_setting(pair, showcase, check_in, coordinator, showcase_phase):
    make_eligible(pair, showcase=showcase, survey=check_in, meetings=2)
    GraduationSettingsFactory(cohort=pair.cohort, min_meetings=2)

    graduation = graduation_services.pair_graduate(pair=pair, by=coordinator)

    assert (graduation.meetings_held, graduation.meetings_required, graduation.override_reason) == (2, 2, "")


def test_the_final_survey_is_the_latest_check_in(pair, showcase, check_in, coordinator, showcase_phase):
    make_eligible(pair, showcase=showcase, survey=check_in)
    QuestionnaireFactory(cohort=pair.cohort, kind=Kind.CHECK_IN, audience=Audience.BOTH, title="Last check-in")

    with pytest.raises(ValidationError, match="final survey"):
        graduation_services.pair_graduate(pair=pair, by=coordinator)


def test_a_chosen_final_survey_wins(pair, showcase, check_in, coordinator, showcase_phase):
    make_eligible(pair, showcase=showcase, survey=check_in)
    QuestionnaireFactory(cohort=pair.cohort, kind=Kind.CHECK_IN, audience=Audience.BOTH, title="Last check-in")
    graduation_services.graduation_settings_save(cohort=pair.cohort, min_meetings=None, final_survey=check_in)

    graduation = graduation_services.pair_graduate(pair=pair, by=coordinator)

    assert graduation.survey_answered is True


def test_graduation_settings_refuse_another_cohorts_survey(cohort):
    foreign = QuestionnaireFactory(kind=Kind.CHECK_IN)

    with pytest.raises(ValidationError) as error:
        graduation_services.graduation_settings_save(cohort=cohort, min_meetings=3, final_survey=foreign)

    assert "final_survey" in error.value.message_dict


def test_pairs_graduate_graduates_the_eligible_and_skips_the_others(
    cohort, showcase, check_in, coordinator, showcase_phase
):
    eligible = make_eligible(PairFactory(cohort=cohort), showcase=showcase, survey=check_in)
    short = PairFactory(cohort=cohort)
    held_meetings(short, 1)
    foreign = PairFactory()

    result = graduation_services.pairs_graduate(
        cohort=cohort, pair_ids=[eligible.pk, short.pk, foreign.pk], by=coordinator
    )

    assert [g.pair for g in result.graduated] == [eligible]
    assert result.skipped == []
    assert result.not_eligible == [
        (
            short,
            "not enough meetings held; no project submitted to the showcase; the final survey is not answered by both",
        )
    ]
    assert list(Pair.objects.filter(status=PairStatus.GRADUATED)) == [eligible]


def test_pairs_graduate_with_a_reason_graduates_all_and_records_it(cohort, coordinator, showcase_phase):
    pairs = [PairFactory(cohort=cohort) for _ in range(3)]

    result = graduation_services.pairs_graduate(
        cohort=cohort, pair_ids=[p.pk for p in pairs], by=coordinator, override_reason="Cohort cut short"
    )

    assert len(result.graduated) == 3
    assert set(Graduation.objects.values_list("override_reason", flat=True)) == {"Cohort cut short"}


def test_graduates_get_the_post_program_survey(cohort, coordinator, showcase_phase):
    """Graduation feeds the questionnaires app: graduates are its post-program recipients."""
    from questionnaires.services.sending import recipients

    graduated, other = PairFactory(cohort=cohort), PairFactory(cohort=cohort)
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.POST_PROGRAM, audience=Audience.BOTH)
    graduation_services.pair_graduate(pair=graduated, by=coordinator, override_reason="Yes")

    assert set(recipients(questionnaire=survey)) == {graduated.mentee, graduated.mentor}
    assert other.mentee not in set(recipients(questionnaire=survey))


# --- End of term ----------------------------------------------------------------------------------


def _matched_pair(cohort, *, days_ago: int):
    return PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_term_choose_records_and_changes_a_choice(cohort):
    pair = _matched_pair(cohort, days_ago=85)
    today = timezone.localdate()

    term_services.term_choose(pair=pair, user=pair.mentee.user, choice=TermChoice.CONTINUE, today=today)
    record = term_services.term_choose(
        pair=pair, user=pair.mentee.user, choice=TermChoice.REMATCH, note="Data engineering", today=today
    )

    assert TermChoiceRecord.objects.count() == 1
    assert (record.choice, record.note) == (TermChoice.REMATCH, "Data engineering")


def test_term_choose_refused_before_the_window(cohort):
    pair = _matched_pair(cohort, days_ago=10)

    with pytest.raises(ValidationError, match="two weeks before"):
        term_services.term_choose(pair=pair, user=pair.mentee.user, choice=TermChoice.END)

    assert TermChoiceRecord.objects.count() == 0


def test_term_choose_refused_for_someone_else(cohort):
    pair = _matched_pair(cohort, days_ago=85)

    with pytest.raises(ValidationError, match="Only the two people"):
        term_services.term_choose(pair=pair, user=UserFactory(), choice=TermChoice.END)


def test_term_choose_refuses_an_unknown_choice(cohort):
    pair = _matched_pair(cohort, days_ago=85)

    with pytest.raises(ValidationError):
        term_services.term_choose(pair=pair, user=pair.mentee.user, choice="elope")


def test_term_decide_continue_keeps_the_pair_and_opens_a_new_term(
    cohort, coordinator, django_capture_on_commit_callbacks
):
    pair = _matched_pair(cohort, days_ago=92)
    today = timezone.localdate()
    new_end = today + datetime.timedelta(days=90)

    with django_capture_on_commit_callbacks(execute=True):
        decision = term_services.term_decide(
            pair=pair, decision=TermChoice.CONTINUE, by=coordinator, new_term_ends_on=new_end, today=today
        )

    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE
    assert decision.new_term_ends_on == new_end
    # The new term has its own choice, not yet open.
    with pytest.raises(ValidationError, match="two weeks before"):
        term_services.term_choose(pair=pair, user=pair.mentee.user, choice=TermChoice.END, today=today)
    assert len(mail.outbox) == 2


def test_term_decide_continue_needs_a_later_end(cohort, coordinator):
    pair = _matched_pair(cohort, days_ago=92)

    with pytest.raises(ValidationError) as error:
        term_services.term_decide(
            pair=pair, decision=TermChoice.CONTINUE, by=coordinator, new_term_ends_on=timezone.localdate()
        )

    assert "new_term_ends_on" in error.value.message_dict
    assert TermDecision.objects.count() == 0


def test_term_decide_rematch_ends_the_pair_and_names_who_asked(cohort, coordinator):
    pair = _matched_pair(cohort, days_ago=85)
    term_services.term_choose(pair=pair, user=pair.mentee.user, choice=TermChoice.REMATCH)

    term_services.term_decide(pair=pair, decision=TermChoice.REMATCH, by=coordinator)

    pair.refresh_from_db()
    assert (pair.status, pair.end_kind, pair.ended_by) == (PairStatus.ENDED, PairEndKind.REMATCH, coordinator)
    assert str(pair.mentee.user) in pair.end_reason
    assert "re-matched" in pair.end_reason
    # Neither has an active pair: the next matching round takes both.
    assert not Pair.objects.filter(status=PairStatus.ACTIVE).exists()


def test_term_decide_end_ends_the_pair(cohort, coordinator):
    pair = _matched_pair(cohort, days_ago=85)

    term_services.term_decide(pair=pair, decision=TermChoice.END, by=coordinator, note="Both are done.")

    pair.refresh_from_db()
    assert (pair.status, pair.end_reason, pair.end_kind) == (PairStatus.ENDED, "Both are done.", PairEndKind.END)


def test_term_decide_twice_is_refused(cohort, coordinator):
    pair = _matched_pair(cohort, days_ago=85)
    term_services.term_decide(pair=pair, decision=TermChoice.END, by=coordinator)

    with pytest.raises(ValidationError, match="no longer active"):
        term_services.term_decide(pair=pair, decision=TermChoice.REMATCH, by=coordinator)

    assert TermDecision.objects.count() == 1


def test_term_choice_after_a_decision_is_refused(cohort, coordinator):
    pair = _matched_pair(cohort, days_ago=92)
    today = timezone.localdate()
    term_services.term_decide(
        pair=pair,
        decision=TermChoice.CONTINUE,
        by=coordinator,
        new_term_ends_on=today + datetime.timedelta(days=5),
        today=today,
    )

    # The next term's window is open already (it ends in five days): choosing is fine again.
    record = term_services.term_choose(pair=pair, user=pair.mentor.user, choice=TermChoice.END, today=today)

    assert record.term_ends_on == today + datetime.timedelta(days=5)


def test_term_reminders_go_once_to_those_who_have_not_chosen(cohort, django_capture_on_commit_callbacks):
    due = _matched_pair(cohort, days_ago=85)
    _matched_pair(cohort, days_ago=10)
    term_services.term_choose(pair=due, user=due.mentor.user, choice=TermChoice.CONTINUE)

    with django_capture_on_commit_callbacks(execute=True):
        sent = term_services.term_reminders_send()
        again = term_services.term_reminders_send()

    assert (sent, again) == (1, 0)
    assert [m.to for m in mail.outbox] == [[due.mentee.user.email]]


def test_term_reminders_skip_decided_and_closed(cohort, coordinator, django_capture_on_commit_callbacks):
    decided = _matched_pair(cohort, days_ago=85)
    term_services.term_decide(pair=decided, decision=TermChoice.END, by=coordinator)
    closed = _matched_pair(EnrollmentFactory(cohort__phase=CohortPhase.CLOSED).cohort, days_ago=85)

    with django_capture_on_commit_callbacks(execute=True):
        sent = term_services.term_reminders_send()

    assert sent == 0
    assert closed.status == PairStatus.ACTIVE
    assert mail.outbox == []


def test_a_withdrawn_mentee_keeps_no_project_rights(cohort):
    pair = PairFactory(cohort=cohort, mentee=EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN))

    with pytest.raises(ValidationError):
        project_services.project_create(enrollment=pair.mentee, title="Mine", summary="Still?")


def test_project_of_a_mentor_with_two_mentees(cohort):
    mentor = MentorEnrollmentFactory(cohort=cohort)
    first = PairFactory(cohort=cohort, mentor=mentor)
    second = PairFactory(cohort=cohort, mentor=mentor)
    a, b = ProjectFactory(enrollment=first.mentee), ProjectFactory(enrollment=second.mentee)
    update = ProjectUpdateFactory(project=b)

    comment = project_services.update_comment_post(update=update, by=mentor.user, text="Good")

    assert comment.update.project == b
    assert a.updates.count() == 0
