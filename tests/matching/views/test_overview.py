import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import ParticipantRole
from cohorts.models import Pair, PairStatus
from matching.enums import CriterionKind, ProposalStatus, Threshold
from matching.models import Exclusion, MatchingCriterion, MatchingSettings, MatchRun, PublishJob
from mentorship.enums import JobStatus
from mentorship.jobs import stale_after
from tests.factories import EnrollmentFactory, MatchRunFactory, PairFactory, ProposalFactory

pytestmark = pytest.mark.django_db

MENTEE, MENTOR = ParticipantRole.MENTEE, ParticipantRole.MENTOR


def matching_url(cohort, name="matching-detail", **kwargs):
    return reverse(f"matching:{name}", kwargs={"pk": cohort.pk, **kwargs})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_coordinator_runs_a_round_from_the_matching_page(
    client, cohort, coordinator, criteria, make_person, django_capture_on_commit_callbacks
):
    ada = make_person(MENTEE, name="Ada Lovelace", track="backend", years=1)
    xena = make_person(MENTOR, name="Xena Warrior", track="backend", years=9)
    client.force_login(coordinator)
    page = client.get(matching_url(cohort))
    assert page.context["people"].mentee_ids == [ada.pk]
    assert "Run the first round" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True) as dispatched:
        started = client.post(matching_url(cohort, "run-create"))
    response = client.get(started["Location"])

    run = MatchRun.objects.get()
    assert len(dispatched) == 1
    assert run.status == JobStatus.SUCCEEDED
    assert run.started_by == coordinator
    assert messages_of(response) == ["Round 1 is running; this page shows its progress."]
    assert [(p.mentee, p.mentor) for p in run.proposals.all()] == [(ada, xena)]
    assert response.context["counts"]["pending"] == 1


def test_starting_without_criteria_explains_why(client, cohort, coordinator):
    client.force_login(coordinator)

    response = client.post(matching_url(cohort, "run-create"), follow=True)

    assert messages_of(response) == ["Set up the matching criteria first."]
    assert not MatchRun.objects.exists()


def test_the_page_polls_an_active_run_and_reloads_when_it_finishes(client, cohort, coordinator):
    run = MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING, progress=30, progress_message="Scoring")
    client.force_login(coordinator)
    poll = matching_url(cohort, "run-detail", run_pk=run.pk) + "?poll=1"

    running = client.get(poll, headers={"HX-Request": "true"})
    MatchRun.objects.filter(pk=run.pk).update(status=JobStatus.SUCCEEDED, progress=100)
    done = client.get(poll, headers={"HX-Request": "true"})

    assert f'hx-get="{poll}"' in running.content.decode()
    assert "30% · Scoring" in running.content.decode()
    assert "HX-Refresh" not in running
    assert done["HX-Refresh"] == "true"
    assert "hx-get" not in done.content.decode()


def test_a_stale_run_offers_to_be_marked_failed(client, cohort, coordinator):
    run = MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING)
    MatchRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - stale_after() - datetime.timedelta(minutes=1))
    client.force_login(coordinator)

    page = client.get(matching_url(cohort))
    response = client.post(matching_url(cohort, "run-fail", run_pk=run.pk), follow=True)

    assert "Mark as failed" in page.content.decode()
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert messages_of(response) == ["The run is marked as failed; you can run the round again."]


def test_a_stalled_run_is_queued_again_at_once(client, cohort, coordinator, django_capture_on_commit_callbacks):
    run = MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING, criteria=[], round_number=1)
    MatchRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - stale_after() - datetime.timedelta(seconds=1)
    )
    client.force_login(coordinator)

    page = client.get(matching_url(cohort))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(matching_url(cohort, "run-retry", run_pk=run.pk), follow=True)

    assert "Run this round again now" in page.content.decode()
    assert "Its worker has stopped." in page.content.decode()
    run.refresh_from_db()
    assert (run.status, len(callbacks)) == (JobStatus.QUEUED, 1)
    assert messages_of(response) == ["Round 1 is queued again."]
    again = client.post(matching_url(cohort, "run-retry", run_pk=run.pk), follow=True)
    assert messages_of(again) == ["Only a failed or stalled job can be retried."]


def test_a_viewer_reads_counts_but_no_names(client, cohort, viewer, criteria):
    proposal = ProposalFactory(run__cohort=cohort, cohort=cohort, mentee__user__full_name="Secret Mentee")
    client.force_login(viewer)

    response = client.get(matching_url(cohort))

    assert response.status_code == 200
    assert response.context["counts"]["pending"] == 1
    assert "ended" not in response.context
    assert "Secret Mentee" not in response.content.decode()
    assert "Review the proposals" not in response.content.decode()
    assert proposal.pk


@pytest.mark.parametrize(("who", "shown"), [("viewer", False), ("member", True), ("coordinator", True)])
def test_a_failed_runs_error_is_read_only_by_those_who_see_the_answers(
    client, cohort, viewer, member, coordinator, who, shown
):
    run = MatchRunFactory(
        cohort=cohort, status=JobStatus.FAILED, failure="The run stopped with an error: bad value 'Ada'"
    )
    client.force_login({"viewer": viewer, "member": member, "coordinator": coordinator}[who])

    pages = [client.get(matching_url(cohort)), client.get(run.get_absolute_url())]

    for response in pages:
        assert response.status_code == 200
        assert ("bad value &#x27;Ada&#x27;" in response.content.decode()) is shown
        assert ("the coordinators know why" in response.content.decode()) is not shown


def test_publishing_from_the_page_queues_a_job_and_shows_its_outcome(
    client, cohort, coordinator, django_capture_on_commit_callbacks
):
    approved = ProposalFactory(run__cohort=cohort, cohort=cohort, status=ProposalStatus.APPROVED)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(matching_url(cohort, "publish"), follow=True)
    job = PublishJob.objects.get()
    poll = client.get(job.get_absolute_url() + "?poll=1", headers={"HX-Request": "true"})
    page = client.get(matching_url(cohort))

    assert messages_of(response) == ["Publishing 1 pair has started; this page shows its progress."]
    assert 'hx-get="' + job.get_absolute_url() + '?poll=1"' in response.content.decode()
    approved.refresh_from_db()
    assert approved.pair == Pair.objects.get()
    assert poll["HX-Refresh"] == "true"
    assert "1 pair published; both people were told by email." in page.content.decode()
    assert "Publish 1 approved pair" not in page.content.decode()


def test_the_publishing_status_shows_progress_while_it_runs(client, cohort, coordinator):
    job = PublishJob.objects.create(cohort=cohort, total=1500, published_count=500, status=JobStatus.RUNNING)
    client.force_login(coordinator)

    partial = client.get(job.get_absolute_url() + "?poll=1", headers={"HX-Request": "true"})

    assert "500 of 1500 pairs" in partial.content.decode()
    assert 'value="33"' in partial.content.decode()
    assert "HX-Refresh" not in partial


def test_publishing_waits_for_an_active_run(client, cohort, coordinator):
    ProposalFactory(run__cohort=cohort, cohort=cohort, status=ProposalStatus.APPROVED)
    MatchRunFactory(cohort=cohort, status=JobStatus.RUNNING)
    client.force_login(coordinator)

    response = client.post(matching_url(cohort, "publish"), follow=True)

    assert messages_of(response) == ["Wait until the matching run finishes before publishing."]
    assert not Pair.objects.exists()


def test_ending_a_pair_needs_a_reason(client, cohort, coordinator, objects):
    pair = objects["pair"]
    client.force_login(coordinator)

    refused = client.post(
        matching_url(cohort, "pair-end", pair_pk=pair.pk), {"reason": " ", "kind": "rematch"}, follow=True
    )
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE
    assert messages_of(refused) == ["Say why the pair ends; it is kept on record."]

    ended = client.post(
        matching_url(cohort, "pair-end", pair_pk=pair.pk),
        {"reason": "Moved abroad", "kind": "rematch", "next": "https://evil.example/"},
        follow=True,
    )

    pair.refresh_from_db()
    assert pair.status == PairStatus.ENDED
    assert ended.redirect_chain[-1][0] == matching_url(cohort)
    assert ended.context["ended"] == [pair]


def test_the_coordinator_ends_a_pair_chosen_on_the_matching_page(client, cohort, coordinator, objects, elsewhere):
    pair = objects["pair"]
    foreign = PairFactory(cohort=elsewhere["cohort"])
    client.force_login(coordinator)
    end = matching_url(cohort, "pair-end-choose")

    plain = client.get(matching_url(cohort)).context
    searched = client.get(matching_url(cohort) + "?end_q=" + pair.mentee.user.full_name[2:8].upper()).context
    offered = [found for found, _form in searched["end_found"]]
    foreign_name = client.get(matching_url(cohort) + "?end_q=" + foreign.mentee.user.email).context["end_found"]
    tampered = client.post(end, {"pair": foreign.pk, "reason": "Not a good fit", "kind": "rematch"}, follow=True)
    ended = client.post(end, {"pair": pair.pk, "reason": "Not a good fit", "kind": "rematch"}, follow=True)

    assert (plain["end_has_pairs"], plain["end_found"]) == (True, [])
    assert offered == [pair]
    assert foreign_name == []
    assert messages_of(tampered) == ["Select a valid choice. That choice is not one of the available choices."]
    foreign.refresh_from_db()
    assert foreign.status == PairStatus.ACTIVE
    pair.refresh_from_db()
    assert pair.status == PairStatus.ENDED
    assert messages_of(ended) == [
        f"The pair of {pair.mentor.user} and {pair.mentee.user} has ended; {pair.mentee.user} goes into the next round."
    ]


def test_after_a_failed_round_the_button_runs_it_again(client, cohort, coordinator, criteria):
    MatchRunFactory(cohort=cohort, status=JobStatus.FAILED, round_number=1, failure="Boom")
    client.force_login(coordinator)

    page = client.get(matching_url(cohort)).content.decode()

    assert "Run round 1 again" in page
    assert "Boom" in page


def test_ended_pairs_show_whether_the_mentee_was_matched_again(client, cohort, coordinator, objects):
    pair = objects["pair"]
    client.force_login(coordinator)
    client.post(matching_url(cohort, "pair-end", pair_pk=pair.pk), {"reason": "Not a good fit", "kind": "rematch"})

    waiting = client.get(matching_url(cohort)).context["ended"]
    ProposalFactory(run=objects["run"], cohort=cohort, mentee=pair.mentee)
    rematched = client.get(matching_url(cohort)).context["ended"]

    assert [e.mentee_now for e in waiting] == ["waiting"]
    assert [e.mentee_now for e in rematched] == ["rematched"]


# --- Criteria, voting rule, exclusions -----------------------------------------------------


def test_setting_up_the_default_criteria(client, cohort, coordinator, applications):
    client.force_login(coordinator)

    response = client.post(matching_url(cohort, "criteria-defaults"), follow=True)
    again = client.post(matching_url(cohort, "criteria-defaults"), follow=True)

    rows = list(MatchingCriterion.objects.order_by("position").values_list("key", "kind", "weight", "hard"))
    assert rows == [
        ("career_track", CriterionKind.SAME, 5, False),
        ("geography", CriterionKind.DISTANCE, 3, False),
        ("values", CriterionKind.OVERLAP, 4, False),
        ("department", CriterionKind.DIFFERENT, 2, False),
        ("seniority", CriterionKind.ORDINAL, 0, True),
    ]
    assert messages_of(response) == ["5 default criteria were set up."]
    assert messages_of(again) == [
        "Nothing to add: the default criteria are set up, or the applications lack their questions."
    ]
    assert "Set up the default criteria" not in again.content.decode()


def question(applications, role, key):
    return applications[role].questions.get(key=key)


def test_adding_a_criterion_checks_the_question_types(client, cohort, coordinator, applications):
    client.force_login(coordinator)
    data = {
        "label": "Goals",
        "mentee_question": question(applications, MENTEE, "focus").pk,
        "mentor_question": question(applications, MENTOR, "focus").pk,
        "kind": CriterionKind.SAME,
        "weight": 3,
        "scale": 12,
    }

    refused = client.post(matching_url(cohort, "criterion-create"), data)
    accepted = client.post(matching_url(cohort, "criterion-create"), {**data, "kind": CriterionKind.OVERLAP})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "kind": [
            "“Same answer” cannot compare multiple choice questions; it compares: country, short text, single choice, yes / no."
        ]
    }
    assert accepted.status_code == 302
    criterion = MatchingCriterion.objects.get()
    assert (criterion.key, criterion.label, criterion.kind, criterion.weight) == ("goals", "Goals", "overlap", 3)


def test_a_question_of_another_cohort_or_role_is_refused(client, cohort, coordinator, applications):
    from questionnaires.services.templating import questionnaire_from_template
    from tests.factories import CohortFactory

    other = questionnaire_from_template(
        cohort=CohortFactory(program=cohort.program), template_key="mentee_application", by=None
    )
    client.force_login(coordinator)

    response = client.post(
        matching_url(cohort, "criterion-create"),
        {
            "label": "Track",
            "mentee_question": other.questions.get(key="career_track").pk,
            "mentor_question": question(applications, MENTEE, "career_track").pk,
            "kind": CriterionKind.SAME,
            "weight": 11,
            "scale": 12,
        },
    )

    assert set(response.context["form"].errors) == {"mentee_question", "mentor_question", "weight"}
    assert not MatchingCriterion.objects.exists()


def test_editing_and_deleting_a_criterion(client, cohort, coordinator, criteria):
    career = criteria[0]
    client.force_login(coordinator)

    client.post(
        matching_url(cohort, "criterion-update", criterion_pk=career.pk),
        {
            "label": "Career path",
            "mentee_question": career.mentee_question_id,
            "mentor_question": career.mentor_question_id,
            "kind": CriterionKind.SAME,
            "weight": 7,
            "hard": "on",
            "scale": 12,
        },
    )
    career.refresh_from_db()
    client.post(matching_url(cohort, "criterion-delete", criterion_pk=criteria[1].pk))

    assert (career.label, career.weight, career.hard, career.key) == ("Career path", 7, True, "career_track")
    assert list(MatchingCriterion.objects.values_list("key", flat=True)) == [
        "career_track",
        "values",
        "department",
        "seniority",
    ]


def test_the_voting_rule_is_saved_and_bad_values_change_nothing(client, cohort, coordinator):
    client.force_login(coordinator)

    client.post(matching_url(cohort, "settings-update"), {"threshold": Threshold.TWO_THIRDS, "min_votes": 2})
    refused = client.post(matching_url(cohort, "settings-update"), {"threshold": "all", "min_votes": 0}, follow=True)

    settings = MatchingSettings.objects.get()
    assert (settings.threshold, settings.min_votes) == (Threshold.TWO_THIRDS, 2)
    assert messages_of(refused)[1:] == [
        "Select a valid choice. all is not one of the available choices.",
        "Ensure this value is greater than or equal to 1.",
    ]


def test_exclusions_are_added_and_tampered_people_refused(client, cohort, coordinator, elsewhere):
    mentee, mentor = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort, role=MENTOR)
    foreign = EnrollmentFactory(cohort=elsewhere["cohort"])
    client.force_login(coordinator)

    added = client.post(
        matching_url(cohort, "exclusion-list"), {"mentee": mentee.pk, "mentor": mentor.pk, "reason": "reporting_line"}
    )
    twice = client.post(
        matching_url(cohort, "exclusion-list"), {"mentee": mentee.pk, "mentor": mentor.pk, "reason": "coordinator"}
    )
    tampered = client.post(
        matching_url(cohort, "exclusion-list"), {"mentee": foreign.pk, "mentor": mentor.pk, "reason": "coordinator"}
    )

    assert added.status_code == 302
    assert twice.context["form"].non_field_errors() == ["These two are already excluded from being matched."]
    assert list(tampered.context["form"].errors) == ["mentee"]
    assert list(Exclusion.objects.values_list("mentee_id", "mentor_id", "reason")) == [
        (mentee.pk, mentor.pk, "reporting_line")
    ]


def test_people_left_unmatched_are_listed_with_the_reason(
    client, cohort, coordinator, make_person, criteria, django_capture_on_commit_callbacks
):
    make_person(MENTOR, name="Junior Mentor", track="backend", years=1)
    make_person(MENTEE, name="Senior Mentee", track="backend", years=15)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(matching_url(cohort, "run-create"))
    run = MatchRun.objects.get()

    page = client.get(matching_url(cohort))
    details = client.get(matching_url(cohort, "run-detail", run_pk=run.pk))

    expected = [("Senior Mentee", "no mentor passes the hard criteria and exclusions")]
    assert [(i["enrollment"].user.full_name, str(i["reason"])) for i in page.context["unmatched"]] == expected
    assert [(i["enrollment"].user.full_name, str(i["reason"])) for i in details.context["unmatched"]] == expected


def test_viewer_is_not_offered_links_to_the_proposals(client, cohort, viewer, member, objects):
    run = objects["run"]
    url = reverse("matching:run-detail", args=[cohort.pk, run.pk])
    proposals = reverse("matching:proposal-list", args=[cohort.pk])

    client.force_login(viewer)
    for_viewer = client.get(url).content.decode()
    client.force_login(member)
    for_member = client.get(url).content.decode()

    assert proposals not in for_viewer
    assert proposals in for_member


# --- Ended pairs, whatever ended them ------------------------------------------------------


def test_pairs_ended_at_the_end_of_term_are_listed_and_the_mentee_is_out(client, cohort, coordinator, objects):
    from showcase.enums import TermChoice
    from showcase.services.terms import term_decide

    pair = objects["pair"]
    term_decide(pair=pair, decision=TermChoice.END, by=coordinator, note="Both are done.")
    client.force_login(coordinator)

    page = client.get(matching_url(cohort))

    assert page.context["ended"] == [pair]
    assert [e.mentee_now for e in page.context["ended"]] == ["out"]
    html = page.content.decode()
    assert "No pair has ended." not in html
    assert "Both are done." in html
    assert "Put back into the rounds" in html
    assert pair.mentee_id not in page.context["people"].mentee_ids


def test_the_coordinator_puts_an_ended_mentee_back(client, cohort, coordinator, objects):
    pair = objects["pair"]
    client.force_login(coordinator)
    client.post(matching_url(cohort, "pair-end", pair_pk=pair.pk), {"reason": "Done", "kind": "end"}, follow=True)

    response = client.post(matching_url(cohort, "mentee-put-back", pair_pk=pair.pk), follow=True)
    again = client.post(matching_url(cohort, "mentee-put-back", pair_pk=pair.pk), follow=True)

    pair.refresh_from_db()
    assert (pair.status, pair.end_kind, pair.mentee_back_by) == (PairStatus.ENDED, "end", coordinator)
    assert messages_of(response) == [
        f"{pair.mentee.user} is back in the rounds; the next round may match them with another mentor."
    ]
    assert messages_of(again) == [f"{pair.mentee.user} is already back in the rounds."]
    assert pair.mentee_id in response.context["people"].mentee_ids
    assert [e.mentee_now for e in response.context["ended"]] == ["waiting"]
    assert "Put back into the rounds by" in response.content.decode()


def test_putting_back_a_rematched_or_active_pair_changes_nothing(client, cohort, coordinator, objects):
    pair = objects["pair"]
    client.force_login(coordinator)

    active = client.post(matching_url(cohort, "mentee-put-back", pair_pk=pair.pk))
    client.post(
        matching_url(cohort, "pair-end", pair_pk=pair.pk), {"reason": "Not a fit", "kind": "rematch"}, follow=True
    )
    rematched = client.post(matching_url(cohort, "mentee-put-back", pair_pk=pair.pk), follow=True)

    pair.refresh_from_db()
    assert active.status_code == 404
    assert messages_of(rematched) == ["Only the mentee of a pair that was ended (not re-matched) can be put back."]
    assert pair.mentee_back_at is None


def test_ending_without_saying_what_follows_changes_nothing(client, cohort, coordinator, objects):
    pair = objects["pair"]
    client.force_login(coordinator)

    response = client.post(
        matching_url(cohort, "pair-end", pair_pk=pair.pk), {"reason": "Done", "kind": "vanish"}, follow=True
    )

    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE
    assert len(messages_of(response)) == 1
