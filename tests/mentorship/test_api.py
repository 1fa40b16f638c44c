import datetime
import json
import urllib.error
import urllib.request

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mentorship.api_auth import PerAddressThrottle, PerKeyThrottle, key_hash
from mentorship.integrations import api_token_revoke
from mentorship.models import ApiToken, Program
from tests.factories import OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PROGRAMS = "/api/v1/programs/"


def test_a_key_reads_its_organizations_programs(api_client, organization):
    mine = ProgramFactory(organization=organization, name="Reach Out")
    ProgramFactory(name="Another organization's")

    response = api_client().get(PROGRAMS)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [p["id"] for p in response.json()["results"]] == [mine.pk]
    assert response.json()["results"][0]["name"] == "Reach Out"


def test_another_organizations_ids_are_not_found(api_client):
    foreign = ProgramFactory()

    response = api_client().get(f"{PROGRAMS}{foreign.pk}/")

    assert response.status_code == 404


def test_no_key_an_unknown_key_and_a_malformed_header_are_refused(client):
    ProgramFactory()

    missing = client.get(PROGRAMS)
    unknown = client.get(PROGRAMS, HTTP_AUTHORIZATION="Bearer mnt_not-a-real-key")
    malformed = client.get(PROGRAMS, HTTP_AUTHORIZATION="Bearer two parts")

    assert (missing.status_code, unknown.status_code, malformed.status_code) == (401, 401, 401)
    assert missing["WWW-Authenticate"] == 'Bearer realm="api"'
    assert unknown.json() == {"detail": "This key is not valid."}


def test_a_revoked_key_is_refused(api_client, coordinator):
    client = api_client()
    assert client.get(PROGRAMS).status_code == 200

    api_token_revoke(token=client.token, by=coordinator)
    response = client.get(PROGRAMS)

    assert response.status_code == 401
    assert response.json() == {"detail": "This key was revoked."}


def test_only_a_hash_of_the_key_is_stored(api_client):
    client = api_client()

    token = ApiToken.objects.get()
    assert token.key_hash == key_hash(client.key)
    assert client.key not in {token.key_hash, token.prefix, token.name}
    assert client.key.startswith(token.prefix)


def test_a_read_only_key_cannot_write(api_client, organization):
    response = api_client(access="read").post(PROGRAMS, {"name": "Sneaky"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "This key is read-only."}
    assert not Program.objects.filter(name="Sneaky").exists()


def test_programs_cannot_be_written_even_with_a_read_write_key(api_client):
    response = api_client(access="write").post(PROGRAMS, {"name": "Sneaky"}, format="json")

    assert response.status_code == 405


def test_last_used_is_recorded_at_most_once_a_minute(api_client):
    client = api_client()

    client.get(PROGRAMS)
    first = ApiToken.objects.get().last_used_at
    client.get(PROGRAMS)

    assert first is not None
    assert ApiToken.objects.get().last_used_at == first


def test_changed_since_filters_on_the_last_change(api_client, organization):
    old = ProgramFactory(organization=organization)
    recent = ProgramFactory(organization=organization)
    Program.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=10))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    response = api_client().get(PROGRAMS, {"changed_since": since})
    by_date = api_client().get(PROGRAMS, {"changed_since": (timezone.now() - datetime.timedelta(days=20)).date()})

    assert [p["id"] for p in response.json()["results"]] == [recent.pk]
    assert [p["id"] for p in by_date.json()["results"]] == [old.pk, recent.pk]


@pytest.mark.parametrize("value", ["yesterday", "2027-13-40", "<script>"])
def test_a_bad_changed_since_is_a_clear_400(api_client, value):
    response = api_client().get(PROGRAMS, {"changed_since": value})

    assert response.status_code == 400
    assert response.json() == {"changed_since": ["Give an ISO 8601 date or date-time."]}


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31T23:59:59+14:00", "1969-12-31"])
def test_a_changed_since_outside_any_sensible_range_is_a_clear_400(api_client, value):
    response = api_client().get(PROGRAMS, {"changed_since": value})

    assert response.status_code == 400
    assert response.json()["changed_since"][0].startswith("Give a moment between 1970 and ")


def test_changed_since_the_epoch_means_everything(api_client, organization):
    response = api_client().get(PROGRAMS, {"changed_since": "1970-01-01T00:00:00Z"})

    assert response.status_code == 200


def test_pages_are_limited_and_linked(api_client, organization):
    ProgramFactory.create_batch(5, organization=organization)

    first = api_client().get(PROGRAMS, {"page_size": 2})
    too_far = api_client().get(PROGRAMS, {"page_size": 2, "page": 9})

    assert first.json()["count"] == 5
    assert len(first.json()["results"]) == 2
    assert "page=2" in first.json()["next"]
    assert too_far.status_code == 404


def test_requests_per_key_are_rate_limited(api_client, monkeypatch):
    monkeypatch.setattr(PerKeyThrottle, "rate", "3/minute", raising=False)
    client, other = api_client(), api_client()

    statuses = [client.get(PROGRAMS).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert other.get(PROGRAMS).status_code == 200


def test_requests_per_address_are_limited_before_the_key_is_checked(monkeypatch):
    monkeypatch.setattr(PerAddressThrottle, "rate", "2/minute", raising=False)
    client = APIClient()

    statuses = [client.get(PROGRAMS, HTTP_AUTHORIZATION=f"Bearer guess-{n}").status_code for n in range(3)]

    assert statuses == [401, 401, 429]


def test_the_openapi_schema_is_served_without_a_key(client):
    response = client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Mentorship API"
    assert {"/api/v1/programs/", "/api/v1/people/", "/api/v1/pairs/", "/api/v1/responses/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


# --- Against a real server on 127.0.0.1 ------------------------------------------------------------


def _get(url: str, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_the_api_over_http_scopes_keys_to_their_organization(live_server, api_client, organization, coordinator):
    mine = ProgramFactory(organization=organization, name="Mine")
    other_org = OrganizationFactory()
    theirs = ProgramFactory(organization=other_org, name="Theirs")
    my_key, their_key = api_client().key, api_client(org=other_org).key

    mine_seen = _get(f"{live_server.url}{PROGRAMS}", my_key)
    cross = _get(f"{live_server.url}{PROGRAMS}{theirs.pk}/", my_key)
    theirs_seen = _get(f"{live_server.url}{PROGRAMS}", their_key)
    api_token_revoke(token=ApiToken.objects.get(key_hash=key_hash(my_key)), by=coordinator)
    revoked = _get(f"{live_server.url}{PROGRAMS}", my_key)

    assert mine_seen[0] == 200
    assert [p["name"] for p in mine_seen[1]["results"]] == ["Mine"]
    assert cross[0] == 404
    assert [p["id"] for p in theirs_seen[1]["results"]] == [theirs.pk]
    assert mine.pk not in [p["id"] for p in theirs_seen[1]["results"]]
    assert revoked[0] == 401
