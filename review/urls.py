from django.urls import path

from review.views import feed, notes, public, queue, reasons, sharing

app_name = "review"

urlpatterns = [
    path("review/", queue.review_queue, name="review_queue"),
    path("review/metrics/", queue.review_metrics_view, name="review_metrics"),
    path("review/<uuid:output_id>/", queue.review_item, name="review_item"),
    path("review/<uuid:output_id>/decide/", queue.review_decide_view, name="review_decide"),
    path("staff/reason-codes/", reasons.staff_reason_codes, name="staff_reason_codes"),
    path("staff/reason-codes/<int:pk>/", reasons.staff_reason_code_edit, name="staff_reason_code_edit"),
    path("staff/reason-codes/<int:pk>/active/", reasons.staff_reason_code_active, name="staff_reason_code_active"),
    path("review/<uuid:output_id>/compare/", notes.review_compare, name="review_compare"),
    path("outputs/<uuid:pk>/notes/", notes.output_notes, name="output_notes"),
    path("outputs/<uuid:pk>/revise/", notes.output_revise, name="output_revise"),
    path("outputs/<uuid:pk>/appeal/", sharing.output_appeal, name="output_appeal"),
    path("outputs/<uuid:pk>/share/", sharing.output_share, name="output_share"),
    path("outputs/<uuid:pk>/gallery/", sharing.output_gallery, name="output_gallery"),
    path("shares/<int:pk>/revoke/", sharing.share_revoke, name="share_revoke"),
    # The program feed: members only, inside the NDA.
    path("program/", feed.feed, name="program_feed"),
    path("program/<uuid:pk>/video/", feed.feed_video, name="program_feed_video"),
    path("program/<uuid:pk>/poster/", feed.feed_poster, name="program_feed_poster"),
    # Public: no sign-in, the same for everyone (see accessprogram.middleware.PUBLIC_PREFIXES).
    path("s/<str:slug>/", public.share_page, name="share_page"),
    path("s/<str:slug>/media/", public.share_media, name="share_media"),
    path("s/<str:slug>/poster/", public.share_poster, name="share_poster"),
    path("gallery/", public.gallery, name="gallery"),
    path("gallery/<str:slug>/media/", public.gallery_media, name="gallery_media"),
    path("gallery/<str:slug>/poster/", public.gallery_poster, name="gallery_poster"),
]
