import pytest
from django.urls import reverse

from cohorts.enums import ParticipantRole
from matching.enums import ProposalStatus, SuggestionStatus, VoteChoice
from matching.models import Proposal, Suggestion, Vote
from matching.services.runs import match_run_start
from tests.factories import MatchRunFactory, MentorEnrollmentFactory, ProposalFactory, VoteFactory

from .conftest import SNAPSHOT

pytestmark = pytest.mark.django_db

MENTEE, MENTOR = ParticipantRole.MENTEE, ParticipantRole.MENTOR


def review_url(cohort, name="proposal-list", **kwargs):
    return reverse(f"matching:{name}", kwargs={"pk": cohort.pk, **kwargs})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def populate(cohort, members, count):
    run = MatchRunFactory(cohort=cohort, criteria=SNAPSHOT, round_number=1)
    for i in range(count):
        proposal = ProposalFactory(
            run=run, cohort=cohort, score=0.9 - i / 100, breakdown={"career_track": 0.9 - i / 100, "seniority": 0.0}
        )
        VoteFactory(proposal=proposal, member=members[1], choice=VoteChoice.APPROVE)
        VoteFactory(proposal=proposal, member=members[2], choice=VoteChoice.REJECT, comment="no")


@pytest.mark.parametrize("item_count", [1, 4])
def test_the_review_list_costs_a_fixed_number_of_queries(
    client, cohort, members, item_count, django_assert_num_queries
):
    populate(cohort, members, item_count)
    client.force_login(members[0])
    client.get(review_url(cohort))

    # session, user, cohort, roles, subcommittee seat; count, page (with the votes and my vote);
    # how many pending proposals I opened (for "all I have looked at"); the navigation's cohorts
    # 9 for the page, 2 for the cohort bar (the person's place in the cohort).
    with django_assert_num_queries(11):
        response = client.get(review_url(cohort))

    rows = list(response.context["page"].object_list)
    assert len(rows) == item_count
    assert [(p.approvals, p.rejections, p.recusals, p.my_vote) for p in rows] == [(1, 1, 0, None)] * item_count
    assert [r.fit_percent for r in rows[0].rows] == [90, 0]


def test_the_review_list_filters_by_status_and_my_vote(client, cohort, members):
    run = MatchRunFactory(cohort=cohort, criteria=SNAPSHOT, round_number=1)
    mine = ProposalFactory(run=run, cohort=cohort, score=0.8)
    other = ProposalFactory(run=run, cohort=cohort, score=0.7)
    rejected = ProposalFactory(run=run, cohort=cohort, status=ProposalStatus.REJECTED)
    VoteFactory(proposal=mine, member=members[0], choice=VoteChoice.APPROVE)
    client.force_login(members[0])

    def listed(**query):
        return list(client.get(review_url(cohort), query).context["page"].object_list)

    assert listed() == [mine, other]
    assert listed(my_vote="none") == [other]
    assert listed(my_vote="approve") == [mine]
    assert listed(status="rejected") == [rejected]
    assert listed(status="", round=2) == []
    assert listed(status="nonsense", round="x") == [mine, other, rejected]


def test_a_member_votes_in_place(client, cohort, members, objects):
    proposal = objects["proposal"]
    client.force_login(members[0])

    response = client.post(
        review_url(cohort, "proposal-vote", proposal_pk=proposal.pk),
        {"choice": VoteChoice.APPROVE, "comment": "Looks right"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    # (The comment's in-app notifications render their titles first.)
    pages = [t.name for t in response.templates if not t.name.startswith("notifications/")]
    assert pages[0] == "matching/_vote_panel.html"
    assert "Your vote is recorded." in response.content.decode()
    assert list(Vote.objects.values_list("member_id", "choice", "comment")) == [
        (members[0].pk, VoteChoice.APPROVE, "Looks right")
    ]


def test_a_member_approves_from_the_list_row(client, cohort, members, objects):
    proposal = objects["proposal"]
    client.force_login(members[0])

    response = client.post(
        review_url(cohort, "proposal-vote", proposal_pk=proposal.pk),
        {"choice": VoteChoice.APPROVE, "row": "1"},
        headers={"HX-Request": "true"},
    )

    assert response.templates[0].name == "matching/_proposal_row.html"
    assert response.context["proposal"].approvals == 1
    assert response.context["proposal"].my_vote == VoteChoice.APPROVE


def test_a_rejection_without_a_comment_is_refused_without_javascript(client, cohort, members, objects):
    proposal = objects["proposal"]
    client.force_login(members[0])

    response = client.post(
        review_url(cohort, "proposal-vote", proposal_pk=proposal.pk), {"choice": VoteChoice.REJECT}, follow=True
    )

    assert messages_of(response) == ["Say why you reject this pair."]
    assert not Vote.objects.exists()


def test_a_tampered_vote_changes_nothing(client, cohort, members, objects):
    client.force_login(members[0])

    response = client.post(
        review_url(cohort, "proposal-vote", proposal_pk=objects["proposal"].pk), {"choice": "maybe"}, follow=True
    )

    assert messages_of(response) == ["Select a valid choice. maybe is not one of the available choices."]
    assert not Vote.objects.exists()


def test_the_coordinator_decides_from_the_proposal_page(client, cohort, coordinator, objects):
    proposal = objects["proposal"]
    client.force_login(coordinator)
    decide = review_url(cohort, "proposal-decide", proposal_pk=proposal.pk)

    refused = client.post(decide, {"decision": ProposalStatus.APPROVED, "reason": ""}, follow=True)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    accepted = client.post(decide, {"decision": ProposalStatus.APPROVED, "reason": "We know them"}, follow=True)

    proposal.refresh_from_db()
    assert messages_of(refused) == ["Give the reason for your decision; it is kept on record."]
    assert messages_of(accepted) == ["The proposal is approved."]
    assert (proposal.status, proposal.decided_by, proposal.decision_reason) == (
        ProposalStatus.APPROVED,
        coordinator,
        "We know them",
    )


@pytest.fixture
def round_one(cohort, coordinator, make_person, criteria, django_capture_on_commit_callbacks):
    ada = make_person(MENTEE, name="Ada Mentee", track="backend", tz=0, values=["craft"], years=2)
    ada_sensitive = ada.questionnaire_responses.get()
    gender = ada_sensitive.questionnaire.questions.get(key="gender")
    ada_sensitive.answers.create(question=gender, question_text=gender.text, value="woman", display="Woman")
    xena = make_person(MENTOR, name="Xena Mentor", track="backend", tz=0, values=["craft"], years=10)
    yara = make_person(MENTOR, name="Yara Mentor", track="data", tz=3, values=["impact"], years=8)
    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(cohort=cohort, by=coordinator)
    return {"proposal": run.proposals.get(), "ada": ada, "xena": xena, "yara": yara}


def test_the_proposal_page_shows_both_people_side_by_side(client, cohort, members, round_one):
    client.force_login(members[0])

    response = client.get(round_one["proposal"].get_absolute_url())

    rows = {
        r["label"]: (r["mentee"].display if r["mentee"] else None, r["mentor"].display if r["mentor"] else None)
        for r in response.context["criteria_rows"]
    }
    assert rows == {
        "Career track": ("backend", "backend"),
        "Geography / time zone": ("UTC+0", "UTC+0"),
        "Values": ("['craft']", "['craft']"),
        "Department": (None, None),
        # A number answer says what it counts: the question's unit.
        "Seniority": ("2 (years in tech)", "10 (years in tech)"),
    }
    assert "<td>2 (years in tech)</td><td>10 (years in tech)</td>" in response.content.decode()
    assert {c["key"]: c["unit"] for c in round_one["proposal"].run.criteria}["seniority"] == "years in tech"
    # The subcommittee reads the sensitive answers too.
    assert [(r["label"], r["mentee"].display) for r in response.context["other_rows"]] == [
        ("How do you describe your gender?", "Woman")
    ]
    assert [a["mentor"] for a in response.context["alternatives"]] == [round_one["yara"]]
    assert response.context["rows"][0].fit_percent == 100


def test_the_swap_preview_shows_the_new_score_before_saving(client, cohort, coordinator, round_one):
    client.force_login(coordinator)
    proposal = round_one["proposal"]

    page = client.get(proposal.get_absolute_url(), {"mentor": round_one["yara"].pk})
    partial = client.get(
        review_url(cohort, "proposal-swap-preview", proposal_pk=proposal.pk),
        {"mentor": round_one["yara"].pk},
        headers={"HX-Request": "true"},
    )

    assert page.context["preview"].allowed is True
    assert page.context["preview"].score.score_percent == 16  # only 3 hours apart counts: 3 * 0.75 / 14
    assert partial.templates[0].name == "matching/_swap_preview.html"
    assert "Swap to Yara Mentor" in partial.content.decode()
    assert Proposal.objects.get().mentor == round_one["xena"]


def test_the_coordinator_swaps_and_a_member_suggests(client, cohort, coordinator, members, round_one):
    proposal = round_one["proposal"]
    swap = review_url(cohort, "proposal-swap", proposal_pk=proposal.pk)
    client.force_login(members[0])
    suggested = client.post(swap, {"mentor": round_one["yara"].pk, "comment": "Data track"}, follow=True)
    assert messages_of(suggested) == ["Your suggestion is recorded; the coordinator will accept or decline it."]
    assert Suggestion.objects.get().status == SuggestionStatus.OPEN

    client.force_login(coordinator)
    swapped = client.post(swap, {"mentor": round_one["yara"].pk}, follow=True)

    new = Proposal.objects.get(status=ProposalStatus.PENDING)
    assert new.mentor == round_one["yara"]
    assert swapped.redirect_chain[-1][0] == new.get_absolute_url()


def test_a_swap_to_a_foreign_mentor_is_refused_and_one_without_answers_allowed(
    client, cohort, coordinator, round_one, elsewhere
):
    proposal = round_one["proposal"]
    junior = MentorEnrollmentFactory(cohort=cohort, user__full_name="Junior Mentor")
    foreign = MentorEnrollmentFactory(cohort=elsewhere["cohort"])
    client.force_login(coordinator)
    swap = review_url(cohort, "proposal-swap", proposal_pk=proposal.pk)

    tampered = client.post(swap, {"mentor": foreign.pk}, follow=True)
    unanswered = client.post(swap, {"mentor": junior.pk}, follow=True)

    assert messages_of(tampered) == ["Choose one of the cohort's accepted mentors."]
    # Junior answered nothing: no hard criterion fails, and a seat is free.
    assert messages_of(unanswered) == [
        "Ada Mentee is now proposed with Junior Mentor; the subcommittee reviews the new pair."
    ]
    assert list(Proposal.objects.filter(cohort=cohort).order_by("pk").values_list("status", "mentor_id")) == [
        (ProposalStatus.SUPERSEDED, round_one["xena"].pk),
        (ProposalStatus.PENDING, junior.pk),
    ]


def test_suggestions_are_accepted_or_declined_by_the_coordinator(client, cohort, coordinator, members, round_one):
    proposal = round_one["proposal"]
    client.force_login(members[0])
    client.post(
        review_url(cohort, "proposal-swap", proposal_pk=proposal.pk), {"mentor": round_one["yara"].pk}, follow=True
    )
    suggestion = Suggestion.objects.get()
    client.force_login(coordinator)

    declined = client.post(
        review_url(cohort, "suggestion-decline", proposal_pk=proposal.pk, suggestion_pk=suggestion.pk), follow=True
    )
    late = client.post(
        review_url(cohort, "suggestion-accept", proposal_pk=proposal.pk, suggestion_pk=suggestion.pk), follow=True
    )

    assert messages_of(declined) == ["The suggestion is declined."]
    assert messages_of(late) == ["This suggestion was already dealt with."]
    assert Proposal.objects.get().mentor == round_one["xena"]


def test_a_participant_of_the_pair_never_reaches_the_proposal(client, cohort, round_one):
    client.force_login(round_one["ada"].user)

    response = client.get(round_one["proposal"].get_absolute_url())

    assert response.status_code == 403
