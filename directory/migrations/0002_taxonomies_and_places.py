"""Install our HSDS taxonomies (service types, population profiles) and the gazetteer."""

from django.db import migrations


def forwards(apps, schema_editor):
    from directory import gazetteer, taxonomies

    taxonomies.install(apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm"))
    gazetteer.install(apps.get_model("directory", "Place"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
