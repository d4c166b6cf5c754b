from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        from accessprogram import hooks
        from generation.services.quota import quota_summary
        from generation.services.submit import generation_jobs_count, generation_jobs_stop

        hooks.register(hooks.JOBS_STOP, generation_jobs_stop)
        hooks.register(hooks.JOBS_COUNT, generation_jobs_count)
        hooks.register(hooks.MEMBER_SUMMARY, quota_summary)
        from generation.worker import connect_signals

        connect_signals()
