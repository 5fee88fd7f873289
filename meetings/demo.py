"""Demo meetings (idempotent): the seed report imported in both languages, approved, with its follow-up.

The report is real (the network's I Virtual Meeting, 15 November 2017); the statuses of its
commitments, the RCGM meeting that decided its recommendations and the upcoming meeting are
invented, and every record is marked demo.
"""

import datetime
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from network.models import Body, Country

from . import services
from .importer import parse_paragraphs
from .models import CommitmentStatus, Meeting

DATA = Path(__file__).parent / "tests" / "data"
SEED_NAME = "seed_report_en.txt"


def _paragraphs(name):
    return (DATA / name).read_text(encoding="utf-8").splitlines()


def load(stdout):
    """Import the seed report once, then its Spanish version, approve it and follow it up."""
    ts = User.objects.filter(email="ts@enlace.example").first()
    network = Body.objects.filter(slug="child-protection").first()
    rcgm = Body.objects.filter(slug="rcgm").first()
    if ts is None or network is None or rcgm is None:
        stdout.write("Demo meetings skipped: load the demo network first.")
        return
    if Meeting.objects.filter(is_demo=True, source_name=SEED_NAME).exists():
        _consultation(ts, network, stdout)
        stdout.write("Demo meetings already loaded.")
        return

    meeting = services.import_report(
        parse_paragraphs(_paragraphs(SEED_NAME)), acting_user=ts, source_name=SEED_NAME, body=network, is_demo=True
    )
    services.add_translation(meeting, parse_paragraphs(_paragraphs("seed_report_es.txt")), acting_user=ts)
    meeting = services.update_meeting(meeting, acting_user=ts, visibility="public")
    meeting = services.publish_meeting(meeting, acting_user=ts)
    services.approve_report(services.draft_of(meeting), acting_user=ts)

    rcgm_meeting = services.create_meeting(
        acting_user=ts,
        body=rcgm,
        title_es="XXIII Reunión del Grupo Regional de Consulta sobre Migración",
        title_en="XXIII Meeting of the Regional Consultation Group on Migration",
        ordinal=23,
        modality="in_person",
        place="San Salvador, El Salvador",
        start_date=datetime.date(2018, 6, 20),
        end_date=datetime.date(2018, 6, 21),
        delegations=list(Country.objects.members()),
    )
    Meeting.objects.filter(pk=rcgm_meeting.pk).update(is_demo=True)
    services.publish_meeting(rcgm_meeting, acting_user=ts)

    version = meeting.reports.get(status="approved")
    for agreement in version.agreements.filter(kind="recommends_to_rcgm").order_by("position"):
        services.record_rcgm_decision(
            agreement, acting_user=ts, decision="approved", rcgm_meeting=rcgm_meeting, note="Demo"
        )

    users = {
        email: User.objects.filter(email=email).first()
        for email in ("panama@enlace.example", "partner@enlace.example", "guatemala@enlace.example")
    }
    plan = {
        "3": [
            (
                ts,
                CommitmentStatus.DONE,
                "Contact points and information note sent by e-mail.",
                "https://example.org/demo/note",
            )
        ],
        "4c": [(ts, CommitmentStatus.IN_PROGRESS, "The course is being designed.", "")],
        "4d": [(ts, CommitmentStatus.IN_PROGRESS, "Questionnaire sent to the countries.", "")],
        "5": [(users["partner@enlace.example"], CommitmentStatus.IN_PROGRESS, "First draft shared with ICRC.", "")],
        "7": [(ts, CommitmentStatus.DONE, "Concept note received and circulated.", "")],
    }
    for commitment in meeting.commitments.select_related("agreement").order_by("pk"):
        ref = commitment.agreement.ref
        steps = plan.get(ref, [])
        if ref == "2a" and commitment.actors.filter(kind="ppt").exists():
            steps = [
                (users["panama@enlace.example"] or ts, CommitmentStatus.IN_PROGRESS, "Annual follow-up under way.", "")
            ]
        for user, status, note, link in steps:
            services.change_commitment_status(commitment, status, acting_user=user or ts, note=note, evidence_link=link)
    meeting.commitments.update(is_demo=True)

    upcoming = services.create_meeting(
        acting_user=ts,
        body=network,
        title_es="II Reunión Virtual (demostración)",
        title_en="II Virtual Meeting (demo)",
        modality="virtual",
        link="https://meet.example.org/red-nna",
        start_date=timezone.localdate() + datetime.timedelta(days=20),
        starts_at=datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=20), datetime.time(9), tzinfo=timezone.get_current_timezone()
        ),  # 9:00 in the network's time zone, on its start date
        visibility="members",
    )
    services.publish_meeting(upcoming, acting_user=ts)
    Meeting.objects.filter(pk=upcoming.pk).update(is_demo=True)
    services.add_agenda_item(
        upcoming, acting_user=ts, title_es="Avances del Plan Estratégico", title_en="Progress of the Strategic Plan"
    )
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
    _consultation(ts, network, stdout)
    stdout.write(
        "Demo meetings loaded: the seed report (approved, both languages), an RCGM meeting, an upcoming meeting."
    )


CONSULTED_TITLE_EN = "Extraordinary virtual meeting (demo)"


def _consultation(ts, network, stdout):
    """A meeting whose draft report the countries are consulted on: Honduras comments, Panama amends (once)."""
    from .models import RemarkKind

    if Meeting.objects.filter(is_demo=True, title_en=CONSULTED_TITLE_EN).exists():
        return
    meeting = services.create_meeting(
        acting_user=ts,
        body=network,
        title_es="Reunión virtual extraordinaria (demostración)",
        title_en=CONSULTED_TITLE_EN,
        modality="virtual",
        start_date=timezone.localdate() - datetime.timedelta(days=6),
        visibility="members",
    )
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
    meeting = services.publish_meeting(meeting, acting_user=ts)
    version = services.start_report(meeting, acting_user=ts)
    texts = [
        (
            "Agradecer a la Presidencia Pro Tempore la convocatoria de esta reunión extraordinaria.",
            "To thank the Pro Tempore Presidency for convening this extraordinary meeting.",
        ),
        (
            "Aprobar los términos de referencia del estudio regional sobre retorno asistido de niñez migrante.",
            "To approve the terms of reference of the regional study on the assisted return of migrant children.",
        ),
        (
            "Recomendar al GRCM la realización de un taller regional sobre protección consular en 2027.",
            "To recommend to the RCGM a regional workshop on consular protection in 2027.",
        ),
    ]
    agreements = [
        services.add_agreement(version, acting_user=ts, text_es=es, text_en=en, kind=kind)
        for (es, en), kind in zip(texts, ("thanks", "approves", "recommends_to_rcgm"), strict=True)
    ]
    consultation = services.open_consultation(
        version,
        acting_user=ts,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        note_es="Les agradecemos enviar sus comentarios antes del plazo.",
        note_en="Please send your remarks before the deadline.",
    )
    honduras = User.objects.filter(email="honduras@enlace.example").first()
    panama = User.objects.filter(email="panama@enlace.example").first()
    if honduras is not None:
        services.add_remark(
            consultation,
            acting_user=honduras,
            kind=RemarkKind.COMMENT,
            agreement=agreements[1],
            text="Honduras propone compartir el borrador del estudio con las oficinas consulares.",
        )
    if panama is not None:
        services.add_remark(
            consultation,
            acting_user=panama,
            kind=RemarkKind.AMENDMENT,
            agreement=agreements[2],
            proposed_es="Recomendar al GRCM la realización de un taller regional sobre protección consular "
            "de niñez migrante en el primer semestre de 2027.",
            text="Precisar el tema y el periodo.",
        )
    stdout.write("Demo consultation loaded: a draft report the countries are consulted on.")
