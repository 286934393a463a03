from django.db import migrations

# The public directory in English order (members.models.name_ordering: LOWER(name_en), id),
# the twin of 0006's Khmer index: the first page is read from the index in order instead of
# sorting every listed organisation (issue 18: 13 ms at 5,000, about 2 s under load at 50,000).
PUBLIC_ENGLISH_NAMES = """
CREATE INDEX IF NOT EXISTS members_org_public_english_name ON members_organisation
    (LOWER(name_en), id)
    WHERE is_public AND (membership_status = 'active' OR listed_when_not_member)
"""


def create_public_english_names(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PUBLIC_ENGLISH_NAMES)


def drop_public_english_names(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_org_public_english_name")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_merge_record"),
    ]

    operations = [
        migrations.RunPython(create_public_english_names, drop_public_english_names),
    ]
