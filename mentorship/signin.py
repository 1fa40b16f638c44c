"""Sign-in throttling that slows a guesser down without ever locking the owner out.

A lock on the account itself ("five wrong passwords and nobody gets in for five minutes") lets
anyone who knows an email address keep its owner out. Failed passwords are counted instead:

- per account *and* address: after ``SIGNIN_FREE_FAILURES`` failures that address must wait
  before it may try that account again, the wait doubling with each further failure up to
  ``SIGNIN_MAX_DELAY_SECONDS``. Another address (the owner at home, at work, on her phone)
  is not slowed by it;
- per address, whatever the account: after ``SIGNIN_ADDRESS_FREE_FAILURES`` the address waits
  the same way before any further password (one guesser trying many accounts);
- per account from every address (a guesser spread over many addresses): past
  ``SIGNIN_ACCOUNT_FREE_FAILURES`` the wait applies to browsers that have never signed in to
  the account, never to the owner's usual browser (a signed cookie set at each sign-in).

A refused attempt is not counted and its password is not checked. The way in that no
throttle blocks is the sign-in code sent by email (allauth's login by code). Counts live in
the cache (``DJANGO_CACHE_URL``: Redis when several web processes serve the site) and are
forgotten ``SIGNIN_WINDOW_SECONDS`` after the last failure.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

BROWSER_COOKIE = "signin_browser"
_BROWSER_SALT = "mentorship.signin.browser"
_BROWSER_MAX_AGE = 400 * 24 * 3600
_BROWSER_KEEP = 8  # accounts remembered per browser


def clock() -> float:
    """The current time; tests replace it to let a wait pass."""
    return time.time()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def account_key(login: str) -> str:
    return _digest(login.strip().lower())


@dataclass(frozen=True)
class Refusal:
    wait_seconds: int
    scope: str  # "account-address", "address" or "account"

    @property
    def message(self) -> str:
        minutes = math.ceil(self.wait_seconds / 60)
        wait = (
            ngettext("%(n)d second", "%(n)d seconds", self.wait_seconds) % {"n": self.wait_seconds}
            if self.wait_seconds < 120
            else ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
        )
        if self.scope == "address":
            reason = _("Too many failed sign-ins have come from your network.")
        else:
            reason = _("Too many failed sign-ins to this account.")
        return _(
            "%(reason)s To protect the account, the next password can be tried in %(wait)s. "
            "You can sign in at once with a code sent to your email instead."
        ) % {"reason": reason, "wait": wait}


def _counter_keys(scope: str, ident: str) -> tuple[str, str]:
    base = f"signin:{scope}:{ident}"
    return f"{base}:n", f"{base}:t"


def _network(address: str) -> str:
    """An IPv6 client holds a whole /64: counting single addresses would let it rotate."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def _scopes(*, login: str, address: str, trusted: bool) -> list[tuple[str, str, int]]:
    account = account_key(login)
    address = _network(address)
    scopes = [
        ("account-address", f"{account}:{_digest(address)}", settings.SIGNIN_FREE_FAILURES),
        ("address", _digest(address), settings.SIGNIN_ADDRESS_FREE_FAILURES),
    ]
    if not trusted:
        scopes.append(("account", account, settings.SIGNIN_ACCOUNT_FREE_FAILURES))
    return scopes


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after the last failure, given how many there were."""
    if failures < free:
        return 0
    return min(settings.SIGNIN_DELAY_SECONDS * 2 ** (failures - free), settings.SIGNIN_MAX_DELAY_SECONDS)


def check(*, login: str, address: str, trusted: bool) -> Refusal | None:
    """The refusal an attempt gets now, or None when its password may be checked."""
    now = clock()
    worst: Refusal | None = None
    for scope, ident, free in _scopes(login=login, address=address, trusted=trusted):
        count_key, last_key = _counter_keys(scope, ident)
        failures = cache.get(count_key, 0)
        last = cache.get(last_key)
        if not failures or last is None:
            continue
        remaining = math.ceil(last + delay_after(failures, free) - now)
        if remaining > 0 and (worst is None or remaining > worst.wait_seconds):
            worst = Refusal(wait_seconds=remaining, scope=scope)
    return worst


def record_failure(*, login: str, address: str) -> None:
    now = clock()
    window = settings.SIGNIN_WINDOW_SECONDS
    # Every failure counts against the account from every address, trusted browser or not.
    for scope, ident, _free in _scopes(login=login, address=address, trusted=False):
        count_key, last_key = _counter_keys(scope, ident)
        cache.add(count_key, 0, window)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, window)
        cache.touch(count_key, window)
        cache.set(last_key, now, window)


def record_success(*, login: str, address: str) -> None:
    """The owner got in from this address: her earlier typos there are forgiven. The address's
    own count stays (a guesser must not wash it out with sign-ins to an account of their own),
    and so does the account's (a guess elsewhere is still a guess)."""
    account = account_key(login)
    cache.delete_many(_counter_keys("account-address", f"{account}:{_digest(_network(address))}"))


# --- The owner's usual browser ---------------------------------------------------------------


def _browser_accounts(request: HttpRequest) -> list[str]:
    try:
        raw = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=_BROWSER_SALT, max_age=_BROWSER_MAX_AGE)
    except signing.BadSignature:
        return []
    return [part for part in raw.split(",") if part]


def is_trusted_browser(request: HttpRequest, *, login: str) -> bool:
    return account_key(login) in _browser_accounts(request)


def remember_browser(request: HttpRequest, response: HttpResponse, *, email: str) -> None:
    key = account_key(email)
    accounts = [key, *(a for a in _browser_accounts(request) if a != key)][:_BROWSER_KEEP]
    response.set_signed_cookie(
        BROWSER_COOKIE,
        ",".join(accounts),
        salt=_BROWSER_SALT,
        max_age=_BROWSER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
