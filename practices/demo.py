"""Demonstration repository (idempotent): practices in both languages, resources (IOM's virtual
course among them), a call for practices on alternative care and its compilation — all demo.

Records are created through the services, by the demo accounts of network.demo, and taken
through the review as far as each one's demo state says.
"""

import datetime
import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from network.demo import ORGANIZATIONS
from network.models import Country, Organization

from . import services
from .demo_data import CALL, COMPILATION, DRAFT, IN_REVIEW, PRACTICES, RESOURCES, RETURNED
from .models import Axis, Call, Compilation, Practice, Resource, Theme

TEXT_KEYS = [f"{name}_{lang}" for name in Practice.TEXT_FIELDS for lang in ("es", "en")]


def _organizations():
    names = {key: name_en for key, _kind, _country, _parent, _name_es, name_en, *_rest in ORGANIZATIONS}
    by_name = {org.name_en: org for org in Organization.objects.filter(name_en__in=names.values())}
    return {key: by_name[name] for key, name in names.items() if name in by_name}


def _users():
    emails = {
        "ts": "ts@enlace.example",
        "panama": "panama@enlace.example",
        "guatemala": "guatemala@enlace.example",
        "guatemala.alterna": "guatemala.alterna@enlace.example",
        "honduras": "honduras@enlace.example",
        "partner": "partner@enlace.example",
    }
    found = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    return {key: found[email] for key, email in emails.items() if email in found}


def _document(lines):
    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _advance(record, state, users, author, comment=""):
    """Take a record through the review up to its demo state."""
    ts = users["ts"]
    if state == DRAFT:
        return record
    record = services.submit(record, acting_user=author)
    if state == "submitted":
        return record
    record = services.start_review(record, acting_user=ts)
    if state == IN_REVIEW:
        services.comment(record, "Revisando la descripción y los resultados.", acting_user=ts)
        return record
    if state == RETURNED:
        return services.return_to_author(record, comment, acting_user=ts)
    return services.publish(record, acting_user=ts)


def load(stdout):
    users = _users()
    if "ts" not in users:
        stdout.write("Demo repository skipped: load the demo network first.")
        return
    orgs = _organizations()
    countries = {c.code.code: c for c in Country.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    axes = {a.number: a for a in Axis.objects.all()}
    ts = users["ts"]

    call = Call.objects.filter(is_demo=True, title_es=CALL["title_es"]).first()
    if call is None:
        call = services.open_call(
            acting_user=ts,
            title_es=CALL["title_es"],
            title_en=CALL["title_en"],
            description_es=CALL["description_es"],
            description_en=CALL["description_en"],
            theme=themes[CALL["theme"]],
            countries=[countries[code] for code in CALL["countries"] if code in countries],
            deadline=timezone.localdate() + datetime.timedelta(days=CALL["days_left"]),
        )
        Call.objects.filter(pk=call.pk).update(is_demo=True)

    resources = {}
    for item in RESOURCES:
        existing = Resource.objects.filter(is_demo=True, title_es=item["title_es"]).first()
        if existing is not None:
            resources[item["title_es"]] = existing
            continue
        fields = {key: item[key] for key in ("kind", "title_es", "title_en", "description_es", "description_en")}
        fields.update(language=item["language"], year=item["year"], url=item["url"])
        fields.update(
            provider=orgs.get(item["provider"]) if item["provider"] else None,
            themes=[themes[slug] for slug in item["themes"]],
            countries=[countries[code] for code in item["countries"] if code in countries],
            axis=axes.get(item["axis"]),
            submitting_organization=orgs.get(item["provider"] or "TS") or orgs.get("TS"),
        )
        if "dates" in item:
            fields.update(
                starts_on=datetime.date.fromisoformat(item["dates"][0]),
                ends_on=datetime.date.fromisoformat(item["dates"][1]),
            )
        upload = None
        if item.get("document"):
            upload = SimpleUploadedFile("protocolo-cuidado-alternativo.docx", _document(item["document"]))
        resource = services.create_resource(acting_user=ts, file=upload, **fields)
        Resource.objects.filter(pk=resource.pk).update(is_demo=True)
        resources[item["title_es"]] = _advance(resource, item["state"], users, ts)

    created = 0
    for item in PRACTICES:
        if Practice.objects.filter(is_demo=True, title_es=item["title_es"]).exists():
            continue
        author = users.get(item["author"], ts)
        institutions = [orgs[key] for key in item["institutions"] if key in orgs]
        fields = {key: item[key] for key in TEXT_KEYS if key in item}
        fields.update(
            countries=[countries[code] for code in item["countries"] if code in countries],
            themes=[themes[slug] for slug in item["themes"]],
            implementing_institutions=institutions,
            axis=axes.get(item["axis"]),
            population=item["population"],
            start_year=item["years"][0],
            end_year=item["years"][1],
            original_language=item["lang"],
            contact_name="Punto focal (demo)",
            contact_email="practicas@enlace.example",
            call=call if item["call"] else None,
        )
        if item.get("submitted_for"):
            fields.update(
                submitting_country=countries.get(item["submitted_for"]),
                submitting_organization=institutions[0] if institutions else None,
            )
        elif author == ts:
            fields.update(submitting_organization=institutions[0] if institutions else orgs.get("TS"))
        if item["title_es"].startswith("Familias de acogida"):
            fields["resources"] = [r for title, r in resources.items() if title.startswith("Protocolo")]
        elif item["title_es"].startswith("Planes individuales"):
            fields["resources"] = [r for title, r in resources.items() if title.startswith("Curso virtual")]
        practice = services.create_practice(acting_user=author, **fields)
        Practice.objects.filter(pk=practice.pk).update(is_demo=True)
        _advance(practice, item["state"], users, author, item.get("return_comment", ""))
        created += 1

    if not Compilation.objects.filter(is_demo=True).exists():
        compilation = services.create_compilation(
            acting_user=ts,
            title_es=COMPILATION["title_es"],
            title_en=COMPILATION["title_en"],
            call=call,
            compiler=orgs.get(COMPILATION["compiler"]),
        )
        Compilation.objects.filter(pk=compilation.pk).update(is_demo=True)
    published = Practice.objects.filter(is_demo=True, published_version__isnull=False).count()
    stdout.write(
        f"Demo repository loaded: {Practice.objects.filter(is_demo=True).count()} practices "
        f"({published} published, {created} new), {len(resources)} resources, 1 call for practices."
    )
