"""Demo circulars (idempotent): an information note to the eight countries of the seed meeting, with
two replies, five extensions and Panama overdue; and an open call for contact points. All marked demo.

The e-mails they cause wait in the outbox until a worker runs (`manage.py db_worker`).
"""

import datetime

from django.utils import timezone

from accounts.models import User
from network.models import Country, Organization

from . import services
from .models import Circular, CircularKind

SEED_COUNTRIES = ["CA", "CR", "SV", "GT", "HN", "MX", "NI", "PA"]

NOTE = {
    "kind": CircularKind.INFORMATION_NOTE,
    "title_es": (
        "Nota informativa: repositorio de buenas prácticas y recursos sobre prevención de la migración irregular"
    ),
    "title_en": "Information note: repository of good practices and resources on preventing irregular migration",
    "body_es": (
        "Estimados funcionarios de enlace:\n\n"
        "Conforme al acuerdo de la reunión virtual del 15 de noviembre de 2017, la Secretaría Técnica "
        "comparte la nota informativa sobre el repositorio que desarrolla la OIM y los puntos de contacto "
        "de la organización en cada país. Les agradeceremos indicar los recursos nacionales que deseen "
        "incluir.\n\nSecretaría Técnica"
    ),
    "body_en": (
        "Dear liaison officers,\n\n"
        "As agreed at the virtual meeting of 15 November 2017, the Technical Secretariat shares the "
        "information note on the repository IOM is developing and the organization's contact points in "
        "each country. Please tell us which national resources you wish to include.\n\nTechnical Secretariat"
    ),
}

CALL = {
    "kind": CircularKind.CALL,
    "title_es": "Convocatoria: actualización de puntos focales de la Red",
    "title_en": "Call: update of the Network's focal points",
    "body_es": (
        "La Secretaría Técnica solicita a cada país y organización confirmar o actualizar sus puntos "
        "focales titulares y alternos en Enlace antes de la fecha indicada."
    ),
    "body_en": "",
}


def _user(email):
    return User.objects.filter(email=email).first()


def load(stdout):
    ts = _user("ts@enlace.example")
    if ts is None:
        stdout.write("Demo circulars skipped: load the demo network first.")
        return
    today = timezone.localdate()
    countries = {c.code.code: c for c in Country.objects.filter(code__in=SEED_COUNTRIES)}
    created = 0
    if not Circular.objects.filter(is_demo=True, title_es=NOTE["title_es"]).exists():
        circular = services.create_circular(
            acting_user=ts,
            countries=[countries[code] for code in SEED_COUNTRIES if code in countries],
            reply_deadline=today + datetime.timedelta(days=7),
            is_demo=True,
            **NOTE,
        )
        circular = services.send_circular(circular, acting_user=ts)
        for email, text in (
            ("guatemala@enlace.example", "Guatemala propone incluir la guía de la SBS sobre retorno seguro."),
            ("honduras@enlace.example", "Honduras enviará los materiales de la DINAF la próxima semana."),
        ):
            user = _user(email)
            if user is not None:
                services.reply_to_circular(circular, acting_user=user, text=text)
        # The demo shows a deadline that has passed since: set it as if the note went out weeks ago.
        Circular.objects.filter(pk=circular.pk).update(
            reply_deadline=today - datetime.timedelta(days=3),
            sent_at=timezone.now() - datetime.timedelta(days=24),
        )
        circular.refresh_from_db()
        for recipient in circular.recipients.select_related("country"):
            if recipient.country.code.code in ("CA", "CR", "SV", "MX", "NI"):
                recipient.circular = circular
                services.extend_deadline(recipient, today + datetime.timedelta(days=14), acting_user=ts)
        created += 1
    if not Circular.objects.filter(is_demo=True, title_es=CALL["title_es"]).exists():
        unicef = Organization.objects.filter(acronym_en="UNICEF").first()
        circular = services.create_circular(
            acting_user=ts,
            countries=[countries[code] for code in ("GT", "HN", "PA", "MX") if code in countries],
            organizations=[unicef] if unicef else [],
            reply_deadline=today + datetime.timedelta(days=20),
            is_demo=True,
            **CALL,
        )
        circular = services.send_circular(circular, acting_user=ts)
        partner = _user("partner@enlace.example")
        if partner is not None and unicef is not None:
            services.reply_to_circular(
                circular, acting_user=partner, text="UNICEF confirma a su punto focal regional y al de Guatemala."
            )
        guatemala = _user("guatemala.alterna@enlace.example")
        if guatemala is not None:
            services.acknowledge_circular(circular, acting_user=guatemala)
        created += 1
    counts = services.send_reminders()
    stdout.write(f"Demo circulars loaded ({created} new; reminders: {counts}).")
