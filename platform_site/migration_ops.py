"""Operations that data migrations share. Kept small and stable: old migrations run them too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COURSE_MANAGERS = "Course managers"


def grant_permissions(app_label: str, codenames: list[str], group_name: str = COURSE_MANAGERS) -> migrations.RunPython:
    """A reversible operation that gives the staff group (created if missing) these permissions of
    `app_label`'s models; reversed, it takes them back."""

    def grant(apps, schema_editor) -> None:
        # Permissions are normally created after all migrations ran; create this app's now.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=group_name)
        group.permissions.add(*_permissions(apps, app_label, codenames))

    # What this grants, readable without running it: tests rebuild a group a flush emptied from it.
    grant.grants = (group_name, app_label, tuple(codenames))  # type: ignore[attr-defined]

    def revoke(apps, schema_editor) -> None:
        for group in apps.get_model("auth", "Group").objects.filter(name=group_name):
            group.permissions.remove(*_permissions(apps, app_label, codenames))

    return migrations.RunPython(grant, revoke)


def _permissions(apps, app_label: str, codenames: list[str]) -> list:
    permission = apps.get_model("auth", "Permission")
    return list(permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
