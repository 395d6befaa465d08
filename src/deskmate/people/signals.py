"""What the people app announces; other apps connect to these in their ``AppConfig.ready``."""

from django.dispatch import Signal

#: A member's career history (positions, education) or contacts changed: ``member_id``, or
#: ``member_ids`` (with ``member_id=None``) when one write changed many.
history_changed = Signal()

#: A user's password was changed and saved: ``user``.
password_changed = Signal()
