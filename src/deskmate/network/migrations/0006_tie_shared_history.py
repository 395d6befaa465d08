from django.db import migrations, models

BATCH = 5000
# Worked together, same organisation, studied together, alumni (engine.ties.SHARED_HISTORY_KINDS
# when this was written; a migration keeps its own copy).
SHARED_HISTORY = {1, 2, 3, 4}


def has_shared_history(evidence):
    return any(item.get("kind") in SHARED_HISTORY for item in evidence)


def fill_shared_history(apps, schema_editor):
    Tie = apps.get_model("network", "Tie")
    batch = []
    for tie in Tie.objects.only("pk", "evidence").iterator(chunk_size=BATCH):
        if has_shared_history(tie.evidence):
            batch.append(tie.pk)
        if len(batch) == BATCH:
            Tie.objects.filter(pk__in=batch).update(shared_history=True)
            batch = []
    Tie.objects.filter(pk__in=batch).update(shared_history=True)


class Migration(migrations.Migration):
    dependencies = [("network", "0005_vocabulary")]

    operations = [
        migrations.AddField(
            model_name="tie",
            name="shared_history",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill_shared_history, migrations.RunPython.noop, elidable=True),
    ]
