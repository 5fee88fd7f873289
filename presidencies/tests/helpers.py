"""A network whose presidency (Panama) is about to pass to Guatemala, with open work of every kind."""

import datetime

from django.utils import timezone

from circulation import services as circulation_services
from circulation.models import CircularKind
from core import access
from core.testing import build_network
from meetings import services as meeting_services
from meetings.models import ActorKind, CommitmentActor
from network import services as network_services
from plan import services as plan_services
from plan.testing import build_plan

DAYS_TO_CHANGE = 10


def fresh(user):
    """The user with their roles read again (after the clock moved)."""
    access.forget_principal(user)
    return user


def ppt_row(commitment):
    return CommitmentActor.objects.get(commitment=commitment, kind=ActorKind.PPT)


def build_handover_world():
    """Panama holds the presidency; the TS records Guatemala's from today + 10 days. Open work of the PPT:
    three commitments (one shared with Mexico, one with the TS), the regional report, a meeting being
    convened and a circular Panama sent that Honduras has not answered. Guatemala's own commitment and a
    closed commitment of the PPT are not handed over."""
    today = timezone.localdate()
    n = build_network(today)
    ts = n.ts
    n.meeting = meeting_services.create_meeting(
        acting_user=ts,
        body=n.network,
        title_es="Reunión ordinaria Alfa",
        title_en="Alpha ordinary meeting",
        start_date=today - datetime.timedelta(days=30),
        modality="virtual",
    )
    draft = meeting_services.start_report(n.meeting, acting_user=ts)
    agreement = meeting_services.add_agreement(
        draft, acting_user=ts, kind="agrees", text_es="Acordar el plan Alfa.", text_en="To agree the Alpha plan."
    )

    def commitment(actors, es, en, due="2027"):
        return meeting_services.create_commitment(
            agreement, acting_user=ts, actors=actors, action_es=es, action_en=en, due=due
        )

    n.shared = commitment(
        [("ppt", None, None), ("country", n.mx, None)], "Organizar el taller Beta.", "Organize the Beta workshop."
    )
    n.with_ts = commitment([("ppt", None, None), ("ts", None, None)], "Enviar la nota Gamma.", "Send the Gamma note.")
    n.to_keep = commitment([("ppt", None, None)], "Presentar el informe Delta.", "Present the Delta report.")
    n.national = commitment([("country", n.gt, None)], "Compartir la guía Épsilon.", "Share the Epsilon guide.")
    n.closed = commitment([("ppt", None, None)], "Convocar la sesión Zeta.", "Convene the Zeta session.")
    meeting_services.publish_meeting(n.meeting, acting_user=ts)
    meeting_services.approve_report(draft, acting_user=ts)
    meeting_services.change_commitment_status(
        n.shared, "in_progress", acting_user=n.pa_officer, note="Sede confirmada."
    )
    meeting_services.change_commitment_status(n.closed, "done", acting_user=n.pa_officer, note="Hecho.")

    n.next_meeting = meeting_services.create_meeting(
        acting_user=ts,
        body=n.network,
        title_es="Reunión virtual Eta",
        title_en="Eta virtual meeting",
        start_date=today + datetime.timedelta(days=40),
        modality="virtual",
    )
    meeting_services.publish_meeting(n.next_meeting, acting_user=ts)
    convocation = meeting_services.convene_meeting(n.next_meeting, acting_user=ts)
    circulation_services.send_circular(convocation, acting_user=ts)

    n.plan = build_plan(n, start_year=today.year - 1, end_year=today.year + 1)
    n.regional = plan_services.get_or_start_report(n.plan.plan, today.year, None, acting_user=n.pa_officer)

    circular = circulation_services.create_circular(
        acting_user=n.pa_officer,
        kind=CircularKind.REQUEST,
        title_es="Solicitud Theta",
        title_en="Theta request",
        body_es="Envíen sus datos.",
        body_en="Send your data.",
        reply_deadline=today + datetime.timedelta(days=20),
        countries=[n.gt, n.hn],
    )
    n.circular = circulation_services.send_circular(circular, acting_user=n.pa_officer)
    circulation_services.reply_to_circular(n.circular, acting_user=n.gt_officer, text="Datos enviados.")

    n.change_date = today + datetime.timedelta(days=DAYS_TO_CHANGE)
    n.next_ppt = network_services.start_ppt_period(n.conference, n.gt, n.change_date, acting_user=ts)
    n.ppt.refresh_from_db()
    return n
