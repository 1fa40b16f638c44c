from django.conf import settings

from cohorts.phases import require_open  # noqa: F401 -- the showcase's services import it from here


def absolute(url: str) -> str:
    return settings.SITE_URL + url
