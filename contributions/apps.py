from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "Contributions"

    def ready(self) -> None:
        from accessprogram import hooks
        from contributions.services.policy import prompt_policy_enforce

        hooks.register(hooks.PROMPT_SUBMITTED, prompt_policy_enforce)
