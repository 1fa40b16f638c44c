import pytest
from django.db import connection
from django.urls import reverse

from mentorship.models import Delivery, EmailState, Notification
from tests.factories import CohortFactory, EnrollmentFactory, NotificationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("mentorship:notification-list")
BADGE = reverse("mentorship:notification-badge")
PREFERENCES = reverse("mentorship:notification-preferences")


def test_the_list_shows_only_the_persons_own_notifications(client):
    person, other = UserFactory(), UserFactory()
    mine = NotificationFactory(user=person, title="Your meeting is confirmed")
    NotificationFactory(user=other, title="Somebody else's news")
    client.force_login(person)

    response = client.get(LIST)

    assert list(response.context["page"].object_list) == [mine]
    assert b"Your meeting is confirmed" in response.content
    assert b"Somebody else" not in response.content


def test_the_list_filters_unread(client):
    person = UserFactory()
    unread = NotificationFactory(user=person)
    NotificationFactory(user=person, read_at="2027-01-01T00:00Z")
    client.force_login(person)

    response = client.get(LIST + "?show=unread")

    assert list(response.context["page"].object_list) == [unread]
    assert response.context["unread"] == 1


@pytest.mark.parametrize("item_count", [1, 3, 40])
def test_the_list_costs_a_fixed_number_of_queries(client, item_count, django_assert_num_queries):
    person = UserFactory()
    NotificationFactory.create_batch(item_count, user=person)
    client.force_login(person)

    # Session, user, the page's count and rows, the unread count, and the navigation
    # (organizations, cohorts). On PostgreSQL the person is loaded with the ids of their
    # organizations, so the navigation knows there are none without asking.
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 7):
        response = client.get(LIST)

    assert len(response.context["page"].object_list) == min(item_count, 25)


def test_the_badge_counts_unread_and_is_polled_from_every_page(client):
    person = UserFactory()
    NotificationFactory.create_batch(2, user=person)
    NotificationFactory(user=person, read_at="2027-01-01T00:00Z")
    NotificationFactory()
    client.force_login(person)

    badge = client.get(BADGE)
    home = client.get(reverse("home"))

    assert badge.status_code == 200
    assert b">2</span>" in badge.content
    assert b"unread notifications" in badge.content
    assert badge["Cache-Control"] == "no-store"
    assert f'hx-get="{BADGE}"'.encode() in home.content
    assert b'hx-trigger="load, every 60s"' in home.content


def test_the_badge_is_empty_without_unread_and_stops_polling_once_signed_out(client):
    person = UserFactory()
    client.force_login(person)

    empty = client.get(BADGE)
    client.logout()
    signed_out = client.get(BADGE)

    assert empty.content.strip() == b""
    assert (signed_out.status_code, signed_out.content) == (286, b"")


def test_mark_read_marks_only_ones_own(client):
    person, other = UserFactory(), UserFactory()
    mine = NotificationFactory(user=person)
    theirs = NotificationFactory(user=other)
    client.force_login(person)

    client.post(reverse("mentorship:notification-read", args=[mine.pk]))
    response = client.post(reverse("mentorship:notification-read", args=[theirs.pk]), follow=True)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    assert "This notification no longer exists." in [str(m) for m in response.context["messages"]]


def test_mark_read_goes_back_to_the_page_it_came_from_but_never_off_site(client):
    person = UserFactory()
    first, second = NotificationFactory.create_batch(2, user=person)
    client.force_login(person)

    back = client.post(reverse("mentorship:notification-read", args=[first.pk]), {"next": LIST + "?page=2"})
    away = client.post(reverse("mentorship:notification-read", args=[second.pk]), {"next": "https://evil.example/"})

    assert back["Location"] == LIST + "?page=2"
    assert away["Location"] == LIST


def test_mark_all_read_leaves_other_people_alone(client):
    person, other = UserFactory(), UserFactory()
    NotificationFactory.create_batch(3, user=person)
    theirs = NotificationFactory(user=other)
    client.force_login(person)

    client.post(reverse("mentorship:notification-read-all"))

    assert Notification.objects.filter(user=person, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_a_post(client):
    person = UserFactory()
    item = NotificationFactory(user=person)
    client.force_login(person)

    response = client.get(reverse("mentorship:notification-read", args=[item.pk]))

    assert response.status_code == 405
    item.refresh_from_db()
    assert item.read_at is None


def test_open_marks_read_and_follows_the_link(client):
    person = UserFactory()
    item = NotificationFactory(user=person, url="/pairs/12/")
    client.force_login(person)

    response = client.get(reverse("mentorship:notification-open", args=[item.pk]))

    assert response["Location"] == "/pairs/12/"
    item.refresh_from_db()
    assert item.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", ""])
def test_open_never_leaves_the_site(client, url):
    person = UserFactory()
    item = NotificationFactory(user=person, url=url)
    client.force_login(person)

    response = client.get(reverse("mentorship:notification-open", args=[item.pk]))

    assert response["Location"] == LIST


def test_open_of_somebody_elses_notification_reveals_nothing(client):
    item = NotificationFactory(url="/pairs/99/")
    client.force_login(UserFactory())

    response = client.get(reverse("mentorship:notification-open", args=[item.pk]))

    assert response["Location"] == LIST
    item.refresh_from_db()
    assert item.read_at is None


def test_the_pages_need_a_signed_in_person(client):
    assert client.get(LIST)["Location"].startswith(reverse("account_login"))
    assert client.get(PREFERENCES)["Location"].startswith(reverse("account_login"))


# --- Email preferences ---------------------------------------------------------------------


def test_preferences_are_saved_and_shown(client):
    person = UserFactory()
    client.force_login(person)

    form = client.get(PREFERENCES).context["form"]
    data = {**dict.fromkeys(form.fields, "immediate"), "meeting-reminder": "digest", "meeting-message": "off"}

    response = client.post(PREFERENCES, data, follow=True)

    stored = dict(person.notification_preferences.values_list("kind", "delivery"))
    assert (stored["meeting-reminder"], stored["meeting-message"]) == (Delivery.DIGEST, Delivery.OFF)
    assert "invitation" not in stored
    assert response.context["form"]["meeting-reminder"].value() == "digest"
    assert b"Always sent right away: you need it to take part." in response.content


def test_preferences_refuse_an_unknown_choice_and_change_nothing(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(PREFERENCES, {"meeting-reminder": "hourly"})

    assert response.status_code == 200
    assert response.context["form"].errors["meeting-reminder"]
    assert person.notification_preferences.count() == 0


def test_preferences_say_which_program_requires_a_kind(client):
    program = ProgramFactory(name="Reach <Out>", required_emails=["meeting-reminder"])
    enrollment = EnrollmentFactory(cohort=CohortFactory(program=program))
    client.force_login(enrollment.user)

    response = client.get(PREFERENCES)

    assert b"Always sent right away for Reach &lt;Out&gt;: the program requires it." in response.content


def test_coordinator_kinds_are_offered_to_coordinators_only(client, coordinator):
    client.force_login(UserFactory())
    participant = client.get(PREFERENCES).context["form"]
    client.force_login(coordinator)
    coordinating = client.get(PREFERENCES).context["form"]

    assert "meeting-at-risk-digest" not in participant.fields
    assert "meeting-at-risk-digest" in coordinating.fields


def test_a_coordinator_sets_the_emails_a_program_requires(client, coordinator, organization):
    program = ProgramFactory(organization=organization)
    client.force_login(coordinator)

    client.post(
        reverse("mentorship:program-update", args=[program.pk]),
        {"name": program.name, "description": "", "is_active": "on", "required_emails": ["meeting-reminder"]},
    )
    refused = client.post(
        reverse("mentorship:program-update", args=[program.pk]),
        {"name": program.name, "description": "", "is_active": "on", "required_emails": ["invitation"]},
    )

    program.refresh_from_db()
    assert program.required_emails == ["meeting-reminder"]
    assert refused.context["form"].errors["required_emails"]


def test_notifications_in_the_list_say_what_became_of_their_email(client):
    person = UserFactory()
    NotificationFactory(user=person, email_state=EmailState.DIGEST_PENDING)
    client.force_login(person)

    response = client.get(LIST)

    assert b"in your next daily digest" in response.content
