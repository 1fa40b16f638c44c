import re

import pytest
from playwright.sync_api import Page, expect

from mentorship.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_new_person_signs_up_signs_in_and_reaches_home(live_server, page: Page):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Sign up").first.click()

    page.get_by_label("Full name").fill("Mary Jackson")
    page.get_by_label("Email").fill("mary@example.test")
    page.get_by_label("Password", exact=False).first.fill("wind-tunnel-2026")
    page.get_by_label("Password (again)").fill("wind-tunnel-2026")
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name="Welcome, Mary")).to_be_visible()
    assert User.objects.get(email="mary@example.test").full_name == "Mary Jackson"

    page.get_by_role("button", name="Mary Jackson").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("mary@example.test")
    page.get_by_label("Password").fill("wind-tunnel-2026")
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Welcome, Mary")).to_be_visible()
    # Someone in no cohort yet is told how one reaches their home page.
    expect(page.get_by_role("main")).to_contain_text("You are not part of a cohort yet.")
