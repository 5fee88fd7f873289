"""Confirm before the irreversible: publishing, sending, approving and locking, deleting.

A button that does something that cannot be undone posts to its view as before; the view asks
`confirmation(...)` first, which answers a page saying what will happen and to whom, with the
same form re-posted plus `confirmed=1`. Only that second post acts. No JavaScript involved.

    page = confirmation(request, title=_("Send this circular?"), lines=[...], button=_("Send"),
                        cancel=circular.get_absolute_url())
    if page:
        return page
"""

from django.shortcuts import render

CONFIRMED = "confirmed"
# Fields a confirmation never re-posts: the token is rendered afresh, `confirmed` is added.
NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRMED}


def is_confirmed(request):
    """True when the POST comes from the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirmation(request, *, title, lines=(), button, cancel, danger=False):
    """Return the confirmation page for an irreversible action, or None once it is confirmed.

    `lines` say what will happen and to whom ("Sent to 11 countries, 27 people"); `cancel` is
    where "Cancel" leads. Call it after checking access, so nobody learns what they may not do.
    """
    if is_confirmed(request):
        return None
    fields = [(name, value) for name, values in request.POST.lists() if name not in NOT_REPOSTED for value in values]
    context = {
        "title": title,
        "lines": list(lines),
        "button": button,
        "cancel": cancel,
        "danger": danger,
        "fields": fields,
        "action": request.get_full_path(),
    }
    return render(request, "core/confirm.html", context)
