"""Contact directory exports: CSV, XLSX and vCard. Callers pass rows already restricted by core.access."""

import vobject
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.documents import attachment, language_of_active
from core.office import Workbook, csv_content


def _headers():
    return [
        _("Country"),
        _("Network or body"),
        _("Institution"),
        _("Role"),
        _("Position"),
        _("Honorific"),
        _("Given names"),
        _("Family names"),
        _("E-mail"),
        _("Office phone"),
        _("Mobile phone"),
        _("Languages"),
        _("Term start"),
        _("Term end"),
    ]


def _phone(number):
    return number.as_international if number else ""


def _values(row):
    person = row.person
    return [
        row.country.name if row.country else "",
        str(row.body) if row.body else "",
        str(row.organization),
        row.get_role_display(),
        row.position,
        person.honorific,
        person.given_names,
        person.family_names,
        person.email,
        _phone(person.phone_office),
        _phone(person.phone_mobile),
        ", ".join(str(name) for name in person.language_names()),
        row.start_date.isoformat(),
        row.end_date.isoformat() if row.end_date else "",
    ]


def _filename(ext):
    return f"enlace-contacts-{timezone.localdate().isoformat()}.{ext}"


def _each(rows):
    return rows.iterator(chunk_size=500) if hasattr(rows, "iterator") else rows


def csv_response(rows):
    content = csv_content([_headers(), *(_values(row) for row in _each(rows))])
    return attachment(content, _filename("csv"))


# Column widths of the contacts sheet, in characters, in the order of _headers().
WIDTHS = (18, 30, 30, 22, 24, 10, 18, 18, 30, 18, 18, 18, 12, 12)


def xlsx_response(rows):
    book = Workbook(language_of_active())
    sheet = book.sheet(_("Contacts"), WIDTHS, freeze="A2")
    sheet.header(_headers())
    for row in _each(rows):
        sheet.row([*_values(row)[:-2], row.start_date, row.end_date])  # real dates, not text
    return attachment(book.content(), _filename("xlsx"))


def _card(person, appointments):
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(
        family=person.family_names, given=person.given_names, prefix=person.honorific
    )
    card.add("fn").value = person.full_name
    if person.email:
        email = card.add("email")
        email.value = person.email
        email.type_param = "INTERNET"
    for number, kind in ((person.phone_office, "WORK"), (person.phone_mobile, "CELL")):
        if number:
            tel = card.add("tel")
            tel.value = number.as_international
            tel.type_param = kind
    current = list(appointments)
    if current:
        first = current[0]
        card.add("org").value = [str(first.organization)]
        if first.position:
            card.add("title").value = first.position
        notes = [
            " · ".join(
                part
                for part in (a.get_role_display(), str(a.body) if a.body else "", a.country.name if a.country else "")
                if part
            )
            for a in current
        ]
        card.add("note").value = "\n".join(notes)
    for code in person.languages or []:
        card.add("lang").value = code
    return card.serialize()


def vcard_response(appointments, person=None):
    """Return a .vcf file: one card per person, with their current appointments."""
    by_person = {}
    if person is not None:
        by_person[person.pk] = (person, list(appointments))
    else:
        for row in appointments:
            by_person.setdefault(row.person_id, (row.person, []))[1].append(row)
    body = "".join(_card(p, rows) for p, rows in by_person.values())
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("vcf")}"'
    return response


FORMATS = {"csv": csv_response, "xlsx": xlsx_response, "vcf": vcard_response}
