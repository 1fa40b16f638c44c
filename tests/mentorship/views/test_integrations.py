import pytest
from django.urls import reverse

from mentorship.api_auth import key_hash
from mentorship.enums import OrgRole
from mentorship.models import ApiToken, Webhook, WebhookDelivery
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _url(organization, name="integrations", **kwargs):
    return reverse(f"mentorship:{name}", kwargs={"slug": organization.slug, **kwargs})


def test_a_coordinator_creates_a_key_and_sees_it_once(client, coordinator, organization):
    client.force_login(coordinator)

    created = client.post(
        _url(organization, "api-token-create"), {"name": "HR sync", "access": "write", "can_read_sensitive": "on"}
    )
    listing = client.get(_url(organization))

    token = ApiToken.objects.get()
    key = created.context["key"]
    assert token.key_hash == key_hash(key)
    assert (token.name, token.access, token.can_read_sensitive, token.created_by) == ("HR sync", "write", True, coordinator)
    assert key.encode() in created.content
    assert created["Cache-Control"] == "no-store"
    assert key.encode() not in listing.content
    assert token.prefix.encode() in listing.content


def test_a_key_needs_a_name(client, coordinator, organization):
    client.force_login(coordinator)

    response = client.post(_url(organization, "api-token-create"), {"name": "  ", "access": "read"})

    assert response.status_code == 200
    assert response.context["token_form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_coordinator_revokes_a_key(client, coordinator, organization, api_client):
    key_client = api_client()
    client.force_login(coordinator)

    client.post(_url(organization, "api-token-revoke", pk=key_client.token.pk))

    key_client.token.refresh_from_db()
    assert key_client.token.revoked_by == coordinator
    assert key_client.get("/api/v1/programs/").status_code == 401


def test_viewers_may_not_manage_keys(client, viewer, organization):
    client.force_login(viewer)

    assert client.get(_url(organization)).status_code == 403
    assert client.post(_url(organization, "api-token-create"), {"name": "x", "access": "read"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_another_organizations_coordinator_finds_nothing(client, organization, api_client):
    key_client = api_client()
    stranger = MembershipFactory(role=OrgRole.COORDINATOR).user
    client.force_login(stranger)

    assert client.get(_url(organization)).status_code == 404
    assert client.post(_url(organization, "api-token-revoke", pk=key_client.token.pk)).status_code == 404
    own = _url(stranger.org_memberships.get().organization, "api-token-revoke", pk=key_client.token.pk)
    assert client.post(own).status_code == 404
    key_client.token.refresh_from_db()
    assert key_client.token.is_active


# --- Webhooks -------------------------------------------------------------------------------


def _webhook(organization, coordinator, receiver):
    from mentorship.webhooks import webhook_create

    return webhook_create(
        organization=organization, url=receiver.url + "/in", events=["pair.published"], description="", by=coordinator
    )


def test_a_coordinator_registers_a_webhook_and_sees_the_secret_once(client, coordinator, organization, receiver):
    client.force_login(coordinator)

    created = client.post(
        _url(organization, "webhook-create"),
        {"url": receiver.url + "/in", "events": ["pair.published", "meeting.logged"], "description": "Warehouse"},
    )
    webhook = Webhook.objects.get()
    detail = client.get(_url(organization, "webhook-detail", pk=webhook.pk))

    assert (webhook.url, webhook.events, webhook.created_by) == (
        receiver.url + "/in",
        ["pair.published", "meeting.logged"],
        coordinator,
    )
    assert webhook.secret.encode() in created.content
    assert created["Cache-Control"] == "no-store"
    assert webhook.secret.encode() not in detail.content


def test_a_private_address_is_refused_with_a_reason_in_production(client, coordinator, organization, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    client.force_login(coordinator)

    response = client.post(
        _url(organization, "webhook-create"), {"url": "https://127.0.0.1/in", "events": ["pair.published"]}
    )

    assert response.status_code == 200
    assert response.context["webhook_form"].errors["url"] == [
        "127.0.0.1 is a private or local address; only public addresses can be used."
    ]
    assert not Webhook.objects.exists()


def test_a_test_delivery_reaches_the_receiver_and_is_logged(
    client, coordinator, organization, receiver, django_capture_on_commit_callbacks
):
    webhook = _webhook(organization, coordinator, receiver)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(organization, "webhook-action", pk=webhook.pk, action="test"))
    page = client.get(_url(organization, "webhook-detail", pk=webhook.pk))

    assert [r["headers"]["X-Mentorship-Event"] for r in receiver.requests] == ["ping"]
    assert [(d.event, d.response_status) for d in page.context["page"].object_list] == [("ping", 200)]


@pytest.mark.parametrize("item_count", [1, 3, 30])
def test_the_delivery_log_costs_a_fixed_number_of_queries(
    client, coordinator, organization, receiver, item_count, django_assert_num_queries
):
    webhook = _webhook(organization, coordinator, receiver)
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook=webhook, event="pair.published", payload={}) for _ in range(item_count)]
    )
    client.force_login(coordinator)

    # Session, user, organization, roles, webhook, count, page, and the navigation
    # (organizations, programs, cohorts).
    with django_assert_num_queries(10):
        response = client.get(_url(organization, "webhook-detail", pk=webhook.pk))

    assert len(response.context["page"].object_list) == min(item_count, 25)


def test_webhooks_of_another_organization_are_not_found(client, coordinator, organization, receiver):
    webhook = _webhook(organization, coordinator, receiver)
    stranger = MembershipFactory(role=OrgRole.COORDINATOR).user
    client.force_login(stranger)
    theirs = stranger.org_memberships.get().organization

    assert client.get(_url(organization, "webhook-detail", pk=webhook.pk)).status_code == 404
    assert client.get(_url(theirs, "webhook-detail", pk=webhook.pk)).status_code == 404
    assert client.post(_url(theirs, "webhook-action", pk=webhook.pk, action="delete")).status_code == 404
    assert Webhook.objects.filter(pk=webhook.pk).exists()


def test_viewers_cannot_touch_webhooks_and_unknown_actions_are_404(client, coordinator, viewer, organization, receiver):
    webhook = _webhook(organization, coordinator, receiver)
    client.force_login(viewer)
    assert client.post(_url(organization, "webhook-action", pk=webhook.pk, action="delete")).status_code == 403

    client.force_login(coordinator)
    assert client.post(_url(organization, "webhook-action", pk=webhook.pk, action="explode")).status_code == 404
    assert client.get(_url(organization, "webhook-action", pk=webhook.pk, action="delete")).status_code == 405

    client.post(_url(organization, "webhook-action", pk=webhook.pk, action="delete"))
    assert not Webhook.objects.exists()
