"""Factories, one module per app; import them from here: ``from tests.factories import UserFactory``."""

from .cohorts import *  # noqa: F403
from .matching import *  # noqa: F403
from .meetings import *  # noqa: F403
from .mentorship import *  # noqa: F403
from .questionnaires import *  # noqa: F403
from .showcase import *  # noqa: F403
