"""Template context every page needs."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .access import administers, makes_working_copies, principal_for, sees_audience, sees_members_only
from .apps import project_apps


def _nav_for(principal, path, user=None):
    items = []
    for app in project_apps():
        for item in app.nav:
            if not sees_audience(principal, item.audience):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            count, later = None, ""
            if item.counter and principal.is_authenticated:
                count = item.counter(user)
                later = reverse(item.counter_url) if count is None and item.counter_url else ""
            items.append((item.order, str(item.label), url, count, later))
    items.sort(key=lambda entry: entry[0])
    return [
        (label, url, path == url or (url != "/" and path.startswith(url)), count, later)
        for _order, label, url, count, later in items
    ]


def enlace(request):
    principal = principal_for(getattr(request, "user", None))
    return {
        "principal": principal,
        "nav": _nav_for(principal, getattr(request, "path", ""), getattr(request, "user", None)),
        "header_templates": [name for app in project_apps() for name in app.header_templates],
        "demo_mode": settings.ENLACE_DEMO,
        # Documents with unapproved content (working copies), offered to whom core.access says.
        "working_copies": makes_working_copies(principal),
        "members_only": sees_members_only(principal),
        "administers": administers(principal),
    }
