"""The expected-status matrix: every address of Enlace, every API operation, every role, one table.

`requests(n)` lists, for every pattern of the urlconf (the admin aside: it has its own test) and every
operation of the OpenAPI schemas, the requests to make — a GET and an empty POST for a page, the
operation's own method with an empty JSON body for the API — once per variant of its objects: the
object of one country and of another (Guatemala's and Honduras's person, plan report, service…), a
published item and a draft. `ROLES` are the demo roles. The expected answers are in
`core/tests/data/status_matrix.json`, one line per request: the status each role gets, in the order
of `ROLES`. A new address or operation without a row fails (test_status_matrix.py); so does any
answer that differs from the table — a 200 where the table says 403 first of all.

ENLACE_WRITE_EXPECTED=1 rewrites the table from what the code answers today: read the diff before
committing it, as a reviewer reads a change of rights.
"""

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Who asks. The TS; Panama's officer, whose country holds the Pro Tempore Presidency; Guatemala's
# principal and alternate officers; Honduras's officer (another country); a partner (UNICEF); a
# signed-in account with no term; and anyone.
ROLES = ("anonymous", "ts", "ppt", "gt_principal", "gt_alternate", "hn_officer", "partner", "outsider")
ROLE_USERS = {
    "ts": "ts",
    "ppt": "pa_officer",
    "gt_principal": "gt_officer",
    "gt_alternate": "gt_alternate",
    "hn_officer": "hn_officer",
    "partner": "partner",
    "outsider": "outsider",
}

# Patterns the matrix does not request, each with its reason.
NOT_REQUESTED = {
    "admin": "Django's admin: TS only, tested in network/tests/test_pages.py",
    "account_logout": "ends the session of the client that asks (tested in accounts)",
    "api:openapi-view": "the interactive documentation page (the schema itself is in the matrix)",
}


def url_patterns():
    """(name, route) of every pattern of the urlconf, the admin's aside."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace if not namespace else f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield name or prefix + str(pattern.pattern), prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns))


def objects(n):
    """The world's objects each address names, by variant."""
    from accounts.services import create_api_token
    from circulation.models import CircularAttachment, CircularRecipient, ReplyAttachment
    from comparisons.models import Question, Section
    from meetings.models import (
        Agreement,
        Commitment,
        CommitmentActor,
        CommitmentStatusChange,
        ImportJob,
        MeetingDocument,
    )
    from messaging.models import Notification, OutboundEmail
    from network.models import Appointment, AppointmentProposal
    from plan.models import Evidence, FollowUpReport, Indicator, Node
    from presidencies.models import HandoverKeep

    def pk(model, **filters):
        found = model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()
        return found if found is not None else 999999

    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.tests.upload_corpus import MINIMAL_PDF
    from practices import services as practice_services
    from practices.models import ResourceKind
    from practices.tests.helpers import practice_fields

    token, _secret = create_api_token(n.gt_officer, "matrix")
    # A message received at a reply address that was not recorded (kept for the TS).
    from django.core.files.base import ContentFile

    from circulation.models import InboundEmail, InboundStatus

    received = InboundEmail(mail_from="someone@elsewhere.org", status=InboundStatus.REFUSED, reason="matrix")
    received.raw.save("message.eml", ContentFile(b"Subject: hi\r\n\r\nhi\r\n"), save=False)
    received.save()
    # A draft practice of Guatemala with a file, and a partner's draft resource.
    draft = practice_services.create_practice(acting_user=n.gt_officer, **practice_fields(n))
    attached = practice_services.add_practice_file(
        draft, SimpleUploadedFile("informe.pdf", MINIMAL_PDF), acting_user=n.gt_officer
    )
    resource = practice_services.create_resource(acting_user=n.partner, kind=ResourceKind.GUIDE, title_es="Guía breve")
    reports = {
        code: FollowUpReport.objects.get(plan=n.plan, year=n.plan_year, country__code=code) for code in ("GT", "HN")
    }
    consultation, remarks = _consultation(n)
    prepared = {audience: _prepared(audience == "members").key for audience in ("public", "members")}
    return {
        "meeting": {"published": n.meeting.pk, "draft": n.draft_meeting.pk},
        "version": {"published": n.approved_version.pk, "draft": n.draft_version.pk},
        "agreement": {
            "published": pk(Agreement, version=n.approved_version),
            "draft": pk(Agreement, version=n.draft_version),
        },
        "commitment": {
            "published": pk(Commitment, agreement__version=n.approved_version),
            "draft": pk(Commitment, agreement__version=n.draft_version),
        },
        "meeting_document": {"any": pk(MeetingDocument)},
        "import_job": {"any": pk(ImportJob)},
        "prepared": prepared,
        "person": {"gt": n.gt_person.pk, "hn": n.hn_person.pk},
        "term": {"gt": pk(Appointment, person=n.gt_person), "hn": pk(Appointment, person=n.hn_person)},
        "proposal": {"any": pk(AppointmentProposal)},
        "organization": {"gt": n.sbs.pk, "hn": n.dinaf.pk},
        "country": {"gt": "gt", "hn": "hn"},
        "token": {"gt": token.pk},
        "circular": {"any": n.circular.pk},
        "recipient": {"gt": pk(CircularRecipient, circular=n.circular, country__code="GT")},
        "status_change": {"published": pk(CommitmentStatusChange, commitment__agreement__version=n.approved_version)},
        "commitment_actor": {"published": pk(CommitmentActor, commitment__agreement__version=n.approved_version)},
        "circular_attachment": {"any": pk(CircularAttachment)},
        "reply_attachment": {"any": pk(ReplyAttachment)},
        "notification": {"gt": pk(Notification, user=n.gt_officer), "hn": pk(Notification, user=n.hn_officer)},
        "outbox": {"any": pk(OutboundEmail)},
        "inbound": {"any": received.pk},
        "plan": {"any": n.plan.pk},
        "node": {"any": pk(Node, plan=n.plan)},
        "indicator": {"any": pk(Indicator, node__plan=n.plan)},
        "plan_report": {code.lower(): report.pk for code, report in reports.items()},
        "plan_evidence": {
            "gt": pk(Evidence, line__report=reports["GT"]),
            "hn": pk(Evidence, line__report=reports["HN"]),
        },
        "practice": {"published": n.published_practice.pk, "draft": n.submitted_practice.pk},
        "practice_file": {"draft": attached.pk},
        "resource": {"draft": resource.pk},
        "call": {"any": n.call.pk},
        "compilation": {"any": n.compilation.pk},
        "service": {"public": n.office_service.pk, "confidential": n.shelter.pk, "partner": n.unicef_service.pk},
        "service_edit": {"gt": n.service_edit.pk},
        "analysis": {"any": n.analysis.pk},
        "round": {"any": n.round.number},
        "column": {"hn": "hn", "pa": "pa"},
        "section": {"any": pk(Section, analysis=n.analysis)},
        "question": {"any": pk(Question, analysis=n.analysis)},
        "body": {"any": n.network.pk},
        "body_slug": {"any": n.network.slug},
        "presidency": {"any": n.ppt.pk},
        "consultation": {"open": consultation.pk},
        "remark": remarks,
        "handover_keep": {"any": pk(HandoverKeep)},
    }


def _consultation(n):
    """A draft report under consultation: Guatemala objects, Honduras proposes an amendment."""
    import datetime

    from django.utils import timezone

    from meetings import services as meeting_services

    meeting = meeting_services.create_meeting(
        acting_user=n.ts,
        body=n.network,
        title_es="Reunión en consulta",
        title_en="Meeting under consultation",
        start_date=timezone.localdate() - datetime.timedelta(days=5),
        modality="virtual",
        visibility="members",
    )
    meeting_services.publish_meeting(meeting, acting_user=n.ts)
    version = meeting_services.start_report(meeting, acting_user=n.ts)
    agreement = meeting_services.add_agreement(
        version, acting_user=n.ts, text_es="Acordar Eco.", text_en="To agree Echo."
    )
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    consultation = meeting_services.open_consultation(version, acting_user=n.ts, deadline=deadline)
    objection = meeting_services.add_remark(consultation, acting_user=n.gt_officer, kind="objection", text="Matrix")
    amendment = meeting_services.add_remark(
        consultation, acting_user=n.hn_officer, kind="amendment", agreement=agreement, proposed_en="To agree Foxtrot."
    )
    return consultation, {"gt": objection.pk, "hn": amendment.pk}


def _prepared(members):
    """A prepared export, ready: the public's, or one for network members (core.prepared)."""
    from django.core.files.base import ContentFile

    from core.models import PreparedExport, PreparedStatus

    row = PreparedExport(
        key=f"matrix-{'members' if members else 'public'}",
        family="matrix",
        kind="directory.csv",
        members=members,
        lang="en",
        version=0,
        status=PreparedStatus.READY,
    )
    row.file.save("matrix.csv", ContentFile(b"a,b\r\n"), save=False)
    row.save()
    return row


# Web pages: which object each parameter names, by the pattern's namespace and first route segment.
WEB_PARAMETERS = {
    "network:set_sign_in_email": {"person_pk": "person"},
    "accounts:revoke_api_token": {"pk": "token"},
    "network:organization": {"pk": "organization"},
    "network:organization_edit": {"pk": "organization"},
    "network:country": {"code": "country"},
    "network:body": {"slug": "body_slug"},
    "network:appointment_create": {"person_pk": "person"},
    "network:appointment_edit": {"person_pk": "person", "pk": "term"},
    "network:proposal_decide": {"pk": "proposal"},
    "meetings:import_job": {"pk": "import_job"},
    "core:prepared": {"key": "prepared"},
    "core:prepared_file": {"key": "prepared"},
    "meetings:document": {"pk": "meeting_document"},
    "meetings:report_approve": {"pk": "version"},
    "meetings:consultation_open": {"pk": "version"},
    "meetings:report_text": {"pk": "version"},
    "meetings:commitment_create": {"agreement_pk": "agreement"},
    "circulation:country_inbox": {"code": "country"},
    "circulation:organization_inbox": {"org_pk": "organization"},
    "circulation:notification": {"pk": "notification"},
    "circulation:outbox_action": {"pk": "outbox"},
    "circulation:inbound_message": {"pk": "inbound"},
    "directory:edit_decide": {"pk": "service_edit"},
    "directory:edit_review": {"pk": "service_edit"},
    "directory:review": {"code": "country"},
    "directory:print": {"code": "country"},
    "practices:file": {"pk": "practice_file"},
    "practices:file_remove": {"pk": "practice_file"},
}
# Otherwise a parameter names the object of the route segment right before it ("meetings/<pk>/…" a
# meeting, "meetings/agreements/<pk>/…" an agreement), or, for the parameters below, its own kind.
BY_SEGMENT = {
    "people": "person",
    "terms": "term",
    "meetings": "meeting",
    "agreements": "agreement",
    "commitments": "commitment",
    "circulars": "circular",
    "attachments": "circular_attachment",
    "plan": "plan",
    "nodes": "node",
    "reports": "country",
    "practices": "practice",
    "resources": "resource",
    "calls": "call",
    "compilations": "compilation",
    "services": "service",
    "comparisons": "analysis",
    "rounds": "round",
    "countries": "column",
    "sections": "section",
    "questions": "question",
    "versions": None,
    "presidencies": "presidency",
    "consultations": "consultation",
    "remarks": "remark",
}
BY_PARAMETER = {
    "change_pk": "status_change",
    "actor_pk": "commitment_actor",
    "recipient_pk": "recipient",
    "evidence_pk": "plan_evidence",
    "attachment_pk": "circular_attachment",
    "node_pk": "node",
    "section_pk": "section",
    "question_pk": "question",
    "person_pk": "person",
    "agreement_pk": "agreement",
    "org_pk": "organization",
    "keep_pk": "handover_keep",
}
# Fixed values of parameters that are not objects.
FIXED = {
    "fmt": {"network:contacts_export": "csv", "directory:export": "csv", "directory:hsds_download": "zip"},
    "year": None,
    "number": None,
    "index": "0",
    "step": None,
    "key": "not-a-key",
    "token": "not-a-token",
    "uidb36": "1",
    "path": "../settings.py",
}
STEPS = {"practices:practice_step": "submit", "practices:resource_step": "publish"}


def _web_parameters(name, route):
    """The route's parameters, in order, and the kind of object each names."""
    mapping = dict(WEB_PARAMETERS.get(name, {}))
    parameters = []
    previous = ""
    for part in re.split(r"/", route):
        found = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", part)
        for a, b in found:
            parameter = a or b
            parameters.append(parameter)
            if parameter not in mapping:
                kind = BY_PARAMETER.get(parameter) or BY_SEGMENT.get(previous)
                if kind == "column" and not name.startswith("comparisons:"):
                    kind = "country"
                mapping[parameter] = kind
        previous = "" if found else part
    return parameters, mapping


def _variants(parameters, kinds, found):
    """[(variant label, {parameter: value})] for these parameters."""
    labels = []
    for parameter in parameters:
        for label in found.get(kinds.get(parameter), {}):
            if label not in labels:
                labels.append(label)
    labels = labels or ["-"]
    variants = []
    for label in labels:
        values = {}
        for parameter in parameters:
            options = found.get(kinds.get(parameter), {})
            values[parameter] = options.get(label, next(iter(options.values()), None))
        variants.append((label, values))
    return variants


def web_requests(n, found):
    """(key, method, url) for every page: a GET and an empty POST per variant."""
    rows = []
    for name, route in url_patterns():
        if name.split(":")[0] in NOT_REQUESTED or name in NOT_REQUESTED or route.startswith(("api/v1/", "^media")):
            continue
        parameters, kinds = _web_parameters(name, route)
        for label, values in _variants(parameters, kinds, found):
            for parameter in parameters:
                if values.get(parameter) is None:
                    fixed = FIXED.get(parameter)
                    if isinstance(fixed, dict):
                        fixed = fixed.get(name)
                    if parameter == "year":
                        fixed = n.plan_year
                    elif parameter == "number" and name.startswith("comparisons:"):
                        fixed = n.round.number
                    elif parameter == "number":
                        fixed = 1
                    elif parameter == "step":
                        fixed = STEPS.get(name, "submit")
                    elif parameter == "fmt" and fixed is None:
                        fixed = "xlsx" if "comparisons" in name or "plan" in name else "csv"
                    values[parameter] = fixed
            url = reverse(name, kwargs=values)
            for method in ("GET", "POST"):
                rows.append((f"{method} {name} [{label}]", method, url))
    return rows


API_PARAMETERS = {
    "code": "country",
    "body_id": "body",
    "org_id": "organization",
    "person_id": "person",
    "appointment_id": "term",
    "proposal_id": "proposal",
    "meeting_id": "meeting",
    "agreement_id": "agreement",
    "commitment_id": "commitment",
    "circular_id": "circular",
    "notification_id": "notification",
    "plan_id": "plan",
    "node_id": "node",
    "indicator_id": "indicator",
    "report_id": "plan_report",
    "practice_id": "practice",
    "resource_id": "resource",
    "call_id": "call",
    "file_id": "practice_file",
    "service_id": "service",
    "edit_id": "service_edit",
    "analysis_id": "analysis",
    "section_id": "section",
    "question_id": "question",
    "presidency_id": "presidency",
    "consultation_id": "consultation",
    "remark_id": "remark",
    "keep_id": "handover_keep",
}
API_FIXED = {"number": None, "step": "submit", "id": "00000000-0000-0000-0000-000000000000"}


def api_requests(n, found, schema):
    """(key, method, url) for every operation of every OpenAPI schema."""
    rows = []
    for path, operations in schema["paths"].items():
        parameters = re.findall(r"{(\w+)}", path)
        kinds = dict(API_PARAMETERS)
        if "/columns/" in path:
            kinds["code"] = "column"
        for method in operations:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for label, values in _variants(parameters, kinds, found):
                for parameter in parameters:
                    if values.get(parameter) is None:
                        values[parameter] = n.round.number if parameter == "number" else API_FIXED.get(parameter)
                rows.append((f"{method.upper()} {path} [{label}]", method.upper(), path.format(**values)))
    return rows
