"""The compiled document: chosen practices (or a call's answers) as one DOCX, in Spanish or English.

A cover, a table of contents that is a real Word TOC field (Word and LibreOffice update it;
its cached entries already list every chapter, each with a PAGEREF to the chapter's bookmark),
and one chapter per practice following the repository's template.
"""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from core import documents
from core.i18n import localized
from network import queries as network_queries

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SECTIONS = (
    ("summary", "Summary"),
    ("context", "Context"),
    ("description", "Description"),
    ("results", "Results and evidence"),
    ("lessons", "Lessons learned"),
    ("replicability", "Replicability"),
)


def _section_labels():
    return {
        "summary": _("Summary"),
        "context": _("Context"),
        "description": _("Description"),
        "results": _("Results and evidence"),
        "lessons": _("Lessons learned"),
        "replicability": _("Replicability"),
    }


def _field(paragraph, instruction, cached=""):
    """Append a complex field (begin, instruction, separate, cached result, end) to a paragraph."""

    def char(kind):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    if cached:
        paragraph.add_run(cached)
    char("end")


def _bookmark(paragraph, name, bookmark_id):
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _update_fields_on_open(document):
    """Ask Word to refresh fields (the TOC's page numbers) when the document opens."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _toc_style(document):
    styles = document.styles
    if "TOC 1" in [s.name for s in styles]:
        return styles["TOC 1"]
    style = styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.paragraph_format.space_after = Pt(4)
    section = document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    style.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    return style


def _paragraphs(document, text, style=None, mark="", lang="es"):
    """One paragraph per line; the untranslated mark, if any, ends the last one."""
    blocks = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n") if part.strip()]
    for index, block in enumerate(blocks):
        paragraph = document.add_paragraph(style=style)
        documents.marked_run(paragraph, block, mark if index == len(blocks) - 1 else "", lang)


def _text_in(content, field, lang):
    """Return (text, language it is in): the chosen language, or the other when it is missing."""
    value = getattr(content, f"{field}_{lang}", "")
    if value:
        return value, lang
    other = "en" if lang == "es" else "es"
    return getattr(content, f"{field}_{other}", ""), other


def chapter_title(content, lang):
    return localized(content, "title", lang) or "—"


def build(contents, *, lang, title, subtitle="", show_contacts=False, resources=None, working=False):
    """Return the DOCX bytes of a compilation of `contents` (practice contents, in order).

    A working copy (`working`, the TS) may hold contents not published yet: each one has a
    `status_label` (its status in words) and every page carries the draft mark.
    """
    resources = resources or {}
    wording = documents.Wording(lang)
    with translation.override(lang):
        document = documents.official_docx(
            lang=lang,
            title=title,
            header_name=network_queries.network_name(lang),
            draft=working,
            subject=_("Compilation of practices"),
        )
        _update_fields_on_open(document)
        toc_style = _toc_style(document)

        # Cover
        document.add_paragraph(title, style="Title")
        if subtitle:
            document.add_paragraph(subtitle, style="Subtitle")
        document.add_paragraph(
            _(
                "Liaison Officer Network for the Protection of Migrant Boys, Girls and Adolescents — "
                "Regional Conference on Migration"
            )
        )
        document.add_paragraph(date_format(timezone.localdate(), "DATE_FORMAT"))
        count = len(contents)
        document.add_paragraph(
            translation.ngettext("%(count)s practice", "%(count)s practices", count) % {"count": count}
        )
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

        # Table of contents: a TOC field whose cached result already lists the chapters.
        document.add_paragraph(_("Contents"), style="TOC Heading")
        entries = [(index, wording.text(content, "title") or "—") for index, content in enumerate(contents, start=1)]
        if entries:
            first = document.add_paragraph(style=toc_style)
            _field_begin(first, 'TOC \\o "1-1" \\h \\z \\u')
            for position, (index, name) in enumerate(entries):
                paragraph = first if position == 0 else document.add_paragraph(style=toc_style)
                paragraph.add_run(f"{index}. {name}\t")
                _field(paragraph, f"PAGEREF _Toc_practice_{index} \\h", "")
                if position == len(entries) - 1:
                    _field_end(paragraph)
        else:
            document.add_paragraph(_("No practice was chosen."))

        # One chapter per practice
        labels = _section_labels()
        for index, content in enumerate(contents, start=1):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            heading = document.add_heading(f"{index}. {wording.text(content, 'title') or '—'}", level=1)
            _bookmark(heading, f"_Toc_practice_{index}", index)
            if getattr(content, "status_label", ""):
                documents.unapproved_run(heading, str(content.status_label))
            _facts(document, content, lang)
            for field, _english in SECTIONS:
                text, mark = wording.parts(content, field)
                if not text:
                    continue
                document.add_heading(str(labels[field]), level=2)
                _paragraphs(document, text, mark=mark, lang=lang)
            if show_contacts and (content.contact_name or content.contact_email):
                document.add_heading(_("Contact"), level=2)
                _paragraphs(
                    document,
                    "\n".join(filter(None, (content.contact_name, content.contact_email, content.contact_phone))),
                )
            attached = [resources[pk] for pk in getattr(content, "resource_ids", []) if pk in resources]
            if attached:
                document.add_heading(_("Attached resources"), level=2)
                for resource in attached:
                    line = wording.text(resource, "title")
                    if resource.url:
                        line += f" — {resource.url}"
                    document.add_paragraph(line, style="List Bullet")
        return documents.docx_bytes(document, wording)


def _field_begin(paragraph, instruction):
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)


def _field_end(paragraph):
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _facts(document, content, lang):
    """A two-column table of the practice's facts."""
    rows = [
        (_("Countries"), ", ".join(str(c.name) for c in content.country_list)),
        (_("Implementing institutions"), ", ".join(str(o) for o in content.institution_list)),
        (_("Submitted by"), str(content.submitting_organization_obj or content.submitting_country_obj or "")),
        (_("Themes"), ", ".join(str(t) for t in content.theme_list)),
        (_("Plan axis"), str(content.axis_obj) if content.axis_obj else ""),
        (
            _("Population"),
            ", ".join(
                [str(label) for label in content.population_labels()]
                + ([content.population_other] if content.population_other else [])
            ),
        ),
        (_("Period"), _period(content)),
        (_("Language of the original"), str(content.get_original_language_display())),
    ]
    rows = [(label, value) for label, value in rows if value]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid" if "Table Grid" in [s.name for s in document.styles] else None
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text = str(label)
        row.cells[0].paragraphs[0].runs[0].bold = True
        row.cells[1].text = value


def _period(content):
    if content.start_year and content.end_year:
        return f"{content.start_year}–{content.end_year}"
    if content.start_year:
        return _("since %(year)s") % {"year": content.start_year}
    return ""


def file_name(title, lang):
    """Return a plain file name for the compiled document."""
    from core.uploads import safe_name

    return safe_name(f"{title}-{lang}", "docx")


def contents_for(records, *, working=False):
    """The contents a compiled document holds: each record's published version, in order.

    A working copy (the TS) takes each record's working copy instead, with `status_label` saying,
    in words, where one not published stands; records never published are left out otherwise.
    """
    from . import content as content_module
    from .models import Status

    chosen = []
    for record in records:
        if working:
            content = content_module.working(record)
            # The label stays lazy: it is worded in the document's language when the chapter is written.
            content.status_label = "" if record.status == Status.PUBLISHED else Status(record.status).label
        else:
            content = content_module.published(record)
            if content is None:
                continue
            content.status_label = ""
        chosen.append(content)
    return chosen


def compiled(user, records, *, lang, title, working=False):
    """Return (DOCX bytes, file name) of the compiled document of `records` as `user` may read it."""
    from core import access

    from . import queries

    contents = contents_for(records, working=working)
    resource_ids = sorted({pk for content in contents for pk in content.resource_ids})
    resources = {r.pk: r for r in queries.visible_resources(user, resource_ids)}
    data = build(
        contents,
        lang=lang,
        title=title,
        show_contacts=access.sees_members_only(user),
        resources=resources,
        working=working,
    )
    name = file_name(title, lang)
    return data, documents.draft_filename(name, lang) if working else name
