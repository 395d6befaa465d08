"""Programmes get their own coordinators; each existing one is run by the member who created it."""

from django.db import migrations, models


def creators_coordinate(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Through = Programme.coordinators.through
    Through.objects.bulk_create(
        [
            Through(programme_id=programme_id, member_id=member_id)
            for programme_id, member_id in Programme.objects.filter(
                created_by__isnull=False
            ).values_list("pk", "created_by_id")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_member_time_zone"),
        ("programmes", "0007_quota_min_distinct"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="coordinators",
            field=models.ManyToManyField(
                blank=True, related_name="programmes_coordinated", to="people.member"
            ),
        ),
        migrations.RunPython(creators_coordinate, migrations.RunPython.noop),
    ]
