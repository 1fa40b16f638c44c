import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortPhase, EnrollmentStatus
from cohorts.models import PairStatus
from mentorship.enums import OrgRole
from questionnaires.enums import Audience, Kind, QuestionType, ResponseStatus
from tests import factories
from tests.factories import (
    AnswerFactory,
    CohortFactory,
    DeliveryFactory,
    EnrollmentFactory,
    GraduationFactory,
    MeetingFactory,
    MembershipFactory,
    PairFactory,
    ProjectFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SendRuleFactory,
    ShowcaseFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _cohort_url(cohort, csv_file=False):
    return reverse("showcase:outcomes-cohort-csv" if csv_file else "showcase:outcomes-cohort", kwargs={"pk": cohort.pk})


def _program_url(program, csv_file=False):
    return reverse(
        "showcase:outcomes-program-csv" if csv_file else "showcase:outcomes-program", kwargs={"pk": program.pk}
    )


def _populate(cohort, size: int):
    """``size`` graduated pairs with meetings, projects and check-in answers."""
    showcase = ShowcaseFactory(cohort=cohort)
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.POST_PROGRAM, audience=Audience.BOTH)
    SendRuleFactory(questionnaire=survey, anchor="ends_on", offset=6, unit="months")
    scale = QuestionFactory(questionnaire=survey, key="goals_reached", type=QuestionType.SCALE, text="Goals reached?")
    for _ in range(size):
        pair = PairFactory(
            cohort=cohort, status=PairStatus.GRADUATED, matched_at=timezone.now() - datetime.timedelta(days=90)
        )
        GraduationFactory(pair=pair)
        MeetingFactory(pair=pair, status="held", starts_at=pair.matched_at + datetime.timedelta(days=5))
        SubmissionFactory(showcase=showcase, project=ProjectFactory(enrollment=pair.mentee))
        DeliveryFactory(questionnaire=survey, enrollment=pair.mentee)
        response = ResponseFactory(questionnaire=survey, enrollment=pair.mentee, status=ResponseStatus.SUBMITTED)
        AnswerFactory(response=response, question=scale, value=4)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)


@pytest.fixture
def cohort(organization):
    program = factories.ProgramFactory(organization=organization)
    return CohortFactory(program=program, phase=CohortPhase.CLOSED, ends_on=datetime.date(2025, 8, 31))


def test_the_report_shows_the_graduation(client, cohort, viewer):
    _populate(cohort, 2)
    client.force_login(viewer)

    response = client.get(_cohort_url(cohort))

    content = response.content.decode()
    figures = response.context["figures"]
    assert (figures.graduation.graduated, figures.projects.submitted) == (2, 2)
    assert 'data-figure="graduated">2 (100.0%)' in content
    assert '<svg class="chart" id="cohort-funnel"' in content
    assert "Goals reached?" in content
    assert "cdn" not in content.lower()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("viewer", 200),
        ("mentee", 403),
        ("subcommittee", 403),
        ("other coordinator", 404),
        ("stranger", 404),
    ],
)
def test_who_reads_the_cohort_report(client, cohort, coordinator, viewer, who, status):
    pair = PairFactory(cohort=cohort)
    user = {
        "coordinator": coordinator,
        "viewer": viewer,
        "mentee": pair.mentee.user,
        "subcommittee": factories.SubcommitteeMemberFactory(cohort=cohort).user,
        "other coordinator": MembershipFactory(role=OrgRole.COORDINATOR).user,
        "stranger": UserFactory(),
    }[who]
    client.force_login(user)

    assert client.get(_cohort_url(cohort)).status_code == status
    assert client.get(_cohort_url(cohort, csv_file=True)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("coordinator", 200), ("viewer", 200), ("mentee", 404), ("other coordinator", 404)]
)
def test_who_reads_the_program_report(client, cohort, coordinator, viewer, who, status):
    pair = PairFactory(cohort=cohort)
    user = {
        "coordinator": coordinator,
        "viewer": viewer,
        "mentee": pair.mentee.user,
        "other coordinator": MembershipFactory(role=OrgRole.COORDINATOR).user,
    }[who]
    client.force_login(user)

    assert client.get(_program_url(cohort.program)).status_code == status
    assert client.get(_program_url(cohort.program, csv_file=True)).status_code == status


def _rows(response) -> list[list[str]]:
    # A spreadsheet program needs the byte order mark to read accented names as UTF-8.
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export(client, cohort, coordinator):
    _populate(cohort, 2)
    client.force_login(coordinator)

    response = client.get(_cohort_url(cohort, csv_file=True))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="outcomes-{cohort.name.lower().replace(" ", "-")}.csv"'
    )
    rows = _rows(response)
    assert rows[0] == ["Cohort", "Section", "Measure", "Value"]
    by_measure = {(r[1], r[2]): r[3] for r in rows[1:]}
    assert by_measure[("Graduation and retention", "Pairs graduated")] == "2"
    assert by_measure[("Graduation and retention", "Retention of people (%)")] == "80.0"
    assert by_measure[("Check-in at 6 months", "Response rate (%)")] == "100.0"
    assert by_measure[("Check-in at 6 months", "Goals reached? (average)")] == "4.0"
    assert by_measure[("Check-in at 18 months", "Response rate (%)")] == ""


def test_the_program_csv_has_each_cohort_and_the_total(client, cohort, coordinator):
    other = CohortFactory(program=cohort.program, name="=HYPERLINK(1)")
    _populate(cohort, 1)
    _populate(other, 2)
    client.force_login(coordinator)

    rows = _rows(client.get(_program_url(cohort.program, csv_file=True)))

    graduated = [(r[0], r[3]) for r in rows if r[2] == "Pairs graduated"]
    # Cohorts newest first (the second one, made later, with the same dates), then the total.
    assert graduated == [("'=HYPERLINK(1)", "2"), (cohort.name, "1"), ("All cohorts", "3")]


def test_the_program_report_compares_cohorts(client, cohort, viewer):
    second = CohortFactory(program=cohort.program)
    _populate(cohort, 1)
    PairFactory(cohort=second)
    client.force_login(viewer)

    response = client.get(_program_url(cohort.program))

    report = response.context["report"]
    assert [o.cohort for o in report.per_cohort] == [second, cohort]
    assert [o.graduation.graduated for o in report.per_cohort] == [0, 1]
    assert report.total.graduation.pairs == 2
    assert 'id="program-comparison"' in response.content.decode()


@pytest.mark.parametrize("size", [1, 3])
def test_the_cohort_report_costs_a_fixed_number_of_queries(client, cohort, viewer, size, django_assert_num_queries):
    _populate(cohort, size)
    client.force_login(viewer)
    client.get(_cohort_url(cohort))

    # 23 for the page, 3 for the cohort bar (the person's place in the cohort).
    with django_assert_num_queries(26):
        response = client.get(_cohort_url(cohort))

    assert response.context["figures"].graduation.graduated == size


@pytest.mark.parametrize(("size", "cohorts"), [(1, 2), (3, 4)])
def test_the_program_report_costs_a_fixed_number_of_queries(
    client, cohort, viewer, size, cohorts, django_assert_num_queries
):
    _populate(cohort, size)
    for _ in range(cohorts - 1):
        _populate(CohortFactory(program=cohort.program), size)
    client.force_login(viewer)
    client.get(_program_url(cohort.program))

    # The same whatever the number of cohorts in the program or of people in them.
    with django_assert_num_queries(24):
        response = client.get(_program_url(cohort.program))

    assert response.context["report"].total.graduation.graduated == cohorts * size
