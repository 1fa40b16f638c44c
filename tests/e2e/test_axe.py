"""axe-core over the demo's main pages for every role: no serious or critical violation, and
no text below the contrast WCAG asks for (the colour-contrast rule, whatever its impact)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from mentorship.demo import seed_demo

from .demo_pages import walk

pytestmark = pytest.mark.django_db(transaction=True)

# How many pages of each person: their named pages first, then one of each kind they link to.
ROLES = {
    "coordinator@demo.test": 35,
    "viewer@demo.test": 15,
    "reviewer1@demo.test": 15,
    "mentor1@demo.test": 15,
    "mentee1@demo.test": 15,
    "applicant1@demo.test": 10,
    "alumni1@demo.test": 15,
}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    seed_demo()


def problems(results: dict) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node.get('failureSummary', '')}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING or violation["id"] == "color-contrast"
        for node in violation["nodes"]
    ]


def test_main_pages_pass_axe_for_every_role(demo, live_server, browser: Browser):
    axe = Axe()
    found = {}
    checked = {}

    for email, limit in ROLES.items():
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        checked[email] = 0
        for path in walk(page, live_server.url, email, limit=limit):
            checked[email] += 1
            if listed := problems(axe.run(page, options={"resultTypes": ["violations"]}).response):
                found[f"{email} {path}"] = listed
        page.context.close()

    # Every person reached most of their pages (a broken sign-in would check nothing).
    assert {email: count >= min(limit, 6) for email, count in checked.items()} == dict.fromkeys(ROLES, True)
    assert found == {}, "\n".join(f"{where}: {problem}" for where, listed in found.items() for problem in listed)
