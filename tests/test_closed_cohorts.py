"""A closed cohort is read-only for everyone until a coordinator reopens it, with a reason on
record; each kind of change is refused with the same clear message and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortPhase, EnrollmentStatus, InvitationRole
from cohorts.models import (
    Enrollment,
    ImportJob,
    ImportUpload,
    Invitation,
    Pair,
    PairStatus,
    PhaseChange,
    SubcommitteeMember,
    TrainingModule,
)
from cohorts.phases import CLOSED_MESSAGE
from cohorts.services import cohorts as cohort_services
from cohorts.services import enrollment as enrollment_services
from cohorts.services import import_answers as import_answer_services
from cohorts.services import imports as import_services
from cohorts.services import invitations as invitation_services
from cohorts.services import training as training_services
from matching.enums import ProposalStatus, VoteChoice
from matching.models import Exclusion, MatchingCriterion, MatchRun, Proposal, Vote
from matching.services import criteria as criteria_services
from matching.services import publishing, review, runs
from meetings.models import Goal, GroupMeeting, Meeting
from meetings.services import goals, groups, scheduling
from mentorship.enums import JobStatus, OrgRole
from mentorship.models import User
from questionnaires.enums import Kind, RepeatBound, RepeatUnit, SendTrigger
from questionnaires.models import Delivery, Question, Questionnaire, SendOccurrence, SendRule
from questionnaires.services import builder, sending
from showcase.models import Graduation, Milestone, Showcase
from showcase.services import graduation, projects, showcase, terms
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    GoalFactory,
    MembershipFactory,
    MilestoneFactory,
    PairFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    QuestionnaireFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CLOSED = str(CLOSED_MESSAGE)


@pytest.fixture
def world():
    program = ProgramFactory()
    coordinator = MembershipFactory(organization=program.organization, role=OrgRole.COORDINATOR).user
    cohort = CohortFactory(
        program=program,
        phase=CohortPhase.CLOSED,
        launch_on=datetime.date(2026, 1, 10),
        showcase_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 30),
        mentor_max_capacity=3,
    )
    graduated = PairFactory(cohort=cohort, status=PairStatus.GRADUATED)
    # A pair the coordinator never graduated: still active when the cohort closed.
    active = PairFactory(cohort=cohort)
    goal = GoalFactory(pair=active)
    project = ProjectFactory(enrollment=graduated.mentee)
    milestone = MilestoneFactory(project=project)
    applicant = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    member = SubcommitteeMemberFactory(cohort=cohort).user
    proposal = ProposalFactory(run__cohort=cohort, cohort=cohort)
    questionnaire = QuestionnaireFactory(cohort=cohort, kind=Kind.APPLICATION)
    module = TrainingModule.objects.create(cohort=cohort, title="Welcome", position=1)
    TrainingModule.objects.create(cohort=cohort, title="Second", position=2)
    invitation = Invitation.objects.create(
        cohort=cohort, email="late@example.test", role=InvitationRole.MENTEE, invited_by=coordinator
    )
    # Placed by an import with answers before the close; never signed in.
    imported_account = User.objects.create_user(email="imported@example.test", password=None)
    imported = EnrollmentFactory(cohort=cohort, user=imported_account, status=EnrollmentStatus.ACCEPTED)
    imported.guidelines_acknowledged_at = None
    imported.save(update_fields=["guidelines_acknowledged_at"])
    imported_invitation = Invitation.objects.create(
        cohort=cohort, email=imported_account.email, role=InvitationRole.MENTEE, enrollment=imported
    )
    # A mentor of two active mentees, who could call a group meeting.
    second = PairFactory(cohort=cohort, mentor=active.mentor)
    active.mentor.capacity = 2
    active.mentor.save(update_fields=["capacity"])
    pulse = QuestionnaireFactory(cohort=cohort, kind=Kind.PRE_PROGRAM, audience="both")
    recurring = SendRule.objects.create(
        questionnaire=pulse,
        trigger=SendTrigger.RECURRING,
        repeat_every=1,
        repeat_unit=RepeatUnit.WEEKS,
        from_event=RepeatBound.LAUNCH,
        until_event=RepeatBound.END,
    )
    upload = ImportUpload.objects.create(
        cohort=cohort,
        created_by=coordinator,
        filename="people.csv",
        content="name,email,role\nNew,new@example.test,mentee\n",
    )
    return {
        "cohort": cohort,
        "coordinator": coordinator,
        "graduated": graduated,
        "active": active,
        "goal": goal,
        "project": project,
        "milestone": milestone,
        "applicant": applicant,
        "member": member,
        "proposal": proposal,
        "questionnaire": questionnaire,
        "module": module,
        "invitation": invitation,
        "imported": imported,
        "imported_invitation": imported_invitation,
        "second": second,
        "pulse": pulse,
        "recurring": recurring,
        "upload": upload,
    }


def snapshot(w):
    """Everything the changes below would touch."""
    return {
        "enrollments": sorted(
            Enrollment.objects.filter(cohort=w["cohort"]).values_list(
                "pk", "status", "capacity", "guidelines_acknowledged_at"
            )
        ),
        "imported password": User.objects.get(email="imported@example.test").password,
        "group meetings": GroupMeeting.objects.count(),
        "deliveries": Delivery.objects.count(),
        "occurrences": SendOccurrence.objects.count(),
        "imports": ImportJob.objects.count(),
        "uploads": ImportUpload.objects.count(),
        "pairs": sorted(Pair.objects.filter(cohort=w["cohort"]).values_list("pk", "status")),
        "goals": sorted(Goal.objects.values_list("pk", "title", "status")),
        "meetings": Meeting.objects.count(),
        "milestones": sorted(Milestone.objects.values_list("pk", "title", "due_on")),
        "questions": Question.objects.count(),
        "questionnaires": sorted(Questionnaire.objects.values_list("pk", "title")),
        "modules": sorted(TrainingModule.objects.values_list("pk", "position")),
        "proposals": sorted(Proposal.objects.values_list("pk", "status")),
        "votes": Vote.objects.count(),
        "criteria": MatchingCriterion.objects.count(),
        "exclusions": Exclusion.objects.count(),
        "runs": MatchRun.objects.count(),
        "invitations": sorted(Invitation.objects.values_list("pk", "status")),
        "members": SubcommitteeMember.objects.count(),
        "graduations": Graduation.objects.count(),
        "showcases": Showcase.objects.count(),
        "phase": w["cohort"].__class__.objects.get(pk=w["cohort"].pk).phase,
    }


CHANGES = {
    "withdrawal": lambda w: enrollment_services.enrollment_withdraw(
        enrollment=w["graduated"].mentee, by=w["graduated"].mentee.user
    ),
    "application decision": lambda w: enrollment_services.enrollment_decide(
        enrollment=w["applicant"], status=EnrollmentStatus.ACCEPTED, by=w["coordinator"]
    ),
    "mentor capacity": lambda w: enrollment_services.enrollment_set_capacity(
        enrollment=w["graduated"].mentor, capacity=3
    ),
    "invitation revoked": lambda w: invitation_services.invitation_revoke(invitation=w["invitation"]),
    "invitation accepted": lambda w: invitation_services.invitation_accept(
        invitation=w["invitation"], user=UserFactory(email="late@example.test"), acknowledge_guidelines=True
    ),
    "subcommittee seat": lambda w: invitation_services.subcommittee_add(cohort=w["cohort"], user=UserFactory()),
    "cohort settings": lambda w: cohort_services.cohort_update(cohort=w["cohort"], name="Renamed"),
    "pair ended": lambda w: publishing.matched_pair_end(pair=w["active"], reason="Not a fit", by=w["coordinator"]),
    "pair graduated": lambda w: graduation.pair_graduate(pair=w["active"], by=w["coordinator"], override_reason="x"),
    "end of term": lambda w: terms.term_decide(pair=w["active"], decision="end", by=w["coordinator"]),
    "meeting proposed": lambda w: scheduling.meeting_propose(
        pair=w["active"],
        by=w["active"].mentee.user,
        starts_at=datetime.datetime(2030, 1, 1, 10, tzinfo=datetime.UTC),
    ),
    "goal created": lambda w: goals.goal_create(
        pair=w["active"], by=w["active"].mentee.user, framework="smart", title="New", smart_specific="x"
    ),
    "goal edited": lambda w: goals.goal_update(
        goal=w["goal"], by=w["active"].mentee.user, title="Edited", status="in_progress", progress=10
    ),
    "project edited": lambda w: projects.project_update(project=w["project"], title="Edited", summary="s"),
    "milestone edited": lambda w: projects.milestone_update(
        milestone=w["milestone"], title="Edited", due_on=datetime.date(2026, 4, 1)
    ),
    "showcase edited": lambda w: showcase.showcase_save(cohort=w["cohort"], by=w["coordinator"], location="Hall"),
    "questionnaire edited": lambda w: builder.questionnaire_update(questionnaire=w["questionnaire"], title="Edited"),
    "question added": lambda w: builder.question_create(
        questionnaire=w["questionnaire"], text="New?", type="short_text"
    ),
    "questionnaire deleted": lambda w: builder.questionnaire_delete(questionnaire=w["questionnaire"]),
    "training module added": lambda w: training_services.training_module_create(cohort=w["cohort"], title="Late"),
    "training module moved": lambda w: training_services.training_module_move(module=w["module"], direction="down"),
    "matching settings": lambda w: criteria_services.matching_settings_update(
        cohort=w["cohort"], threshold="majority", min_votes=2
    ),
    "exclusion": lambda w: criteria_services.exclusion_create(
        cohort=w["cohort"],
        mentee=w["graduated"].mentee,
        mentor=w["active"].mentor,
        reason="coordinator",
        by=w["coordinator"],
    ),
    "vote": lambda w: review.vote_cast(proposal=w["proposal"], member=w["member"], choice=VoteChoice.APPROVE),
    "proposal decision": lambda w: review.proposal_decide(
        proposal=w["proposal"], by=w["coordinator"], decision=ProposalStatus.APPROVED, reason="Fine"
    ),
    "matching run": lambda w: runs.match_run_start(cohort=w["cohort"], by=w["coordinator"]),
    "publishing": lambda w: publishing.publish_job_start(cohort=w["cohort"], by=w["coordinator"]),
    "imported person joins": lambda w: enrollment_services.enrollment_confirm_imported(
        enrollment=w["imported"], now=datetime.datetime(2026, 5, 2, tzinfo=datetime.UTC)
    ),
    "imported account claimed": lambda w: invitation_services.invitation_claim_account(
        invitation=w["imported_invitation"], password="a-late-password-2026"
    ),
    "past contact": lambda w: scheduling.contact_record(
        pair=w["active"],
        by=w["active"].mentee.user,
        kind="call",
        happened_at=datetime.datetime(2026, 4, 20, 10, tzinfo=datetime.UTC),
        held_minutes=30,
    ),
    "group meeting called": lambda w: groups.group_meeting_schedule(
        cohort=w["cohort"],
        by=w["active"].mentor.user,
        pairs=[w["active"], w["second"]],
        title="Together",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        location="Library",
    ),
    "questionnaire sent": lambda w: sending.questionnaire_deliver(questionnaire=w["pulse"]),
    "recurring questionnaire sent": lambda w: sending.recurring_rule_send(
        rule=w["recurring"], today=datetime.date(2026, 2, 1)
    ),
    "file imported": lambda w: import_services.import_start(
        cohort=w["cohort"],
        by=w["coordinator"],
        filename="people.csv",
        content="name,email,role\nNew,new@example.test,mentee\n",
    ),
    "import with answers confirmed": lambda w: import_answer_services.import_upload_confirm(
        upload=w["upload"], mapping=[], by=w["coordinator"]
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_kind_of_change_is_refused_in_a_closed_cohort(world, change):
    before = snapshot(world)

    with pytest.raises(ValidationError) as refused:
        CHANGES[change](world)

    message = " ".join(refused.value.messages)
    # Meetings keep their own wording for the same rule.
    assert CLOSED in message or "The cohort has closed" in message
    assert snapshot(world) == before


def test_a_graduate_posting_their_withdraw_url_changes_nothing(client, world):
    mentee = world["graduated"].mentee
    client.force_login(mentee.user)

    response = client.post(
        reverse("cohorts:enrollment-withdraw", kwargs={"pk": world["cohort"].pk, "enrollment_pk": mentee.pk}),
        follow=True,
    )

    mentee.refresh_from_db()
    assert mentee.status == EnrollmentStatus.ACCEPTED
    assert Pair.objects.get(pk=world["graduated"].pk).status == PairStatus.GRADUATED
    assert response.status_code == 200
    assert CLOSED in [str(m) for m in response.context["messages"]]


def test_check_ins_for_graduates_are_still_prepared_after_the_close(world):
    checkin = QuestionnaireFactory(cohort=world["cohort"], kind=Kind.CHECK_IN)

    builder.question_create(questionnaire=checkin, text="Still in touch?", type="short_text")

    assert checkin.questions.count() == 1


def test_reopening_needs_a_reason_and_records_who_when_and_why(world):
    cohort, coordinator = world["cohort"], world["coordinator"]

    with pytest.raises(ValidationError) as refused:
        cohort_services.cohort_move_phase(cohort=cohort, target=CohortPhase.SHOWCASE, by=coordinator, reason=" ")
    assert "reason" in refused.value.message_dict
    cohort.refresh_from_db()
    assert cohort.phase == CohortPhase.CLOSED

    cohort_services.cohort_move_phase(
        cohort=cohort, target=CohortPhase.SHOWCASE, by=coordinator, reason="A graduation was missed."
    )

    change = PhaseChange.objects.filter(cohort=cohort).first()
    assert (change.from_phase, change.to_phase, change.changed_by, change.reason) == (
        CohortPhase.CLOSED,
        CohortPhase.SHOWCASE,
        coordinator,
        "A graduation was missed.",
    )
    assert change.changed_at is not None


def test_reopened_cohort_takes_changes_then_is_frozen_again_when_closed(world):
    cohort, coordinator = world["cohort"], world["coordinator"]
    cohort_services.cohort_move_phase(
        cohort=cohort, target=CohortPhase.SHOWCASE, by=coordinator, reason="A graduation was missed."
    )
    cohort.refresh_from_db()

    graduation.pair_graduate(pair=world["active"], by=coordinator, override_reason="Finished late")
    projects.milestone_update(milestone=world["milestone"], title="Demo day", due_on=datetime.date(2026, 4, 1))

    assert Pair.objects.get(pk=world["active"].pk).status == PairStatus.GRADUATED
    cohort_services.cohort_move_phase(cohort=cohort, target=CohortPhase.CLOSED, by=coordinator)
    with pytest.raises(ValidationError):
        projects.milestone_update(milestone=world["milestone"], title="Again", due_on=datetime.date(2026, 4, 1))
    assert Milestone.objects.get(pk=world["milestone"].pk).title == "Demo day"


def test_the_coordinator_reopens_through_the_cohort_page_with_a_reason(client, world):
    client.force_login(world["coordinator"])
    url = reverse("cohorts:cohort-phase", kwargs={"pk": world["cohort"].pk})

    page = client.get(world["cohort"].get_absolute_url())
    assert 'name="reason"' in page.content.decode()

    client.post(url, {"target": CohortPhase.SHOWCASE, "reason": ""})
    world["cohort"].refresh_from_db()
    assert world["cohort"].phase == CohortPhase.CLOSED

    client.post(url, {"target": CohortPhase.SHOWCASE, "reason": "Late certificate"})
    world["cohort"].refresh_from_db()
    assert world["cohort"].phase == CohortPhase.SHOWCASE
    assert "Late certificate" in client.get(world["cohort"].get_absolute_url()).content.decode()


def test_a_participant_cannot_reopen(client, world):
    client.force_login(world["graduated"].mentee.user)

    response = client.post(
        reverse("cohorts:cohort-phase", kwargs={"pk": world["cohort"].pk}),
        {"target": CohortPhase.SHOWCASE, "reason": "Let me withdraw"},
    )

    assert response.status_code == 403
    world["cohort"].refresh_from_db()
    assert world["cohort"].phase == CohortPhase.CLOSED


def test_the_beat_sends_no_recurring_questionnaire_of_a_closed_cohort(world):
    sent = sending.rules_send_due(today=datetime.date(2026, 2, 1))

    assert sent == 0
    assert SendOccurrence.objects.count() == 0


def test_an_import_under_way_when_the_cohort_closed_stops_with_the_reason(world):
    job = ImportJob.objects.create(
        cohort=world["cohort"],
        created_by=world["coordinator"],
        filename="people.csv",
        content="name,email,role\nNew,new@example.test,mentee\n",
        total_rows=1,
    )
    invitations = Invitation.objects.count()

    import_services.import_job_run(import_job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.failure, job.processed_rows) == (JobStatus.FAILED, CLOSED, 0)
    assert Invitation.objects.count() == invitations
