"""The staff groups and what each may do.

"CCC staff" keep the whole register; "Event coordinators" run events and their registrations
and may only look up organisations (to pick one for a registration). Staff accounts get their
rights from these groups, never one by one.
"""

from django.contrib.auth.management import create_permissions

from core.roles import CCC_STAFF, EVENT_COORDINATORS

# Every permission of these apps. Not django_celery_beat: its schedules (crontab, interval, solar
# event, clocked, periodic task) are for superusers only, who see them without any group.
STAFF_APPS = ("core", "members", "networks", "events", "surveys", "accounts", "privacy")
COORDINATOR_APPS = ("events", "surveys")
# Single permissions, as "app_label.codename".
COORDINATOR_EXTRA = (
    "members.view_organisation",
    "members.view_province",
    "members.view_sector",
    "core.view_staffjob",
)


def sync_staff_groups(apps):
    """Create both groups and give them exactly their permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions_for(app_labels, extra=()):
        permissions = list(Permission.objects.filter(content_type__app_label__in=app_labels))
        for dotted in extra:
            app_label, codename = dotted.split(".")
            permissions.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        return permissions

    staff, _ = Group.objects.get_or_create(name=CCC_STAFF)
    staff.permissions.set(permissions_for(STAFF_APPS))
    coordinators, _ = Group.objects.get_or_create(name=EVENT_COORDINATORS)
    coordinators.permissions.set(permissions_for(COORDINATOR_APPS, COORDINATOR_EXTRA))


def create_all_permissions(apps):
    """Permissions are normally made after migrate; a migration that needs them makes them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def sync_staff_groups_after_migrate(sender, apps=None, **kwargs):
    if apps is not None:
        sync_staff_groups(apps)
