import pytest
from django.core import mail
from django.urls import reverse

from cohorts.enums import CohortPhase
from cohorts.models import Pair, PairStatus
from mentorship.enums import OrgRole
from questionnaires.enums import Kind
from showcase.models import Graduation, GraduationSettings
from tests.factories import (
    GraduationFactory,
    MembershipFactory,
    PairFactory,
    QuestionnaireFactory,
    UserFactory,
)

from ..conftest import held_meetings, make_eligible

pytestmark = pytest.mark.django_db


def _url(name, pk, **extra):
    return reverse(f"showcase:{name}", kwargs={"pk": pk, **extra})


@pytest.fixture
def showcase_cohort(cohort):
    cohort.phase = CohortPhase.SHOWCASE
    cohort.save()
    return cohort


@pytest.fixture
def other_coordinator():
    return MembershipFactory(role=OrgRole.COORDINATOR).user


def test_the_graduation_page_ticks_each_criterion(client, showcase_cohort, showcase, check_in, coordinator):
    eligible = make_eligible(PairFactory(cohort=showcase_cohort), showcase=showcase, survey=check_in)
    short = PairFactory(cohort=showcase_cohort)
    held_meetings(short, 2)
    client.force_login(coordinator)

    response = client.get(_url("graduation-list", showcase_cohort.pk))

    rows = {
        pair: (c.meetings_held, c.project_submitted, c.survey_ok, c.eligible) for pair, c in response.context["rows"]
    }
    assert rows == {eligible: (4, True, True, True), short: (2, False, False, False)}
    assert response.context["rule"].final_survey == check_in
    eligible_only = client.get(_url("graduation-list", showcase_cohort.pk) + "?show=eligible")
    assert [pair for pair, _c in eligible_only.context["rows"]] == [eligible]


def test_an_unknown_filter_shows_the_pairs_still_to_graduate(client, showcase_cohort, coordinator):
    pair = PairFactory(cohort=showcase_cohort)
    client.force_login(coordinator)

    response = client.get(_url("graduation-list", showcase_cohort.pk) + "?show=<script>&page=x")

    assert [p for p, _c in response.context["rows"]] == [pair]


def test_graduate_one_pair(
    client, showcase_cohort, showcase, check_in, coordinator, django_capture_on_commit_callbacks
):
    pair = make_eligible(PairFactory(cohort=showcase_cohort), showcase=showcase, survey=check_in)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("graduation-graduate", showcase_cohort.pk), {"pairs": [pair.pk]}, follow=True)

    assert "1 pair graduated" in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == PairStatus.GRADUATED
    assert len(mail.outbox) == 2


def test_graduate_together_skips_the_ineligible_without_a_reason(
    client, showcase_cohort, showcase, check_in, coordinator
):
    eligible = make_eligible(PairFactory(cohort=showcase_cohort), showcase=showcase, survey=check_in)
    short = PairFactory(cohort=showcase_cohort)
    client.force_login(coordinator)

    response = client.post(
        _url("graduation-graduate", showcase_cohort.pk), {"pairs": [eligible.pk, short.pk], "show": "all"}, follow=True
    )

    content = response.content.decode()
    assert "has not finished what the program asks" in content
    assert response.redirect_chain[-1][0].endswith("?show=all")
    assert list(Pair.objects.filter(status=PairStatus.GRADUATED)) == [eligible]


def test_graduating_many_without_a_reason_lists_them_in_one_message(client, showcase_cohort, coordinator):
    pairs = [PairFactory(cohort=showcase_cohort) for _ in range(12)]
    client.force_login(coordinator)

    response = client.post(
        _url("graduation-graduate", showcase_cohort.pk), {"pairs": [p.pk for p in pairs]}, follow=True
    )

    warnings = [str(m) for m in response.context["messages"]]
    assert len(warnings) == 1
    assert warnings[0].startswith("12 pairs have not finished what the program asks, so they were not graduated: ")
    assert warnings[0].endswith("To graduate them anyway, choose them again and give the reason.")
    for pair in pairs:
        assert f"{pair} (not enough meetings held" in warnings[0]
    assert not Pair.objects.filter(status=PairStatus.GRADUATED).exists()


def test_the_page_opens_on_pairs_to_show(client, cohort, coordinator):
    """Active pairs first; in a closed cohort, whose pairs all finished, the graduated ones."""
    client.force_login(coordinator)
    graduated = PairFactory(cohort=cohort, status=PairStatus.GRADUATED)
    GraduationFactory(pair=graduated)
    ended = PairFactory(cohort=cohort, status=PairStatus.ENDED)

    closed = client.get(_url("graduation-list", cohort.pk))

    assert closed.context["show"] == "graduated"
    assert [p for p, _c in closed.context["rows"]] == [graduated]
    assert "No pair to show" not in closed.content.decode()

    active = PairFactory(cohort=cohort)
    assert [p for p, _c in client.get(_url("graduation-list", cohort.pk)).context["rows"]] == [active]
    Pair.objects.filter(cohort=cohort).exclude(pk=ended.pk).delete()
    assert client.get(_url("graduation-list", cohort.pk)).context["show"] == "all"


def test_graduate_together_with_a_reason(client, showcase_cohort, coordinator):
    pairs = [PairFactory(cohort=showcase_cohort) for _ in range(2)]
    client.force_login(coordinator)

    client.post(
        _url("graduation-graduate", showcase_cohort.pk),
        {"pairs": [p.pk for p in pairs], "override_reason": "The cohort ended early."},
    )

    assert list(Graduation.objects.values_list("override_reason", flat=True)) == ["The cohort ended early."] * 2


def test_a_tampered_pair_id_changes_nothing(client, showcase_cohort, coordinator):
    mine = PairFactory(cohort=showcase_cohort)
    foreign = PairFactory(cohort__phase=CohortPhase.SHOWCASE)
    client.force_login(coordinator)

    response = client.post(
        _url("graduation-graduate", showcase_cohort.pk),
        {"pairs": [mine.pk, foreign.pk, "abc"], "override_reason": "x"},
        follow=True,
    )

    assert response.status_code == 200
    assert Graduation.objects.count() == 0
    assert "One of the chosen pairs is not in this cohort." in response.content.decode()


def test_nothing_chosen_says_so(client, showcase_cohort, coordinator):
    client.force_login(coordinator)

    response = client.post(_url("graduation-graduate", showcase_cohort.pk), {}, follow=True)

    assert "Choose at least one pair." in response.content.decode()


def test_graduating_before_the_showcase_is_refused_with_a_message(client, cohort, coordinator):
    pair = PairFactory(cohort=cohort)
    client.force_login(coordinator)

    response = client.post(
        _url("graduation-graduate", cohort.pk), {"pairs": [pair.pk], "override_reason": "x"}, follow=True
    )

    assert "Pairs graduate at the showcase or after it." in response.content.decode()
    assert Graduation.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"), [("viewer", 403), ("mentee", 403), ("other coordinator", 404), ("stranger", 404)]
)
def test_only_the_coordinator_graduates(client, showcase_cohort, viewer, other_coordinator, who, status):
    pair = PairFactory(cohort=showcase_cohort)
    user = {
        "viewer": viewer,
        "mentee": pair.mentee.user,
        "other coordinator": other_coordinator,
        "stranger": UserFactory(),
    }[who]
    client.force_login(user)

    assert client.get(_url("graduation-list", showcase_cohort.pk)).status_code == status
    assert client.get(_url("graduation-settings", showcase_cohort.pk)).status_code == status
    response = client.post(
        _url("graduation-graduate", showcase_cohort.pk), {"pairs": [pair.pk], "override_reason": "x"}
    )
    assert response.status_code == status
    assert Graduation.objects.count() == 0


def test_the_coordinator_changes_what_is_asked(client, cohort, coordinator):
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.POST_PROGRAM)
    client.force_login(coordinator)

    client.post(_url("graduation-settings", cohort.pk), {"min_meetings": "3", "final_survey": str(survey.pk)})

    settings = GraduationSettings.objects.get()
    assert (settings.min_meetings, settings.final_survey) == (3, survey)


def test_another_cohorts_survey_cannot_be_chosen(client, cohort, coordinator):
    foreign = QuestionnaireFactory(kind=Kind.CHECK_IN)
    client.force_login(coordinator)

    response = client.post(
        _url("graduation-settings", cohort.pk), {"min_meetings": "3", "final_survey": str(foreign.pk)}
    )

    assert "final_survey" in response.context["form"].errors
    assert GraduationSettings.objects.count() == 0


@pytest.mark.parametrize("item_count", [1, 3])
def test_graduation_page_queries_do_not_grow(
    client, showcase_cohort, showcase, check_in, coordinator, item_count, django_assert_num_queries
):
    for _ in range(item_count):
        make_eligible(PairFactory(cohort=showcase_cohort), showcase=showcase, survey=check_in)
    client.force_login(coordinator)
    client.get(_url("graduation-list", showcase_cohort.pk))

    # 12 with the query that picks the filter to open on; 11 with a filter chosen.
    with django_assert_num_queries(12):
        response = client.get(_url("graduation-list", showcase_cohort.pk))
    with django_assert_num_queries(11):
        client.get(_url("graduation-list", showcase_cohort.pk) + "?show=active")

    assert len(response.context["rows"]) == item_count


# --- Certificates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentee", 200),
        ("mentor", 200),
        ("coordinator", 200),
        ("viewer", 404),
        ("other participant", 404),
        ("stranger", 404),
    ],
)
def test_who_sees_a_certificate(client, cohort, coordinator, viewer, who, status):
    graduation = GraduationFactory(pair=PairFactory(cohort=cohort, status=PairStatus.GRADUATED))
    pair = graduation.pair
    user = {
        "mentee": pair.mentee.user,
        "mentor": pair.mentor.user,
        "coordinator": coordinator,
        "viewer": viewer,
        "other participant": PairFactory(cohort=cohort).mentee.user,
        "stranger": UserFactory(),
    }[who]
    client.force_login(user)

    assert client.get(_url("certificate", graduation.pk, role="mentee")).status_code == status


def test_each_person_has_their_certificate(client, cohort):
    graduation = GraduationFactory(pair=PairFactory(cohort=cohort, status=PairStatus.GRADUATED))
    pair = graduation.pair
    client.force_login(pair.mentee.user)

    mentee = client.get(_url("certificate", graduation.pk, role="mentee")).content.decode()
    mentor = client.get(_url("certificate", graduation.pk, role="mentor")).content.decode()
    odd = client.get(_url("certificate", graduation.pk, role="admin"))

    assert "Certificate of completion" in mentee and pair.mentee.user.get_full_name() in mentee
    assert "Certificate of mentoring" in mentor and pair.mentor.user.get_full_name() in mentor
    assert odd.status_code == 404
