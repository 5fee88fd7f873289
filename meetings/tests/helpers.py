"""Test data for the meetings app: the RCM directory the seed report names, built through services."""

import datetime
import io
from pathlib import Path

from django.test import TestCase

from core.testing import build_network
from network import services as network_services
from network.models import Body, BodyKind, Country, Membership, OrganizationKind

DATA = Path(__file__).parent / "data"
NETWORK_NAME_EN = "Liaison Officer Network for the Protection of Migrant Boys, Girls and Adolescents"
NETWORK_NAME_ES = "Red de Funcionarios de Enlace para la Protección de Niñas, Niños y Adolescentes Migrantes"


def build_rcm(today=None):
    """Return core.testing's network, completed with the 11 member countries and the seed's organizations."""
    n = build_network(today)
    for code in ("BZ", "CA", "DO", "NI", "US"):
        n.countries[code] = Country.objects.create(code=code, membership=Membership.MEMBER)
    n.network = network_services.update_body(
        n.network,
        acting_user=n.ts,
        name_en=NETWORK_NAME_EN,
        name_es=NETWORK_NAME_ES,
        acronym_es="Red NNA",
        acronym_en="",
    )

    def org(name_en, name_es, acronym_en, acronym_es, kind=OrganizationKind.INTERNATIONAL):
        return network_services.create_organization(
            acting_user=n.ts, kind=kind, name_en=name_en, name_es=name_es, acronym_en=acronym_en, acronym_es=acronym_es
        )

    Body.objects.create(
        conference=n.conference,
        slug="vice-ministerial",
        kind=BodyKind.VICE_MINISTERIAL,
        name_es="Reunión Viceministerial",
        name_en="Vice-Ministerial Meeting",
    )
    n.icrc = org("International Committee of the Red Cross", "Comité Internacional de la Cruz Roja", "ICRC", "CICR")
    n.unhcr = org("Office of the United Nations High Commissioner for Refugees", "ACNUR", "UNHCR", "ACNUR")
    n.childfund = org("Child Fund", "Child Fund", "", "", kind=OrganizationKind.CIVIL_SOCIETY)
    return n


class DirectoryTestCase(TestCase):
    """A test on the RCM directory of build_rcm(), in English, with the importer's Directory loaded."""

    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def setUp(self):
        from django.utils import translation

        from meetings.importer import Directory

        self.enterContext(translation.override("en"))
        self.directory = Directory.load()


def seed_text(lang="en"):
    return (DATA / f"seed_report_{lang}.txt").read_text(encoding="utf-8")


def seed_file(lang="en"):
    """The seed report as an uploaded-file-like object."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"seed_report_{lang}.txt", seed_text(lang).encode("utf-8"), content_type="text/plain")


def days_ago(days):
    return datetime.date.today() - datetime.timedelta(days=days)


def docx_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def numbered_docx(paragraphs, hidden=None):
    """Build a DOCX whose numbers come from Word's automatic list numbering, not from the text runs.

    `paragraphs` is a list of (level, text): level 0 is numbered "1.", level 1 lettered "a)",
    None is a plain paragraph. `hidden` text, if given, is added as a hidden run (w:vanish).
    """
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:multiLevelType w:val="hybridMultilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
        '<w:lvlJc w:val="left"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/>'
        '<w:lvlJc w:val="left"/></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in paragraphs:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="91"/></w:numPr>')
            )
    if hidden:
        run = document.paragraphs[-1].add_run(hidden)
        run.font.hidden = True
    return docx_bytes(document)


def seed_as_word_list(lang="en"):
    """The seed report as (level, text) paragraphs, its typed numbers and letters taken out."""
    from meetings.importer.parser import LETTER_RE, NUMBER_RE

    rows = []
    for line in seed_text(lang).splitlines():
        if not line.strip():
            continue
        number = NUMBER_RE.match(line)
        letter = LETTER_RE.match(line)
        if number:
            rows.append((0, number["rest"]))
        elif letter and rows and rows[-1][0] is not None:
            rows.append((1, letter["rest"]))
        else:
            rows.append((None, line))
    return rows


def import_seed(n, *, publish=True, approve=True, spanish=True, visibility="members"):
    """Import the seed report through the services users call: draft → (Spanish) → published → approved."""
    from django.utils import translation

    from meetings import duplicates, services
    from meetings.importer import parse_paragraphs

    with translation.override("en"):
        meeting = services.import_report(
            parse_paragraphs(seed_text("en").splitlines()), acting_user=n.ts, source_name="seed_report_en.txt"
        )
        if meeting.duplicate_of_id:  # the same report again, on purpose: the TS keeps it as a new meeting
            meeting = duplicates.resolve(meeting, "new", acting_user=n.ts)
        if spanish:
            services.add_translation(meeting, parse_paragraphs(seed_text("es").splitlines()), acting_user=n.ts)
    if visibility != "members":
        meeting = services.update_meeting(meeting, acting_user=n.ts, visibility=visibility)
    if publish:
        meeting = services.publish_meeting(meeting, acting_user=n.ts)
    if approve:
        services.approve_report(services.draft_of(meeting), acting_user=n.ts)
    return meeting


def commitment(meeting, ref, kind=None):
    """The commitment of agreement `ref` (the first, or the one with an actor of `kind`)."""
    rows = meeting.commitments.filter(
        agreement__number=ref.rstrip("abcdefgh"), agreement__letter=ref.lstrip("0123456789")
    )
    if kind:
        rows = rows.filter(actors__kind=kind).distinct()
    return rows.order_by("position").first()
