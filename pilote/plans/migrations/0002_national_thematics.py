from django.db import migrations

from pilote.plans.enums import CNAF_THEMATICS


def create_national_thematics(apps, schema_editor):
    Thematic = apps.get_model("plans", "Thematic")
    for code, label in CNAF_THEMATICS:
        Thematic.objects.update_or_create(convention=None, code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.RunPython(create_national_thematics, migrations.RunPython.noop),
    ]
