from django.apps import AppConfig
from django.utils.translation import gettext_lazy

from accessprogram import hooks


class ShowcaseConfig(AppConfig):
    name = "showcase"
    verbose_name = gettext_lazy("Showcase and licensing")

    def ready(self) -> None:
        # Here, not at the top: these modules import models, which load only after every app's config.
        from showcase.access import public_credits
        from showcase.panels import licence_action_panel

        hooks.register(hooks.PUBLIC_CREDITS, public_credits)
        hooks.register(hooks.OUTPUT_STAFF_ACTIONS, licence_action_panel)
