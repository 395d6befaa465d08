"""The registry of periodic tasks: each app registers its own in ``AppConfig.ready``.

The scheduler queues every registered task on each tick; no app needs to know
another app's tasks.
"""

from django_tasks.base import Task

_registry: dict[str, Task] = {}


def register_periodic(task: Task) -> Task:
    """Queue ``task`` on every scheduler tick (registering twice is harmless)."""
    _registry[task.module_path] = task
    return task


def periodic_tasks() -> list[Task]:
    """Every task the scheduler queues on each tick, in the order registered."""
    return list(_registry.values())
