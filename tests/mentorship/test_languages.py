import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SWITCH = reverse("language-switch")


def test_the_browsers_preference_is_followed_when_signed_out(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5")

    assert response["Content-Language"] == "es"
    assert b'<html lang="es">' in response.content


def test_a_persons_own_choice_wins_over_the_browser(client):
    person = UserFactory(language="es")
    client.force_login(person)

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Language"] == "es"


def test_without_a_choice_the_browser_decides_for_a_signed_in_person_too(client):
    client.force_login(UserFactory(language=""))

    assert client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "es"
    assert client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


def test_the_profile_stores_the_language(client):
    person = UserFactory(time_zone="Europe/Madrid")
    client.force_login(person)

    client.post(
        reverse("mentorship:profile"), {"full_name": "Ada Lovelace", "time_zone": "Europe/Madrid", "language": "es"}
    )
    refused = client.post(
        reverse("mentorship:profile"), {"full_name": "Ada Lovelace", "time_zone": "Europe/Madrid", "language": "xx"}
    )

    person.refresh_from_db()
    assert person.language == "es"
    assert refused.context["form"].errors["language"]


def test_the_switch_keeps_the_choice_on_the_profile_and_in_a_cookie(client, settings):
    person = UserFactory()
    client.force_login(person)

    response = client.post(SWITCH, {"language": "es", "next": "/notifications/"})

    person.refresh_from_db()
    assert person.language == "es"
    assert response["Location"] == "/notifications/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_the_switch_works_signed_out_and_never_redirects_off_site(client, settings):
    response = client.post(SWITCH, {"language": "es", "next": "https://evil.example/"})
    unknown = client.post(SWITCH, {"language": "klingon"})

    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert settings.LANGUAGE_COOKIE_NAME not in unknown.cookies
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "es"
