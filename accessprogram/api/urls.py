"""The API's one router: every app's viewsets under /api/v1/, with a browsable root."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accessprogram.api.leaks import LeakReportView
from accessprogram.api.notifications import NotificationViewSet
from accessprogram.api.suspensions import SuspensionViewSet
from accessprogram.api.tokens import AccessTokenViewSet
from accessprogram.api.views import InvitationViewSet, MeView
from contributions.api.views import FindingViewSet, LedgerViewSet, RateCardView, ReportViewSet
from generation.api.views import GenerationViewSet
from review.api.views import OutputViewSet, ReviewViewSet, ShareLinkViewSet
from showcase.api.views import LicenceRequestViewSet, ShowcaseCallViewSet


class JsonOnlyRouter(DefaultRouter):
    """No format suffixes (`outputs/{id}/media.json`): the API speaks JSON only, and a suffix would be passed
    to every action as a `format` argument that none of them takes."""

    include_format_suffixes = False


router = JsonOnlyRouter()
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("tokens", AccessTokenViewSet, basename="token")
router.register("suspensions", SuspensionViewSet, basename="suspension")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("generations", GenerationViewSet, basename="generation")
router.register("outputs", OutputViewSet, basename="output")
router.register("review", ReviewViewSet, basename="review")
router.register("shares", ShareLinkViewSet, basename="share")
router.register("feedback", ReportViewSet, basename="feedback")
router.register("findings", FindingViewSet, basename="finding")
router.register("ledger", LedgerViewSet, basename="ledger")
router.register("showcase/calls", ShowcaseCallViewSet, basename="showcase-call")
router.register("licences", LicenceRequestViewSet, basename="licence")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("leaks/", LeakReportView.as_view(), name="leak_report"),
    path("rate-card/", RateCardView.as_view(), name="rate_card"),
    *router.urls,
]
