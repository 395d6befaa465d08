# The audit log moved from people to core; its table stays where it is.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("people", "0002_place_member_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("action", models.CharField(max_length=60)),
                        ("subject_type", models.CharField(max_length=60)),
                        ("subject_id", models.BigIntegerField(blank=True, null=True)),
                        ("details", models.JSONField(blank=True, default=dict)),
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="people.member",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "audit entries",
                        "db_table": "people_auditentry",
                        "ordering": ["-at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["subject_type", "subject_id"],
                                name="people_audi_subject_a7df81_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
