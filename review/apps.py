from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review"

    def ready(self) -> None:
        from accessprogram import hooks
        from review.panels import review_panel
        from review.services.reviews import review_enqueue

        hooks.register(hooks.OUTPUT_FINISHED, review_enqueue)
        hooks.register(hooks.OUTPUT_PANELS, review_panel)
