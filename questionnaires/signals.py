"""Signals other apps listen to.

``response_submitted`` (sender: the Response class, keyword ``response``) is sent after
the transaction commits, each time a person submits a questionnaire: the first time, and
again whenever they save changes to a submitted response while it is open. The matching
app listens for a match-feedback ``good_fit`` answer of ``no``.
"""

from django.dispatch import Signal

response_submitted = Signal()
