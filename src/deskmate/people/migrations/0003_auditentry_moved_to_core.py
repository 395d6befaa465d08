# The audit log moved to core (its table is kept and now belongs to core.AuditEntry).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_place_member_indexes"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
