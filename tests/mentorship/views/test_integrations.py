import pytest
from django.urls import reverse

from mentorship.api_auth import key_hash
from mentorship.enums import OrgRole
from mentorship.models import ApiToken
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
