"""`{% load circulation %}{% notification_badge %}`: the unread-notifications link for the header."""

from django import template

from messaging.notifications import unread_count

register = template.Library()


@register.inclusion_tag("circulation/_notification_badge.html", takes_context=True)
def notification_badge(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": unread_count(user), "user": user}


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    request = context.get("request")
    return unread_count(getattr(request, "user", None))
