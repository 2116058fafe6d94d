import django.db.models.deletion
from django.db import migrations, models


def fill_convention(apps, schema_editor):
    Indicator = apps.get_model("plans", "Indicator")
    for indicator in Indicator.objects.filter(convention__isnull=True).select_related("node"):
        indicator.convention_id = indicator.node.convention_id
        indicator.save(update_fields=["convention"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_indicator_convention")]

    operations = [
        migrations.RunPython(fill_convention, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="indicator",
            name="convention",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="indicators",
                to="conventions.convention",
            ),
        ),
    ]
