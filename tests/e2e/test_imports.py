import re

import pytest
from playwright.sync_api import Page, expect

from cohorts.enums import CohortPhase, ParticipantRole
from cohorts.models import Enrollment
from matching.models import MatchRun
from matching.services.criteria import criteria_set_up_defaults
from mentorship.enums import OrgRole
from questionnaires.services.templating import questionnaire_from_template
from tests.factories import CohortFactory, MembershipFactory

from .test_matching import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = (
    "\ufeffTimestamp,Full name,Email Address,Role,Capacity,Career track,Time zone,Country,Values,Department,"
    "Years of experience,Focus areas,Goals for the program,Hours per month,Meeting times,Shoe size\n"
)
ROWS = [
    'x,Ada Imported,ada@import.example,Mentee,,Backend engineering,Europe/Madrid,Spain,"Technical craft;Leadership",'
    'Engineering,2,Technical skills,"Ship a service.\nThen talk about it.",4,Weekday mornings,38',
    "x,Bea Imported,bea@import.example,Mentee,,Data science and machine learning,Asia/Kolkata,IN,Social impact,"
    "Data and analytics,3,Leadership,Lead a data project,4,Weekends,39",
    "x,Xena Imported,xena@import.example,Mentor,1,Backend engineering,Europe/Berlin,DE,Technical craft,Engineering,"
    "12,Technical skills,Give back,4,Weekday mornings,40",
    "x,Yara Imported,yara@import.example,Mentor,1,Data science and machine learning,Asia/Kolkata,IN,Social impact,"
    '"Data and analytics",15,Leadership,Give back,4,Weekends,41',
    "x,Zed Imported,zed@import.example,Mentee,,Astrology,Europe/Madrid,ES,Leadership,Engineering,1,Leadership,"
    "Learn,4,Weekends,42",
]


def test_coordinator_imports_people_with_answers_and_matches_them_before_they_sign_in(
    live_server, page: Page, tmp_path
):
    base = live_server.url
    coordinator = MembershipFactory(role=OrgRole.COORDINATOR, user__full_name="Cora Coordinator").user
    cohort = CohortFactory(
        program__organization=coordinator.org_memberships.get().organization,
        name="Imported cohort",
        phase=CohortPhase.TRAINING,
        mentor_default_capacity=1,
    )
    for role in (ParticipantRole.MENTEE, ParticipantRole.MENTOR):
        questionnaire_from_template(cohort=cohort, template_key=f"{role}_application", by=None)
    criteria_set_up_defaults(cohort=cohort)
    export = tmp_path / "form-export.csv"
    export.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")

    # Upload: the extra columns go to the mapping step, guessed from their headers.
    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/cohorts/{cohort.pk}/invitations/")
    page.locator("#id_file").set_input_files(str(export))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import of form-export.csv: the answers")).to_be_visible()
    track = page.get_by_label("“Career track” in Mentee application")
    expect(track.locator("option:checked")).to_have_text("Which career track do you want to grow in?")
    expect(page.get_by_label("“Shoe size” in Mentee application").locator("option:checked")).to_have_text("Ignore")
    preview = page.get_by_role("region", name="Preview of the first rows")
    expect(preview.get_by_role("cell", name="Ada Imported")).to_be_visible()
    expect(page.get_by_text("“Astrology” is not one of the choices").first).to_be_visible()

    # The coordinator ignores the timestamp explicitly, looks again, then imports.
    page.get_by_label("“Timestamp” in Mentor application").select_option(label="Ignore")
    page.get_by_role("button", name="Update the preview").click()
    expect(page.get_by_text("1 row has a problem.", exact=False)).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("5 invited, 0 skipped.")).to_be_visible()
    expect(page.get_by_role("heading", name="People imported without some answers")).to_be_visible()
    assert Enrollment.objects.filter(cohort=cohort, user__last_login__isnull=True).count() == 5

    # Nobody has signed in, yet the round matches the imported people by their answers.
    page.goto(f"{base}/cohorts/{cohort.pk}/matching/")
    page.get_by_role("button", name="Run the first round").click()
    expect(page.get_by_text("Round 1 is ready: 2 proposals to review.")).to_be_visible()
    run = MatchRun.objects.get()
    assert {(p.mentee.user.full_name, p.mentor.user.full_name) for p in run.proposals.all()} == {
        ("Ada Imported", "Xena Imported"),
        ("Bea Imported", "Yara Imported"),
    }
    page.get_by_role("link", name="Review the proposals").click()
    expect(page.get_by_role("link", name="Ada Imported", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Bea Imported"))).to_be_visible()
