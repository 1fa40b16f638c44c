"""What the matching app does when other apps send signals."""

import logging

from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)


def on_response_submitted(sender, response, **kwargs) -> None:
    """A match-feedback answer of "not a good fit" ends the pair (see feedback_not_a_good_fit).

    The response is already saved when this runs: a pair that changed in the meantime must
    not turn the person's submission into an error page.
    """
    from .services.publishing import feedback_not_a_good_fit  # noqa: PLC0415 -- services load models

    try:
        feedback_not_a_good_fit(response=response)
    except ValidationError as error:
        logger.warning("Match feedback %s left the pair as it was: %s", response.pk, " ".join(error.messages))
