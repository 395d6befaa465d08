"""What the notifications app announces; its tasks connect to these in its ``ready``."""

from django.dispatch import Signal

#: An e-mail delivery row was created and its transaction committed: ``delivery_id``.
email_queued = Signal()
