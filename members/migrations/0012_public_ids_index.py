from django.db import migrations

# The ids of the public directory, in order: a search's count of the names holding its words
# whole (members.search.WalkedSearch.count_upto) merges this index with the search index's
# entries of one word, both in organisation order, and stops at the paginator's cap (issue 18:
# 1.4 ms at 50,000 organisations, where reading the public rows by primary key took 7.5 ms).
# PostgreSQL only, like 0006, 0010 and 0011.
PUBLIC_IDS = """
CREATE INDEX IF NOT EXISTS members_org_public_ids ON members_organisation (id)
    WHERE is_public AND (membership_status = 'active' OR listed_when_not_member)
"""


def create_public_ids(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PUBLIC_IDS)


def drop_public_ids(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_org_public_ids")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0011_public_names_by_province"),
    ]

    operations = [
        migrations.RunPython(create_public_ids, drop_public_ids),
    ]
