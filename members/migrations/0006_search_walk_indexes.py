from django.db import migrations, models

# The public directory in Khmer order (members.models.name_ordering): a search walks this
# index page by page (members.views.SearchResults). PostgreSQL only: SQLite's Khmer collation
# exists only on connections members/apps.py prepared, so an index must not depend on it.
PUBLIC_KHMER_NAMES = """
CREATE INDEX members_org_public_khmer_name ON members_organisation
    ((name_km COLLATE "khmer"), id)
    WHERE is_public AND (membership_status = 'active' OR listed_when_not_member)
"""


def create_public_khmer_names(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PUBLIC_KHMER_NAMES)


def drop_public_khmer_names(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_org_public_khmer_name")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisationsearchtoken",
            index=models.Index(
                fields=["organisation", "token", "kind"],
                name="org_search_token_by_org",
                opclasses=["int8_ops", "varchar_pattern_ops", "int2_ops"],
            ),
        ),
        migrations.RunPython(create_public_khmer_names, drop_public_khmer_names),
    ]
