from django.apps import AppConfig

from accessprogram import hooks


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "Contributions"

    def ready(self) -> None:
        # Here, not at the top: these modules import models, which load only after every app's config.
        from contributions.services.policy import prompt_policy_enforce

        hooks.register(hooks.PROMPT_SUBMITTED, prompt_policy_enforce)
