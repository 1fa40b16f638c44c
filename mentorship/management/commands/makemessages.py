from django.core.management.commands import makemessages


class Command(makemessages.Command):
    # Some modules name gettext_lazy ``_lazy`` (``_`` being gettext there): extract those too.
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
