from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "showcase"
    verbose_name = "Showcase and licensing"

    def ready(self) -> None:
        from accessprogram import hooks
        from showcase.access import public_credits

        hooks.register(hooks.PUBLIC_CREDITS, public_credits)
