import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_signup_creates_user_with_full_name_and_signs_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ada Lovelace",
            "email": "Ada@Example.test",
            "password1": "an-engine-of-2026",
            "password2": "an-engine-of-2026",
        },
    )

    assert response.status_code == 302
    user = User.objects.get()
    assert (user.email, user.full_name) == ("ada@example.test", "Ada Lovelace")
    assert client.get(reverse("home")).status_code == 200


def test_signup_requires_full_name(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "ada@example.test", "password1": "an-engine-of-2026", "password2": "an-engine-of-2026"},
    )

    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert User.objects.count() == 0


def test_signup_duplicate_email_is_refused(client):
    UserFactory(email="ada@example.test")

    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "A",
            "email": "ADA@example.test",
            "password1": "an-engine-of-2026",
            "password2": "an-engine-of-2026",
        },
    )

    assert response.status_code == 200
    assert User.objects.count() == 1


def test_signin_with_email_and_password(client):
    user = UserFactory(email="grace@example.test")

    response = client.post(reverse("account_login"), {"login": "grace@example.test", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signin_wrong_password_is_refused(client):
    UserFactory(email="grace@example.test")

    response = client.post(reverse("account_login"), {"login": "grace@example.test", "password": "nope"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signin_from_one_address_is_slowed_after_repeated_failures(client):
    UserFactory(email="grace@example.test")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "grace@example.test", "password": "nope"})

    response = client.post(reverse("account_login"), {"login": "grace@example.test", "password": DEFAULT_PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_password_reset_sends_email(client):
    UserFactory(email="grace@example.test")

    client.post(reverse("account_reset_password"), {"email": "grace@example.test"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.test"]


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": "a-new-secret-2026", "password2": "a-new-secret-2026"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-secret-2026")


def test_signout_is_a_post(client):
    client.force_login(UserFactory())

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


def test_pages_need_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("verification", ["mandatory"])
def test_mandatory_verification_holds_back_unverified_sign_in(client, settings, verification):
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    UserFactory(email="new@example.test")

    response = client.post(reverse("account_login"), {"login": "new@example.test", "password": DEFAULT_PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1


def test_profile_updates_name_and_time_zone(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("mentorship:profile"), {"full_name": "Katherine Johnson", "time_zone": "America/New_York"}
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert (user.full_name, user.time_zone) == ("Katherine Johnson", "America/New_York")


def test_profile_rejects_unknown_time_zone(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("mentorship:profile"), {"full_name": "K", "time_zone": "Mars/Olympus_Mons"})

    user.refresh_from_db()
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert user.time_zone == ""
