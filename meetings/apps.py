from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class MeetingsConfig(EnlaceAppConfig):
    default = True
    name = "meetings"
    verbose_name = _("Meetings")
    url_prefix = "meetings/"
    nav = (
        NavItem(_("Meetings"), "meetings:list", "public", order=30),
        NavItem(_("Follow-up"), "meetings:board", "member", order=35),
    )

    def main_pages(self):
        from django.db.models import Count

        from .models import Commitment, Consultation, Meeting

        pages = [
            {"name": "meetings", "path": "/meetings/", "audience": "public"},
            {"name": "calendar", "path": "/meetings/calendar/?month=2017-11", "audience": "public"},
            {"name": "follow-up", "path": "/meetings/follow-up/", "audience": "member"},
            {"name": "rcgm-pack", "path": "/meetings/rcgm-pack/", "audience": "member"},
        ]
        meeting = (
            Meeting.objects.filter(status="published", visibility="public", reports__status="approved")
            .order_by("start_date")
            .first()
        )
        if meeting is not None:
            pages.append({"name": "meeting", "path": meeting.get_absolute_url(), "audience": "public"})
            pages.append({"name": "meeting-member", "path": meeting.get_absolute_url(), "audience": "member"})
            print_page = f"/meetings/{meeting.pk}/report/print/"
            pages.append({"name": "report-print", "path": print_page, "audience": "public"})
            pages.append({"name": "delegates", "path": f"/meetings/{meeting.pk}/delegates/", "audience": "member"})
            commitment = Commitment.objects.filter(meeting=meeting).order_by("pk").first()
            if commitment is not None:
                pages.append({"name": "commitment", "path": commitment.get_absolute_url(), "audience": "member"})
            shared = (
                Commitment.objects.filter(meeting=meeting, actors__kind="country")
                .annotate(actors_count=Count("actors"))
                .filter(actors_count__gt=1)
                .order_by("pk")
                .first()
            )
            if shared is not None:  # one follow-up row per actor, Guatemala's form among them
                pages.append({"name": "shared-commitment", "path": shared.get_absolute_url(), "audience": "member"})
        consultation = Consultation.objects.filter(status="open").order_by("pk").first()
        if consultation is not None:  # a draft report under consultation, as a country's officer answers it
            pages.append({"name": "consultation", "path": consultation.get_absolute_url(), "audience": "member"})
        return pages

    def ready(self):
        from core.audit import track, untracked

        from . import access, hooks, models  # noqa: F401  (register policies, search, my work, fulfilment)

        for model in (
            models.Meeting,
            models.AgendaItem,
            models.MeetingDocument,
            models.ReportVersion,
            models.Agreement,
            models.Commitment,  # its actors are in `actor_codes`
            models.CommitmentActor,  # each actor's own follow-up
            models.CalendarFeed,
            models.Delegate,
            models.Consultation,
            models.ConsultationParty,  # each party's position
            models.Remark,  # what each party said, and the TS's answer
        ):
            track(model, exclude=("created_at", "updated_at", "source_text", "last_used_at", "key_hash"))
        untracked(models.CommitmentStatusChange, "itself a history entry of a commitment, written once")
        untracked(models.ImportJob, "a reading's progress; the draft meeting it makes is in the trail")
