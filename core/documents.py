"""What every official document shares: its language, the working copy and its draft mark, the layout.

A document is written in one language (`lang`, "es" or "en") from start to end. Callers build it
inside `translation.override(lang)` so labels, enum values (through their labels), country names
(django-countries) and dates (`django.utils.formats`) come out in that language.

By default a document holds only approved, validated or published content, whoever downloads
it. The TS may ask for a *working copy* (`?working=1`): `working_copy(request)` decides (anyone
else is refused through `core.access`), every unapproved part then carries its status in words
(`unapproved`), every page carries the draft mark (`draft_mark`) and the file name says draft
(`draft_filename`).

Word documents start from `official_docx`: the body's or network's name and logo in the header,
"Page X of Y" in the footer (Word fields), the document's properties and language; agreements
use Word's own numbering (`WordNumbering`). Spreadsheets and CSV are written by `core.office`
(`Workbook`, `csv_content`): draft row and print header, column widths, real dates and numbers,
one formula guard.
"""

import io

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import access

LANGUAGES = ("es", "en")
WORKING_COPY = "working_copy"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
CONTENT_TYPES = {"docx": DOCX_TYPE, "xlsx": XLSX_TYPE, "pdf": PDF_TYPE, "csv": "text/csv; charset=utf-8"}
# Word's language tags for each document language (spelling and hyphenation).
WORD_LANGUAGE = {"es": "es-ES", "en": "en-GB"}
DRAFT_COLOUR = "B00020"


def other_language(lang):
    return "en" if lang == "es" else "es"


def language_of(request, default=None):
    """The language a document is asked in (`?lang=es|en`), else the reader's, else Spanish."""
    lang = request.GET.get("lang")
    if lang in LANGUAGES:
        return lang
    lang = (default or translation.get_language() or "es")[:2]
    return lang if lang in LANGUAGES else "es"


def language_of_active():
    """The active language as a document language ("es" or "en")."""
    lang = (translation.get_language() or "es")[:2]
    return lang if lang in LANGUAGES else "es"


# ---- the working copy ---------------------------------------------------------------------------


def may_use_working_copy(user):
    """Only the Technical Secretariat downloads working copies (documents with unapproved content)."""
    return access.makes_working_copies(user)


def working_copy(request):
    """Is a working copy asked for (`?working=1`)? Refuse (403) anyone but the TS who asks for one."""
    if request.GET.get("working") != "1":
        return False
    if not may_use_working_copy(request.user):
        access.refuse(request.user, WORKING_COPY, None)
    return True


def draft_word(lang):
    """The mark every page of a working copy carries: "BORRADOR" or "DRAFT"."""
    with translation.override(lang):
        return _("DRAFT")


def draft_mark(lang):
    """The draft line of a working copy, in the document's language."""
    with translation.override(lang):
        return _("%(draft)s — working copy: it includes content that is not approved.") % {"draft": draft_word(lang)}


def draft_filename(filename, lang):
    """`report-es.docx` → `report-es-borrador.docx` (Spanish) or `report-en-draft.docx` (English)."""
    stem, dot, extension = filename.rpartition(".")
    suffix = "borrador" if lang == "es" else "draft"
    if not dot:
        return f"{filename}-{suffix}"
    return f"{stem}-{suffix}.{extension}"


def unapproved(status_label):
    """The words an unapproved part carries in a working copy: "[Submitted — not approved]"."""
    return _("[%(status)s — not approved]") % {"status": status_label}


# ---- one language per document ------------------------------------------------------------------


class Wording:
    """Read bilingual content in the document's language, counting what has no translation yet.

    A text missing in `lang` is shown in the language it has, followed by one short mark in the
    document's language ("(solo en inglés)"); `closing_note()` gives the count to end the document.
    """

    def __init__(self, lang):
        self.lang = lang
        self.other = other_language(lang)
        self._untranslated = set()

    def parts(self, obj, field):
        """Return (text, mark): the text in the document's language with mark "", else the other's with a mark."""
        value = getattr(obj, f"{field}_{self.lang}", "") or ""
        if value.strip():
            return value, ""
        value = getattr(obj, f"{field}_{self.other}", "") or ""
        if not value.strip():
            return "", ""
        self._untranslated.add((obj.__class__.__name__, getattr(obj, "pk", id(obj)), field))
        return value, self.mark()

    def text(self, obj, field):
        """The text with its mark, as one string."""
        value, mark = self.parts(obj, field)
        return f"{value} {mark}" if mark else value

    def mark(self):
        with translation.override(self.lang):
            return _("(only in English)") if self.other == "en" else _("(only in Spanish)")

    @property
    def untranslated(self):
        return len(self._untranslated)

    def closing_note(self):
        """The document's last words when some texts have no translation: how many, and how they are marked."""
        count = self.untranslated
        if not count:
            return ""
        with translation.override(self.lang):
            return ngettext(
                "%(count)s text has no translation yet: it is shown in the language it was written in, "
                "marked %(mark)s.",
                "%(count)s texts have no translation yet: they are shown in the language they were written in, "
                "marked %(mark)s.",
                count,
            ) % {"count": count, "mark": self.mark()}


def date_text(value, lang=None, fmt="DATE_FORMAT"):
    """A date in the document's language ("15 de noviembre de 2017"); "" for none."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if lang:
        with translation.override(lang):
            return formats.date_format(value, fmt)
    return formats.date_format(value, fmt)


def due_text(due_date, due_period):
    """A commitment's due date or period in the active language: a date, "2018", or "1st quarter 2018"."""
    if due_date:
        return formats.date_format(due_date, "DATE_FORMAT")
    if not due_period:
        return ""
    year, _dash, quarter = due_period.partition("-Q")
    if not quarter:
        return year
    return _("quarter %(quarter)s of %(year)s") % {"quarter": quarter, "year": year}


def actor_name(actor):
    """A commitment actor in the active language: ST/TS, PPT, the country's name, the organization's acronym."""
    kind = actor.kind
    if kind == "ts":
        return _("TS")
    if kind == "ppt":
        return _("PPT")
    if kind == "country":
        return str(actor.country.code.name)
    return actor.organization.short_name


def secretariat_name(lang):
    with translation.override(lang):
        return _("Technical Secretariat")


# ---- Word documents -----------------------------------------------------------------------------


def _field(paragraph, instruction, placeholder):
    """Append a Word field (PAGE, NUMPAGES…) whose shown value Word and LibreOffice compute."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _page_footer(section, lang):
    """ "Página X de Y" / "Page X of Y", X and Y being Word's PAGE and NUMPAGES fields."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    with translation.override(lang):
        words = _("Page %(page)s of %(pages)s")
    # The sentence is translated whole; the fields go where its placeholders are.
    before, rest = words.split("%(page)s", 1)
    middle, after = rest.split("%(pages)s", 1)
    paragraph.add_run(before)
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(middle)
    _field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(after)


def _logo():
    """The network's logo as bytes (uploaded once by the TS), or None."""
    from .models import DocumentSettings

    row = DocumentSettings.objects.filter(pk=DocumentSettings.SINGLETON).first()
    if row is None or not row.logo:
        return None
    try:
        with row.logo.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def has_logo():
    """Has the TS uploaded the network's logo?"""
    from .models import DocumentSettings

    return DocumentSettings.objects.filter(pk=DocumentSettings.SINGLETON).exclude(logo="").exists()


def _header(section, name, lang, draft):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    header = section.header
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    logo = _logo()
    if logo:
        try:
            paragraph.add_run().add_picture(io.BytesIO(logo), height=Cm(1.2))
            paragraph.add_run("  ")
        except Exception:  # noqa: BLE001 - an image python-docx cannot read leaves the plain text header
            paragraph.clear()
    run = paragraph.add_run(name)
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    if draft:
        mark = header.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        words = mark.add_run(draft_mark(lang))
        words.bold = True
        words.font.size = Pt(11)
        words.font.color.rgb = RGBColor.from_string(DRAFT_COLOUR)


def _language_defaults(document, lang):
    """Set the document's language on its default run properties (Word's spelling, LibreOffice's PDF tag)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    element = rpr.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        rpr.append(element)
    element.set(qn("w:val"), WORD_LANGUAGE[lang])


def official_docx(*, lang, title, header_name, author=None, draft=False, landscape=False, subject=""):
    """A new Word document in the network's official layout, ready for its body.

    Header: the logo (when the TS uploaded one) and `header_name` (the body's or network's name);
    for a working copy, the draft mark under it, on every page. Footer: "Page X of Y". Properties:
    title, author (`author`, else the Technical Secretariat), language, status (draft or final).
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(27.94), Cm(21.59)  # Letter, as the RCM prints
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0 if landscape else 2.5))
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    style.paragraph_format.space_after = Pt(6)
    _language_defaults(document, lang)
    _header(section, header_name, lang, draft)
    _page_footer(section, lang)
    properties = document.core_properties
    properties.title = title
    properties.subject = subject or header_name
    properties.author = author or secretariat_name(lang)
    properties.last_modified_by = properties.author
    properties.language = WORD_LANGUAGE[lang]
    properties.keywords = ""
    properties.comments = ""
    properties.revision = 1
    with translation.override(lang):
        properties.content_status = draft_word(lang) if draft else _("Final")
    from django.utils import timezone

    properties.created = properties.modified = timezone.now().replace(microsecond=0, tzinfo=None)
    return document


def docx_bytes(document, wording=None):
    """Save the document; end it with the count of untranslated texts when there are some."""
    if wording is not None and wording.untranslated:
        from docx.shared import Pt

        paragraph = document.add_paragraph()
        run = paragraph.add_run(wording.closing_note())
        run.italic = True
        run.font.size = Pt(9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def marked_run(paragraph, text, mark, lang):
    """Add `text` (and its untranslated mark, italic) to a paragraph; the text keeps its own language tag."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run(text)
    if mark:
        element = OxmlElement("w:lang")
        element.set(qn("w:val"), WORD_LANGUAGE[other_language(lang)])
        run._r.get_or_add_rPr().append(element)
        paragraph.add_run(" " + mark).italic = True
    return run


def unapproved_run(paragraph, label):
    """Add an unapproved part's status, in words, bold and red."""
    from docx.shared import RGBColor

    run = paragraph.add_run((" " if paragraph.text else "") + unapproved(label))
    run.bold = True
    run.font.color.rgb = RGBColor.from_string(DRAFT_COLOUR)
    return run


class WordNumbering:
    """A numbering definition in the document ("1." then "a)"), so Word numbers the agreements itself.

    Typed numbers would not follow an agreement moved or added in Word; numbered paragraphs do.
    """

    def __init__(self, document, *, hang_cm=0.75):
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn

        numbering = document.part.numbering_part.element
        used = [int(n.get(qn("w:abstractNumId"))) for n in numbering.findall(qn("w:abstractNum"))]
        nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
        self.abstract_id = max(used, default=0) + 1
        self.num_id = max(nums, default=0) + 1
        twips = int(hang_cm * 567)
        levels = []
        for level, (fmt, text) in enumerate((("decimal", "%1."), ("lowerLetter", "%2)"))):
            indent = twips * (level + 1)
            levels.append(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{indent}"/></w:tabs>'
                f'<w:ind w:left="{indent}" w:hanging="{twips}"/></w:pPr></w:lvl>'
            )
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{self.abstract_id}">'
            '<w:multiLevelType w:val="hybridMultilevel"/>' + "".join(levels) + "</w:abstractNum>"
        )
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)  # abstract definitions come before the instances
        else:
            numbering.append(abstract)
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{self.num_id}"><w:abstractNumId w:val="{self.abstract_id}"/></w:num>'
            )
        )

    def apply(self, paragraph, level):
        """Number `paragraph` at `level` (0: "1.", 1: "a)")."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        paragraph._p.get_or_add_pPr().insert(
            0,
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{self.num_id}"/></w:numPr>'),
        )
        return paragraph


# ---- answering -----------------------------------------------------------------------------------


def attachment(content, filename, content_type=None):
    """An HTTP response that downloads `content` as `filename`."""
    from django.http import HttpResponse

    extension = filename.rsplit(".", 1)[-1].lower()
    content_type = content_type or CONTENT_TYPES.get(extension, "application/octet-stream")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def docx_or_pdf(request, content, filename, fmt, docx_url=None):
    """Answer a Word document as DOCX, or converted to PDF (503 page when LibreOffice is missing)."""
    if fmt != "pdf":
        return attachment(content, filename)
    from . import pdf

    try:
        converted = pdf.docx_to_pdf(content)
    except pdf.PdfUnavailable as problem:
        return pdf.unavailable_page(request, problem, docx_url)
    return attachment(converted, filename.rsplit(".", 1)[0] + ".pdf")
