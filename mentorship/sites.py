"""The Site record django.contrib.sites keeps (allauth's emails read its name and domain)."""

from urllib.parse import urlsplit

from django.conf import settings


def site_domain() -> str:
    """The host (and port) of ``DJANGO_SITE_URL``: where the links in emails point."""
    return urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"


def site_record_sync(*, using: str = "default", **_kwargs) -> None:
    """Give the Site record this deployment's name and domain (post_migrate, so every
    ``migrate`` follows a change of ``DJANGO_SITE_NAME`` or ``DJANGO_SITE_URL``); without it
    allauth's emails greet people from "example.com"."""
    from django.contrib.sites.models import Site  # noqa: PLC0415 -- models load after apps are ready

    name, domain = settings.SITE_NAME[:50], site_domain()[:100]
    site = Site.objects.using(using).filter(pk=settings.SITE_ID).first()
    if site is None:
        Site.objects.using(using).create(pk=settings.SITE_ID, domain=domain, name=name)
    elif (site.domain, site.name) != (domain, name):
        site.domain, site.name = domain, name
        site.save(using=using, update_fields=["domain", "name"])
    Site.objects.clear_cache()
