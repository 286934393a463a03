from django.db import migrations

# The public directory filtered by head-office province, in either language's order: 0006's and
# 0010's indexes with the province first, so that a province's count and first page are read
# from the index (issue 18: at 50,000 organisations the count read 1,500 rows from the table,
# 2.4 ms, and the page sorted them). PostgreSQL only, like those two.
INDEXES = {
    "members_org_public_province_khmer_name": '(head_office_province_id, (name_km COLLATE "khmer"), id)',
    "members_org_public_province_english_name": "(head_office_province_id, LOWER(name_en), id)",
}
PUBLIC = "is_public AND (membership_status = 'active' OR listed_when_not_member)"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON members_organisation {columns} WHERE {PUBLIC}"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_public_english_name_index"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
