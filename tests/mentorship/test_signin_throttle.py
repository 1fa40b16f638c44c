"""Failed sign-ins slow the address that sent them and never keep the owner out."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mentorship import signin
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OWNER = "coordinator@example.test"
ATTACKER_ADDRESS = "203.0.113.66"


@pytest.fixture
def owner():
    return UserFactory(email=OWNER)


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves forward, so that a wait can pass."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(signin, "clock", lambda: now["t"])
    return now


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, password: str, login: str = OWNER):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors()) if response.context else []


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_owner_gets_in_from_another_address_after_fifty_failures(owner, clock):
    attacker = from_address(ATTACKER_ADDRESS)
    refusals = [sign_in(attacker, f"guess-{i}") for i in range(50)]

    # The attacker's address is slowed after five guesses, with a message that says why...
    assert not signed_in(attacker)
    assert all(r.status_code == 200 for r in refusals[:29])
    sixth = form_errors(refusals[5])
    assert len(sixth) == 1
    assert "Too many failed sign-ins to this account" in sixth[0]
    assert "code sent to your email" in sixth[0]
    # ...and past 30 requests a minute refused outright, with a page that says what to do.
    assert refusals[-1].status_code == 429
    assert "Send me a sign-in code" in refusals[-1].content.decode()
    # Only the five passwords actually tried were counted.
    count_key, _last = signin._counter_keys("account", signin.account_key(OWNER))
    assert cache.get(count_key) == 5

    owner_client = from_address("198.51.100.7")
    response = sign_in(owner_client, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert int(owner_client.session["_auth_user_id"]) == owner.pk


def test_refused_attempts_are_not_tried_even_with_the_right_password(owner, clock):
    attacker = from_address(ATTACKER_ADDRESS)
    for i in range(5):
        sign_in(attacker, f"guess-{i}")

    response = sign_in(attacker, DEFAULT_PASSWORD)

    assert not signed_in(attacker)
    assert "the next password can be tried in 30 seconds" in form_errors(response)[0]


def test_the_wait_rises_with_each_further_failure_and_then_lets_one_try_through(owner, clock):
    attacker = from_address(ATTACKER_ADDRESS)
    for i in range(5):
        sign_in(attacker, f"guess-{i}")
    clock["t"] += 31
    response = sign_in(attacker, "guess-after-the-wait")  # tried, wrong: the wait doubles
    assert len(form_errors(response)) == 1
    assert "Too many" not in form_errors(response)[0]

    assert "60 seconds" in form_errors(sign_in(attacker, "again"))[0]
    clock["t"] += 61
    sign_in(attacker, "once-more")
    assert "2 minutes" in form_errors(sign_in(attacker, "again"))[0]

    # The wait is capped, so a long attack never turns into a lock.
    for _ in range(20):
        clock["t"] += 16 * 60
        sign_in(attacker, "again")
    assert "15 minutes" in form_errors(sign_in(attacker, "again"))[0]


def test_the_owner_at_the_same_address_gets_in_once_the_wait_is_over(owner, clock):
    client = from_address("198.51.100.7")
    for i in range(5):
        sign_in(client, f"typo-{i}")
    clock["t"] += 31

    sign_in(client, DEFAULT_PASSWORD)

    assert signed_in(client)
    # Her typos are forgiven once she is in: the next typo does not start a longer wait.
    assert signin.check(login=OWNER, address="198.51.100.7", trusted=False) is None


def test_one_address_guessing_many_accounts_is_slowed_for_all_of_them(clock):
    attacker = from_address(ATTACKER_ADDRESS)
    for i in range(20):
        sign_in(attacker, "password1", login=f"person{i}@example.test")

    victim = UserFactory(email="someone-else@example.test")
    response = sign_in(attacker, DEFAULT_PASSWORD, login=victim.email)

    assert not signed_in(attacker)
    assert "Too many failed sign-ins have come from your network" in form_errors(response)[0]
    # Everybody else is unaffected.
    other = from_address("198.51.100.7")
    sign_in(other, DEFAULT_PASSWORD, login=victim.email)
    assert signed_in(other)


def test_guesses_spread_over_many_addresses_never_refuse_the_owners_usual_browser(owner, clock):
    usual = from_address("198.51.100.7")
    sign_in(usual, DEFAULT_PASSWORD)
    assert signed_in(usual)
    usual.post(reverse("account_logout"))

    for i in range(60):
        sign_in(from_address(f"203.0.113.{i}"), f"guess-{i}")

    # A browser that never signed in to the account waits...
    stranger = from_address("192.0.2.1")
    response = sign_in(stranger, DEFAULT_PASSWORD)
    assert not signed_in(stranger)
    assert "Too many failed sign-ins to this account" in form_errors(response)[0]

    # ...the owner's usual browser does not, wherever she is.
    usual.defaults["REMOTE_ADDR"] = "192.0.2.99"
    sign_in(usual, DEFAULT_PASSWORD)
    assert int(usual.session["_auth_user_id"]) == owner.pk


def test_a_forged_browser_cookie_is_ignored(owner, clock):
    for i in range(60):
        sign_in(from_address(f"203.0.113.{i}"), f"guess-{i}")
    stranger = from_address("192.0.2.1")
    stranger.cookies[signin.BROWSER_COOKIE] = signin.account_key(OWNER)

    sign_in(stranger, DEFAULT_PASSWORD)

    assert not signed_in(stranger)


def request_code(client: Client, email: str = OWNER) -> str:
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_confirm_login_code"))
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)


def test_a_sign_in_code_by_email_lets_the_owner_in_while_her_address_waits(owner, clock):
    client = from_address(ATTACKER_ADDRESS)  # the owner, sharing the attacker's network
    for i in range(50):
        sign_in(client, f"guess-{i}")

    code = request_code(client)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == owner.pk


def test_a_sign_in_code_works_once(owner, clock):
    client = from_address("198.51.100.7")
    code = request_code(client)
    client.post(reverse("account_confirm_login_code"), {"code": code})
    assert signed_in(client)
    client.post(reverse("account_logout"))

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert not signed_in(client)
    assert response.status_code in (200, 302)


def test_a_sign_in_code_expires(owner, clock, settings, monkeypatch):
    import time

    from allauth.account.internal.flows import code_verification

    client = from_address("198.51.100.7")
    code = request_code(client)
    later = time.time() + settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT + 1
    monkeypatch.setattr(code_verification.time, "time", lambda: later)

    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert not signed_in(client)


def test_a_wrong_code_three_times_ends_the_attempt(owner, clock):
    client = from_address("198.51.100.7")
    code = request_code(client)
    for _ in range(3):
        client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})

    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert not signed_in(client)


def test_sign_in_page_offers_the_code():
    response = Client().get(reverse("account_login"))

    assert reverse("account_request_login_code") in response.content.decode()
