from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    VIEWER = "viewer", _("Viewer")
