"""The API's one router: every app's viewsets under /api/v1/, with a browsable root."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accessprogram.api.views import InvitationViewSet, MeView
from generation.api.views import GenerationViewSet, OutputViewSet

router = DefaultRouter()
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("generations", GenerationViewSet, basename="generation")
router.register("outputs", OutputViewSet, basename="output")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
