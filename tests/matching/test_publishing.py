import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts.enums import CohortPhase
from cohorts.models import Enrollment, Pair, PairEndKind, PairStatus
from cohorts.services.pairs import pair_mentee_put_back
from matching.enums import EventKind, PairEndSource, ProposalStatus
from matching.models import MatchRun, PairEnd, Proposal, ProposalEvent, PublishJob
from matching.selectors import criteria_of, round_people
from matching.services import publishing
from matching.services.publishing import matched_pair_end, proposals_publish, publish_job_run, publish_job_start
from matching.services.runs import match_run_start
from matching.services.scoring import criteria_snapshot
from matching.tasks import task_publish
from mentorship.enums import JobStatus
from mentorship.jobs import job_retry
from mentorship.tasks import task_send_emails
from questionnaires.services.responses import response_save
from questionnaires.services.templating import questionnaire_from_template
from tests.factories import (
    DeliveryFactory,
    EnrollmentFactory,
    MatchRunFactory,
    MentorEnrollmentFactory,
    PairFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SNAPSHOT = [
    {"key": "career_track", "label": "Career track", "kind": "same", "weight": 5, "hard": False},
    {"key": "geography", "label": "Geography", "kind": "distance", "weight": 3, "hard": False},
    {"key": "values", "label": "Values", "kind": "overlap", "weight": 2, "hard": False},
]


@pytest.fixture
def approved(cohort):
    proposal = ProposalFactory(
        run__cohort=cohort,
        run__criteria=SNAPSHOT,
        cohort=cohort,
        status=ProposalStatus.APPROVED,
        mentee__user=UserFactory(full_name="Ada Mentee", email="ada@example.test"),
        mentor__user=UserFactory(full_name="Xena Mentor", email="xena@example.test"),
        score=0.74,
        breakdown={"career_track": 0.5, "geography": 0.24, "values": 0.0},
    )
    return proposal


def test_publishing_makes_the_pair_and_tells_both_people(approved, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = proposals_publish(cohort=approved.cohort, by=coordinator)

    approved.refresh_from_db()
    pair = Pair.objects.get()
    assert report.published == [approved]
    assert report.failed == []
    assert approved.pair == pair
    assert (pair.mentee, pair.mentor, pair.status) == (approved.mentee, approved.mentor, PairStatus.ACTIVE)
    assert list(ProposalEvent.objects.values_list("kind", "actor")) == [(EventKind.PUBLISHED, coordinator.pk)]
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.test", "xena@example.test"]
    to_ada = next(m for m in mail.outbox if m.to == ["ada@example.test"])
    assert to_ada.subject == f"Your mentor in {approved.cohort.name}: Xena Mentor"
    assert "You can reach them at xena@example.test." in to_ada.body
    # The reasons: the criteria that added most, best first; a criterion that added nothing is left out.
    assert "- the same answer on “Career track”\n- close on “Geography”\n" in to_ada.body
    assert "Values" not in to_ada.body
    # The link goes to the pair's page, where they meet, not to the cohort.
    pair_link = f"http://127.0.0.1:8000{reverse('meetings:pair-detail', kwargs={'pk': pair.pk})}"
    for message in mail.outbox:
        assert pair_link in message.body
        assert f'href="{pair_link}"' in message.alternatives[0][0]
        assert f"{approved.cohort.get_absolute_url()}\n" not in message.body


def test_the_email_never_names_a_criterion_on_a_sensitive_question(
    cohort, coordinator, django_capture_on_commit_callbacks
):
    snapshot = [
        {"key": "career_track", "label": "Career track", "kind": "same", "weight": 5, "hard": False},
        {"key": "identity", "label": "Gender identity", "kind": "same", "weight": 5, "hard": False, "sensitive": True},
    ]
    ProposalFactory(
        run__cohort=cohort,
        run__criteria=snapshot,
        cohort=cohort,
        status=ProposalStatus.APPROVED,
        score=0.9,
        breakdown={"career_track": 0.4, "identity": 0.5},
    )

    with django_capture_on_commit_callbacks(execute=True):
        proposals_publish(cohort=cohort, by=coordinator)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "- the same answer on “Career track”\n" in message.body
        assert "Gender identity" not in message.body
        assert "Gender identity" not in message.alternatives[0][0]


def test_the_run_snapshot_marks_criteria_on_sensitive_questions(cohort, criteria):
    criterion = criteria[0]
    criterion.mentor_question.sensitive = True
    criterion.mentor_question.save(update_fields=["sensitive"])

    snapshot = criteria_snapshot(criteria_of(cohort=cohort))

    assert [c["sensitive"] for c in snapshot] == [True] + [False] * (len(criteria) - 1)


def test_publishing_twice_creates_nothing_twice(approved, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposals_publish(cohort=approved.cohort, by=coordinator)
        second = proposals_publish(cohort=approved.cohort, by=coordinator)

    assert second.published == []
    assert Pair.objects.count() == 1
    assert len(mail.outbox) == 2


def test_a_pair_that_cannot_be_made_is_reported_and_stops_nobody_else(approved, coordinator, cohort):
    full = MentorEnrollmentFactory(cohort=cohort, capacity=1)
    PairFactory(cohort=cohort, mentor=full)
    blocked = ProposalFactory(run=approved.run, cohort=cohort, mentor=full, status=ProposalStatus.APPROVED)

    report = proposals_publish(cohort=cohort, by=coordinator)

    assert report.published == [approved]
    assert report.failed == [(blocked, f"{full.user} has no capacity left.")]
    blocked.refresh_from_db()
    assert blocked.pair is None


def test_pending_and_rejected_proposals_are_not_published(cohort, coordinator):
    ProposalFactory(run__cohort=cohort, cohort=cohort, status=ProposalStatus.PENDING)
    ProposalFactory(run__cohort=cohort, cohort=cohort, status=ProposalStatus.REJECTED)

    report = proposals_publish(cohort=cohort, by=coordinator)

    assert report.published == []
    assert not Pair.objects.exists()


def test_publishing_needs_a_matching_phase(approved, coordinator):
    approved.cohort.phase = CohortPhase.SHOWCASE

    with pytest.raises(ValidationError):
        proposals_publish(cohort=approved.cohort, by=coordinator)

    assert not Pair.objects.exists()


# --- Ending pairs ------------------------------------------------------------------------


def test_the_coordinator_ends_a_pair_with_a_reason(cohort, coordinator, django_capture_on_commit_callbacks):
    other = UserFactory(email="second-coordinator@example.test")
    cohort.program.organization.memberships.create(user=other, role="coordinator")
    proposal = ProposalFactory(run__cohort=cohort, cohort=cohort, status=ProposalStatus.APPROVED)
    pair = PairFactory(cohort=cohort, mentor=proposal.mentor, mentee=proposal.mentee)
    proposal.pair = pair
    proposal.save()

    with django_capture_on_commit_callbacks(execute=True):
        ending = matched_pair_end(pair=pair, reason="They never met", by=coordinator)
        again = matched_pair_end(pair=pair, reason="Twice", by=coordinator)

    pair.refresh_from_db()
    assert again == ending
    assert (pair.status, pair.end_reason) == (PairStatus.ENDED, "They never met")
    assert (ending.source, ending.ended_by, ending.reason) == (PairEndSource.COORDINATOR, coordinator, "They never met")
    assert list(proposal.events.values_list("kind", "comment")) == [(EventKind.PAIR_ENDED, "They never met")]
    assert [m.to for m in mail.outbox] == [["second-coordinator@example.test"]]


@pytest.fixture
def feedback(cohort):
    cohort.phase = CohortPhase.LAUNCH
    cohort.save()
    questionnaire = questionnaire_from_template(cohort=cohort, template_key="match_feedback", by=None)
    return questionnaire


def answer_feedback(questionnaire, enrollment, good_fit: str, capture):
    DeliveryFactory(questionnaire=questionnaire, enrollment=enrollment)
    questions = {q.key: q for q in questionnaire.questions.all()}
    choice = questions["good_fit"].choices.get(value=good_fit)
    with capture(execute=True):
        return response_save(
            questionnaire=questionnaire,
            enrollment=enrollment,
            answers={questions["good_fit"].pk: str(choice.pk), questions["contact_me"].pk: "no"},
            submit=True,
            revision=0,
        )


def test_not_a_good_fit_ends_the_mentees_pair_and_tells_the_coordinators(
    cohort, coordinator, feedback, django_capture_on_commit_callbacks
):
    pair = PairFactory(cohort=cohort, mentee=EnrollmentFactory(cohort=cohort, user__full_name="Ada Mentee"))

    response = answer_feedback(feedback, pair.mentee, "no", django_capture_on_commit_callbacks)

    pair.refresh_from_db()
    ending = PairEnd.objects.get()
    assert pair.status == PairStatus.ENDED
    assert (ending.source, ending.response, ending.reason) == (
        PairEndSource.FEEDBACK,
        response,
        "Ada Mentee answered that the match is not a good fit.",
    )
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_a_good_fit_changes_nothing(cohort, coordinator, feedback, django_capture_on_commit_callbacks):
    pair = PairFactory(cohort=cohort)

    answer_feedback(feedback, pair.mentee, "yes", django_capture_on_commit_callbacks)

    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE
    assert not PairEnd.objects.exists()


def test_a_mentor_of_several_mentees_saying_no_asks_the_coordinators(
    cohort, coordinator, feedback, django_capture_on_commit_callbacks
):
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=2)
    first, second = PairFactory(cohort=cohort, mentor=mentor), PairFactory(cohort=cohort, mentor=mentor)

    answer_feedback(feedback, mentor, "no", django_capture_on_commit_callbacks)

    assert set(Pair.objects.values_list("status", flat=True)) == {PairStatus.ACTIVE}
    assert not PairEnd.objects.exists()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert first.mentee.user.get_full_name() in mail.outbox[0].body
    assert second.mentee.user.get_full_name() in mail.outbox[0].body


def test_an_ended_pair_sends_both_people_back_into_the_next_round(
    cohort, coordinator, make_person, criteria, django_capture_on_commit_callbacks
):
    ada = make_person("mentee", name="Ada", track="backend", years=1)
    xena = make_person("mentor", name="Xena", track="backend", years=9)
    yara = make_person("mentor", name="Yara", track="data", years=9)
    pair = PairFactory(cohort=cohort, mentee=ada, mentor=xena)
    matched_pair_end(pair=pair, reason="Not a good fit", by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(cohort=cohort, by=coordinator)

    run.refresh_from_db()
    assert [(p.mentee, p.mentor) for p in run.proposals.all()] == [(ada, yara)]


def _round(cohort, coordinator, capture):
    with capture(execute=True):
        run = match_run_start(cohort=cohort, by=coordinator)
    run.refresh_from_db()
    return sorted((p.mentee.user.full_name, p.mentor.user.full_name) for p in run.proposals.all())


def test_an_ended_mentee_stays_out_of_later_rounds_until_put_back(
    cohort, coordinator, make_person, criteria, django_capture_on_commit_callbacks
):
    ada = make_person("mentee", name="Ada", track="backend", years=1)
    make_person("mentee", name="Bea", track="data", years=1)
    xena = make_person("mentor", name="Xena", track="backend", years=9)
    make_person("mentor", name="Yara", track="data", years=9)
    pair = PairFactory(cohort=cohort, mentee=ada, mentor=xena)
    matched_pair_end(pair=pair, reason="Done", by=coordinator, kind=PairEndKind.END)

    while_out = _round(cohort, coordinator, django_capture_on_commit_callbacks)
    Proposal.objects.update(status=ProposalStatus.REJECTED)
    pair_mentee_put_back(pair=pair, by=coordinator)
    back = _round(cohort, coordinator, django_capture_on_commit_callbacks)

    # Xena's seat is free: Bea may have her; Ada is out, then back, never with Xena.
    assert [name for name, _mentor in while_out] == ["Bea"]
    assert ("Ada", "Xena") not in back
    assert [name for name, _mentor in back] == ["Ada", "Bea"]


def test_round_people_leave_out_ended_mentees_and_free_the_mentors_seat(cohort, coordinator):
    ended, rematched = PairFactory(cohort=cohort), PairFactory(cohort=cohort)
    matched_pair_end(pair=ended, reason="Done", by=coordinator, kind=PairEndKind.END)
    matched_pair_end(pair=rematched, reason="Not a fit", by=coordinator, kind=PairEndKind.REMATCH)

    people = round_people(cohort=cohort)

    assert people.mentee_ids == [rematched.mentee_id]
    assert people.ended_out == {ended.mentee_id}
    assert sorted(people.mentor_ids) == sorted([ended.mentor_id, rematched.mentor_id])
    assert people.excluded == {(ended.mentee_id, ended.mentor_id), (rematched.mentee_id, rematched.mentor_id)}


def test_ending_refuses_an_unknown_kind(cohort, coordinator):
    pair = PairFactory(cohort=cohort)

    with pytest.raises(ValidationError):
        matched_pair_end(pair=pair, reason="Done", by=coordinator, kind="vanish")

    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE


# --- Publishing as a background job -----------------------------------------------------


@pytest.fixture
def five_approved(cohort):
    run = ProposalFactory(run__cohort=cohort, run__criteria=SNAPSHOT, cohort=cohort).run
    Proposal.objects.filter(run=run).delete()
    return [
        ProposalFactory(run=run, cohort=cohort, status=ProposalStatus.APPROVED, breakdown={"career_track": 0.5})
        for _ in range(5)
    ]


def test_the_publish_job_publishes_in_batches_and_tells_each_person_once(
    five_approved, cohort, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(publishing, "BATCH", 2)

    with django_capture_on_commit_callbacks(execute=True):
        job = publish_job_start(cohort=cohort, by=coordinator)

    job.refresh_from_db()
    assert (job.status, job.total, job.published_count, job.failed_count) == (JobStatus.SUCCEEDED, 5, 5, 0)
    assert job.cursor == five_approved[-1].pk
    assert Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE).count() == 5
    assert sorted(Proposal.objects.values_list("pair__mentee_id", flat=True)) == sorted(
        p.mentee_id for p in five_approved
    )
    assert ProposalEvent.objects.filter(kind=EventKind.PUBLISHED, actor=coordinator).count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        email for p in five_approved for email in (p.mentee.user.email, p.mentor.user.email)
    )


def test_a_second_publish_is_refused_while_one_runs(five_approved, cohort, coordinator):
    job = publish_job_start(cohort=cohort, by=coordinator)
    PublishJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    with pytest.raises(ValidationError) as error:
        publish_job_start(cohort=cohort, by=coordinator)

    assert error.value.messages == ["Publishing is already under way; wait until it finishes."]
    assert PublishJob.objects.count() == 1


def test_publishing_is_refused_with_nothing_to_publish_or_a_run_under_way(cohort, coordinator, five_approved):
    run = MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING)
    with pytest.raises(ValidationError, match="Wait until the matching run finishes"):
        publish_job_start(cohort=cohort, by=coordinator)
    MatchRun.objects.filter(pk=run.pk).update(status=JobStatus.SUCCEEDED)
    Proposal.objects.update(status=ProposalStatus.PENDING)

    with pytest.raises(ValidationError, match="There is nothing to publish"):
        publish_job_start(cohort=cohort, by=coordinator)

    assert not PublishJob.objects.exists()


def test_a_publish_that_dies_half_way_resumes_and_never_publishes_or_emails_twice(
    five_approved, cohort, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(publishing, "BATCH", 2)
    real_batch = publishing.proposals_publish_batch
    calls = {"n": 0}

    def dies_in_the_second_batch(**kwargs):
        calls["n"] += 1
        report, last = real_batch(**kwargs)
        if calls["n"] == 2:
            raise ConnectionError("the worker went away")
        return report, last

    monkeypatch.setattr(publishing, "proposals_publish_batch", dies_in_the_second_batch)
    with django_capture_on_commit_callbacks(execute=True):
        job = publish_job_start(cohort=cohort, by=coordinator)
    job.refresh_from_db()
    assert (job.status, job.published_count, Pair.objects.count(), len(mail.outbox)) == (JobStatus.FAILED, 2, 2, 4)
    assert job.failure == "Publishing stopped with an error: the worker went away"

    monkeypatch.setattr(publishing, "proposals_publish_batch", real_batch)
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job)
    # The message is delivered once more after it finished: nothing happens.
    with django_capture_on_commit_callbacks(execute=True):
        assert task_publish.apply(kwargs={"publish_job_id": job.pk}).get() is None

    job.refresh_from_db()
    assert (job.status, job.published_count, job.failed_count) == (JobStatus.SUCCEEDED, 5, 0)
    assert Pair.objects.count() == 5
    assert ProposalEvent.objects.filter(kind=EventKind.PUBLISHED).count() == 5
    assert len(mail.outbox) == 10
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 10


def test_a_pair_that_cannot_be_made_is_listed_on_the_job(five_approved, cohort, coordinator):
    full = five_approved[0].mentor
    Enrollment.objects.filter(pk=full.pk).update(capacity=1)
    ProposalFactory(run=five_approved[0].run, cohort=cohort, mentor=full, status=ProposalStatus.APPROVED)

    job = publish_job_start(cohort=cohort, by=coordinator)
    publish_job_run(publish_job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.published_count, job.failed_count) == (JobStatus.SUCCEEDED, 5, 1)
    assert [p["reason"] for p in job.problems] == [f"{full.user} has no capacity left."]


def test_a_mail_batch_delivered_twice_sends_each_keyed_email_once():
    messages = [
        {"to": ["a@example.test"], "key": "k:1", "subject": "One", "body": "1", "html": ""},
        {"to": ["b@example.test"], "key": "k:2", "subject": "Two", "body": "2", "html": "<p>2</p>"},
    ]

    assert task_send_emails.apply(kwargs={"messages": messages}).get() == 2
    assert task_send_emails.apply(kwargs={"messages": messages}).get() == 0

    assert [(m.to, m.subject) for m in mail.outbox] == [(["a@example.test"], "One"), (["b@example.test"], "Two")]


def test_a_mail_batch_that_fails_half_way_gives_back_what_it_did_not_send(monkeypatch):
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    from mentorship.models import SentEmail

    messages = [
        {"to": [f"{n}@example.test"], "key": f"k:{n}", "subject": str(n), "body": "", "html": ""} for n in range(3)
    ]
    real_send = EmailMultiAlternatives.send

    def fails_on_the_second(self, *args, **kwargs):
        if self.subject == "1":
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", fails_on_the_second)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        task_send_emails.run(messages=messages)
    assert list(SentEmail.objects.values_list("key", flat=True)) == ["k:0"]

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    task_send_emails.run(messages=messages)

    assert [m.subject for m in mail.outbox] == ["0", "1", "2"]
