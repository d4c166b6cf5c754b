from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accessprogram.services.notifications import unread_count


def program(request):
    return {"program_name": settings.PROGRAM_NAME}


def notifications(request):
    """The unread count in the navigation: one indexed count, run only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
