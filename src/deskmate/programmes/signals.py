"""What the programmes app announces; its tasks connect to these in its ``ready``."""

from django.dispatch import Signal

#: A match run is to be solved in the background, its transaction committed: ``run_id``.
match_run_queued = Signal()

#: A run is to be published by the task worker, its transaction committed: ``publication_id``.
publication_queued = Signal()
#: A mapped applications file is to be imported in the background: ``import_id``.
application_import_queued = Signal()
