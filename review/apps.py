from django.apps import AppConfig

from accessprogram import hooks


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review"

    def ready(self) -> None:
        # Here, not at the top: these modules import models, which load only after every app's config.
        from review.panels import notes_panel, review_panel, reviewer_dashboard_panel
        from review.services.reviews import review_enqueue

        hooks.register(hooks.OUTPUT_FINISHED, review_enqueue)
        hooks.register(hooks.OUTPUT_PANELS, review_panel)
        hooks.register(hooks.OUTPUT_PANELS, notes_panel)
        hooks.register(hooks.DASHBOARD_PANELS, reviewer_dashboard_panel)
