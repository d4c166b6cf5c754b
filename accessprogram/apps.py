from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class AccessProgramConfig(AppConfig):
    name = "accessprogram"
    verbose_name = "Access program"

    def ready(self) -> None:
        # Here, not at the top: roles imports models, which load only after every app's config.
        from accessprogram.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="accessprogram.ensure_role_groups")


class ProgramAdminConfig(AdminConfig):
    default_site = "accessprogram.admin_site.ProgramAdminSite"
