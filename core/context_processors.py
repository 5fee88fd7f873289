"""Template context every page needs."""

from django.conf import settings

from .access import principal_for


def enlace(request):
    user = getattr(request, "user", None)
    return {
        "principal": principal_for(user),
        "demo_mode": settings.ENLACE_DEMO,
    }
