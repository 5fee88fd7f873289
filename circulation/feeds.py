"""The activity feed as Atom, at a per-user secret address (revocable from the activity page)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from messaging.notifications import language_of
from network.models import Country

from . import activity, services


class ActivityFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        user = services.user_for_feed_token(kwargs.get("token"))
        if user is None:
            raise Http404
        request._feed_user = user
        # A feed reader sends no cookie: write in the owner's language.
        with translation.override(language_of(user)):
            response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_object(self, request, token):
        code = (request.GET.get("country") or "").upper()[:2]
        country = Country.objects.filter(code=code).first() if code else None
        return {"user": request._feed_user, "country": country}

    def title(self, obj):
        if obj["country"] is not None:
            return _("Enlace: what changed this week in %(country)s") % {"country": obj["country"].name}
        return _("Enlace: what changed this week in the network")

    def link(self, obj):
        return reverse("circulation:activity")

    def subtitle(self, obj):
        return _("Changes to the records you may see, from the last seven days.")

    def items(self, obj):
        return activity.changes_for(obj["user"], country=obj["country"], days=7)[:200]

    def item_title(self, change):
        return f"{change.entry.get_action_display()}: {change.kind} · {change.label}"

    def item_description(self, change):
        parts = [_("By %(who)s.") % {"who": change.actor}]
        if change.fields:
            parts.append(_("Changed: %(fields)s.") % {"fields": ", ".join(change.fields)})
        return " ".join(parts)

    def item_link(self, change):
        return change.url or reverse("circulation:activity") + f"#change-{change.entry.pk}"

    def item_guid(self, change):
        return f"enlace-change-{change.entry.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.at

    def item_updateddate(self, change):
        return change.at
