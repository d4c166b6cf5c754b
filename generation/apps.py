from django.apps import AppConfig

from accessprogram import hooks


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        # Here, not at the top: these modules import models, which load only after every app's config.
        from generation.services.quota import quota_summary
        from generation.services.submit import generation_jobs_count, generation_jobs_stop
        from generation.worker import connect_signals

        hooks.register(hooks.JOBS_STOP, generation_jobs_stop)
        hooks.register(hooks.JOBS_COUNT, generation_jobs_count)
        hooks.register(hooks.MEMBER_SUMMARY, quota_summary)
        connect_signals()
