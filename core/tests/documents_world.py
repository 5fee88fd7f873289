"""Test data for the document tests: every app's documents, with approved and unapproved content.

`build_world()` builds, through the services users call, a network whose documents each hold
approved content (words "Alfa"/"Alpha" and "Delta") and unapproved content (word "Bravo"):

- meetings: a published meeting with an approved report (agreements, a recommendation decided by
  the RCGM, commitments of the TS, the PPT, a country and IOM/ICRC) and a second published meeting
  whose report is still a draft (a "Bravo" recommendation and commitment of UNHCR);
- comparisons: a public analysis whose round has Honduras's column validated and Panama's
  submitted ("Bravo" is not a word of it: the country's name is the unapproved part);
- plan: a public plan with Honduras's report approved and Guatemala's submitted ("Bravo");
- practices: a call answered by a published practice ("Alfa") and a submitted one ("Bravo"),
  and a compilation of both;
- the directory (Guatemala's services), the contacts, and a circular sent and read.

`DOCUMENTS` lists every document, how to download it and who may; `text_of(kind, content)` reads
a document's words back (DOCX with its headers, footers and properties; XLSX with its sheets and
print headers; CSV, vCard, and the print pages' article).
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse

from comparisons import services as comparison_services
from comparisons.models import AnswerType
from comparisons.testing import add_lead, column
from core.testing import build_network
from meetings import services as meeting_services
from network import services as network_services
from network.models import OrganizationKind

APPROVED_WORDS = ("Alfa", "Alpha", "Delta")
UNAPPROVED_WORD = "Bravo"


def _org(n, name_en, name_es, acronym_en, acronym_es):
    return network_services.create_organization(
        acting_user=n.ts,
        kind=OrganizationKind.INTERNATIONAL,
        name_en=name_en,
        name_es=name_es,
        acronym_en=acronym_en,
        acronym_es=acronym_es,
    )


def _meetings(n, today):
    ts = n.ts
    n.rcgm_meeting = meeting_services.create_meeting(
        acting_user=ts, body=n.rcgm, title_es="Reunión del GRCM", title_en="RCGM meeting", start_date=today
    )
    n.meeting = meeting_services.create_meeting(
        acting_user=ts,
        body=n.network,
        title_es="Reunión ordinaria de la red Alfa",
        title_en="Ordinary meeting of the Alpha network",
        start_date=today - datetime.timedelta(days=40),
        modality="virtual",
        visibility="public",
    )
    draft = meeting_services.start_report(n.meeting, acting_user=ts)
    meeting_services.update_report_text(
        draft,
        acting_user=ts,
        participants_es="Participaron las delegaciones de Guatemala y Honduras.",
        participants_en="The delegations of Guatemala and Honduras took part.",
        submission_es="La red presenta su informe al grupo regional:",
        submission_en="The network submits its report to the regional group:",
    )
    thanks = meeting_services.add_agreement(
        draft,
        acting_user=ts,
        kind="thanks",
        text_es="Agradecer a la delegación de Honduras su presentación Alfa.",
        text_en="To thank the delegation of Honduras for its Alpha presentation.",
    )
    recommendation = meeting_services.add_agreement(
        draft,
        acting_user=ts,
        kind="recommends_to_rcgm",
        text_es="Recomendar al grupo regional un taller Delta.",
        text_en="To recommend a Delta workshop to the regional group.",
    )
    agrees = meeting_services.add_agreement(
        draft,
        acting_user=ts,
        kind="agrees",
        text_es="Con respecto al plan Delta:",
        text_en="Regarding the Delta plan:",
    )
    item = meeting_services.add_agreement(
        draft,
        acting_user=ts,
        parent=agrees,
        kind="agrees",
        text_es="La secretaría enviará la nota Delta a los países.",
        text_en="The secretariat will send the Delta note to the countries.",
    )
    meeting_services.create_commitment(
        thanks,
        acting_user=ts,
        actors=[("ts", None, None), ("ppt", None, None)],
        action_es="Enviar la nota Alfa.",
        action_en="Send the Alpha note.",
        due="2026-Q3",
    )
    meeting_services.create_commitment(
        item,
        acting_user=ts,
        actors=[("country", n.gt, None), ("organization", None, n.iom), ("organization", None, n.icrc)],
        action_es="Compartir la guía Delta.",
        action_en="Share the Delta guide.",
        due=today + datetime.timedelta(days=90),
    )
    meeting_services.publish_meeting(n.meeting, acting_user=ts)
    n.approved_version = meeting_services.approve_report(draft, acting_user=ts)
    recommendation.refresh_from_db()
    meeting_services.record_rcgm_decision(
        recommendation, acting_user=ts, decision="approved", rcgm_meeting=n.rcgm_meeting
    )

    # A second meeting whose report is still a draft.
    n.draft_meeting = meeting_services.create_meeting(
        acting_user=ts,
        body=n.network,
        title_es="Reunión extraordinaria de la red",
        title_en="Extraordinary meeting of the network",
        start_date=today - datetime.timedelta(days=20),
        modality="virtual",
        visibility="public",
    )
    meeting_services.publish_meeting(n.draft_meeting, acting_user=ts)
    n.draft_version = meeting_services.start_report(n.draft_meeting, acting_user=ts)
    pending = meeting_services.add_agreement(
        n.draft_version,
        acting_user=ts,
        kind="recommends_to_rcgm",
        text_es="Recomendar al grupo regional un curso Bravo.",
        text_en="To recommend a Bravo course to the regional group.",
    )
    meeting_services.create_commitment(
        pending,
        acting_user=ts,
        actors=[("organization", None, n.unhcr)],
        action_es="Preparar el curso Bravo.",
        action_en="Prepare the Bravo course.",
        due="2026",
    )


def _comparisons(n):
    lead = add_lead(n)
    analysis = comparison_services.create_analysis(
        acting_user=n.ts,
        countries=[n.hn, n.pa, n.mx],
        leads=[lead],
        title_es="Retorno asistido Alfa",
        title_en="Alpha assisted return",
        introduction_es="Por qué comparamos los procedimientos.",
        introduction_en="Why we compare the procedures.",
        lead_organization=n.iom,
        body=n.network,
        visibility="public",
    )
    section = comparison_services.add_section(
        analysis, acting_user=lead, title_es="Antes del retorno", title_en="Before the return"
    )

    def ask(kind, text_es, text_en, **extra):
        return comparison_services.add_question(
            analysis, acting_user=lead, section=section, answer_type=kind, text_es=text_es, text_en=text_en, **extra
        )

    heard = ask(AnswerType.YES_NO, "¿Se escucha a la niña o al niño?", "Is the child heard?")
    means = ask(
        AnswerType.SINGLE,
        "Medio principal",
        "Main means",
        choices=[{"key": "air", "es": "Aérea", "en": "By air"}, {"key": "land", "es": "Terrestre", "en": "By land"}],
    )
    months = ask(AnswerType.NUMBER, "Meses de seguimiento", "Months of follow-up")
    updated = ask(AnswerType.DATE, "Protocolo actualizado", "Protocol updated")
    round_ = comparison_services.start_round(analysis, acting_user=lead)
    values = {heard: "yes", means: "air", months: "3.5", updated: "2025-03-31"}
    for code, user in (("HN", n.hn_officer), ("PA", n.pa_officer)):
        col = column(round_, code)
        comparison_services.save_answers(
            col, {q.pk: {"value": v, "basis_instrument": ""} for q, v in values.items()}, acting_user=user
        )
        comparison_services.submit_column(col, acting_user=user)
    comparison_services.validate_column(column(round_, "HN"), acting_user=lead)
    n.analysis, n.round = analysis, round_


def _plan(n):
    from plan import services as plan_services
    from plan.models import Indicator
    from plan.testing import approved_report, build_plan, fill_report

    p = build_plan(n)
    p.plan.visibility = "public"
    p.plan.title_es, p.plan.title_en = "Plan estratégico Alfa", "Alpha strategic plan"
    p.plan.save()
    year = 2018
    approved_report(
        p.plan,
        year,
        n.hn,
        n.hn_officer,
        n.ts,
        {p.national_a: ("in_progress", 40), p.national_b: ("completed", 100), p.national_c: ("not_applicable", None)},
    )
    # Guatemala's report is submitted, not approved: "Bravo" is in its narrative only.
    fill_report(
        p.plan,
        year,
        n.gt,
        n.gt_officer,
        {
            p.national_a: ("in_progress", 70, "Bravo"),
            p.national_b: ("not_started", 0),
            p.national_c: ("completed", 100),
        },
        submit=True,
    )
    indicator = Indicator.objects.create(node=p.national_a, name_es="Niñas atendidas", name_en="Girls served", unit="#")
    plan_services.add_indicator_value(indicator, acting_user=n.ts, kind="target", year=year, value=6)
    plan_services.add_indicator_value(
        indicator, acting_user=n.hn_officer, kind="actual", year=year, value=2, country=n.hn
    )
    n.plan, n.plan_year = p.plan, year


def _practices(n):
    from practices import services as practice_services
    from practices.tests.helpers import axis, theme

    call = practice_services.open_call(
        acting_user=n.ts,
        title_es="Convocatoria de prácticas Alfa",
        title_en="Alpha call for practices",
        theme=theme("alternative-care"),
        countries=[n.gt, n.hn],
        deadline=datetime.date.today() + datetime.timedelta(days=30),
    )

    def practice(word_es, word_en, publish):
        created = practice_services.create_practice(
            acting_user=n.gt_officer,
            call=call,
            title_es=f"Familias de acogida {word_es}",
            title_en=f"{word_en} foster families",
            summary_es="Acompañamiento a niñas y niños en sus familias.",
            summary_en="Support to girls and boys in their families.",
            description_es="Un equipo visita a cada familia.",
            description_en="A team visits each family.",
            countries=[n.gt],
            themes=[theme("alternative-care")],
            axis=axis(4),
            start_year=2019,
        )
        created = practice_services.submit(created, acting_user=n.gt_officer)
        return practice_services.publish(created, acting_user=n.ts) if publish else created

    n.published_practice = practice("Alfa", "Alpha", True)
    n.submitted_practice = practice("Bravo", "Bravo", False)
    n.call = call
    n.compilation = practice_services.create_compilation(
        acting_user=n.ts,
        title_es="Compilación Alfa",
        title_en="Alpha compilation",
        practices=[n.published_practice, n.submitted_practice],
        compiler=n.unicef,
    )


def _circular(n):
    from circulation import services as circulation_services

    circular = circulation_services.create_circular(
        acting_user=n.ts,
        title_es="Nota informativa Alfa",
        title_en="Alpha information note",
        body_es="Texto de la nota.",
        body_en="Text of the note.",
        reply_deadline=datetime.date.today() + datetime.timedelta(days=10),
        countries=[n.gt, n.hn],
    )
    n.circular = circulation_services.send_circular(circular, acting_user=n.ts)
    circulation_services.mark_read(n.circular, acting_user=n.gt_officer)


def build_world(today=None):
    """Build the network and every app's documents (see the module's docstring)."""
    from directory.tests.helpers import build_directory

    today = today or datetime.date.today()
    n = build_network(today)
    n.icrc = _org(n, "International Committee of the Red Cross", "Comité Internacional de la Cruz Roja", "ICRC", "CICR")
    n.unhcr = _org(
        n,
        "Office of the United Nations High Commissioner for Refugees",
        "Alto Comisionado de las Naciones Unidas para los Refugiados",
        "UNHCR",
        "ACNUR",
    )
    _meetings(n, today)
    _comparisons(n)
    _plan(n)
    _practices(n)
    build_directory(n)
    _directory_change(n)
    _circular(n)
    return n


def _directory_change(n):
    """UNICEF's member proposes a phone for its Guatemala service: a change waiting for review."""
    from directory import services as directory_services

    n.service_edit = directory_services.update_service(
        n.unicef_service, acting_user=n.partner, phones=[{"number": "+502 2412 8100"}]
    )


# ---- the documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """One downloadable document: its name, format, address, and who may download it."""

    name: str
    kind: str  # docx, xlsx, csv, vcf, html (a print page: its article is the document)
    url: object  # n -> address (without ?lang)
    public: bool = False  # anonymous readers may download it
    member: str = "gt_officer"  # the network member who downloads it
    approval: bool = True  # holds content that needs approval (and has a working copy)
    extra: dict = None

    def address(self, n, lang, working=False):
        query = {"lang": lang, **(self.extra or {})}
        if working:
            query["working"] = "1"
        url = self.url(n)
        return url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in query.items())


def _pack(n):
    today = datetime.date.today()
    # Two years back, one ahead, in days: `replace(year=...)` has no 29 February in most years.
    start, end = today - datetime.timedelta(days=2 * 365), today + datetime.timedelta(days=365)
    return reverse("meetings:pack") + f"?body={n.network.slug}&start={start}&end={end}&format=docx"


DOCUMENTS = [
    Doc("meeting report", "docx", lambda n: reverse("meetings:report_docx", args=[n.meeting.pk]), public=True),
    Doc(
        "meeting report print page",
        "html",
        lambda n: reverse("meetings:report_print", args=[n.meeting.pk]),
        public=True,
    ),
    Doc("RCGM pack", "docx", _pack),
    Doc(
        "comparison workbook",
        "xlsx",
        lambda n: reverse("comparisons:export", args=[n.analysis.pk, n.round.number, "xlsx"]),
        public=True,
    ),
    Doc(
        "comparison report",
        "docx",
        lambda n: reverse("comparisons:export", args=[n.analysis.pk, n.round.number, "docx"]),
        public=True,
    ),
    Doc("plan report", "docx", lambda n: reverse("plan:export", args=[n.plan.pk, n.plan_year, "docx"]), public=True),
    Doc("plan workbook", "xlsx", lambda n: reverse("plan:export", args=[n.plan.pk, n.plan_year, "xlsx"]), public=True),
    Doc(
        "compiled answers to a call",
        "docx",
        lambda n: reverse("practices:call_compilation", args=[n.call.pk]),
        public=True,
    ),
    Doc("compilation", "docx", lambda n: reverse("practices:compilation_document", args=[n.compilation.pk])),
    Doc("contacts CSV", "csv", lambda n: reverse("network:contacts_export", args=["csv"]), approval=False),
    Doc("contacts XLSX", "xlsx", lambda n: reverse("network:contacts_export", args=["xlsx"]), approval=False),
    Doc("contacts vCard", "vcf", lambda n: reverse("network:contacts_export", args=["vcf"]), approval=False),
    Doc("map CSV", "csv", lambda n: reverse("directory:export", args=["csv"]), public=True, approval=False),
    Doc("map XLSX", "xlsx", lambda n: reverse("directory:export", args=["xlsx"]), public=True, approval=False),
    Doc("printed directory", "html", lambda n: reverse("directory:print", args=["gt"]), public=True, approval=False),
    Doc(
        "circular tracking board",
        "xlsx",
        lambda n: reverse("circulation:board_export", args=[n.circular.pk]),
        member="ts",
        approval=False,
    ),
    Doc(
        "presidency handover",
        "docx",
        lambda n: reverse("presidencies:handover_docx", args=[n.ppt.pk]),
        member="pa_officer",
        approval=False,
    ),
]
WORD_DOCUMENTS = [doc for doc in DOCUMENTS if doc.kind == "docx"]


# ---- reading documents back ------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_parts(content):
    """{part name: [paragraph texts]} of a DOCX: the body, each header and footer, and the properties."""
    from lxml import etree

    parts = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if (
                name.startswith("word/")
                and name.endswith(".xml")
                and (name == "word/document.xml" or "/header" in name or "/footer" in name)
            ):
                root = etree.fromstring(archive.read(name))
                paragraphs = []
                for p in root.iter(f"{W}p"):
                    paragraphs.append("".join(t.text or "" for t in p.iter(f"{W}t")))
                parts[name] = paragraphs
            elif name == "docProps/core.xml":
                root = etree.fromstring(archive.read(name))
                parts[name] = [element.text or "" for element in root.iter() if element.text and element.text.strip()]
    return parts


def xlsx_texts(content):
    """Every sheet's title, print header and cell values (as text) of an XLSX."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        texts.append(sheet.title)
        for part in (sheet.oddHeader.left, sheet.oddHeader.center, sheet.oddHeader.right, sheet.oddFooter.center):
            if part.text:
                texts.append(part.text)
        for row in sheet.iter_rows(values_only=True):
            texts.extend(str(value) for value in row if value is not None and not isinstance(value, int | float))
    return texts


ARTICLE = re.compile(r"<article\b.*?</article>", re.S)


def text_of(kind, content):
    """The words a reader sees in a document, as one text."""
    if kind == "docx":
        return "\n".join(line for lines in docx_parts(content).values() for line in lines)
    if kind == "xlsx":
        return "\n".join(xlsx_texts(content))
    if kind == "html":
        import html as html_module

        article = "\n".join(ARTICLE.findall(content.decode()))
        return html_module.unescape(re.sub(r"<[^>]+>", " ", article))
    return content.decode("utf-8-sig")


def signed_in_as(n, who):
    from core.testing import signed_in

    return signed_in(getattr(n, who))


def fetch(client, doc, n, lang, working=False):
    """Download a document (the RCGM pack's form too) in `lang`; return the response, its body read whole."""
    from django.http import HttpResponse

    from core.testing import body_of

    response = client.get(doc.address(n, lang, working), headers={"accept-language": lang})
    if not getattr(response, "streaming", False):
        return response
    whole = HttpResponse(body_of(response), status=response.status_code)
    for header, value in response.items():
        whole[header] = value
    return whole


def simple(n):
    return SimpleNamespace(**vars(n))
