"""What the network app announces; its tasks connect to these in ``NetworkConfig.ready``."""

from django.dispatch import Signal

#: An import job was created and its transaction committed: ``job_id``.
import_job_queued = Signal()
