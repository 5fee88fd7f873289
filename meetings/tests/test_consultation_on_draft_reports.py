"""The parties are consulted on a draft report; silence at the deadline approves it; objections go to the TS."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document

from circulation.models import CircularKind, CircularRecipient, Reply
from core.models import AuditEntry
from core.testing import api_client, build_network, signed_in
from meetings import services
from meetings.models import (
    AmendmentAnswer,
    ApprovalBasis,
    ConsultationStatus,
    Modality,
    Position,
    RemarkKind,
    ReportStatus,
)
from messaging.models import Notification
from network.models import Country

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=10)
AFTER = DEADLINE + datetime.timedelta(days=1)


@pytest.fixture
def n(db, settings):
    settings.TASKS = IMMEDIATE
    return build_network()


def draft_report(n):
    meeting = services.create_meeting(
        acting_user=n.ts,
        body=n.network,
        modality=Modality.VIRTUAL,
        start_date=TODAY - datetime.timedelta(days=3),
        title_en="Fifth virtual meeting",
        title_es="Quinta reunión virtual",
    )
    meeting = services.publish_meeting(meeting, acting_user=n.ts)
    version = services.start_report(meeting, acting_user=n.ts)
    texts = [
        ("To thank Guatemala for its national report.", "Agradecer a Guatemala su informe nacional."),
        ("To approve the terms of reference of the study.", "Aprobar los términos de referencia del estudio."),
        ("To recommend to the RCGM a regional workshop.", "Recomendar al GRCM un taller regional."),
    ]
    for en, es in texts:
        services.add_agreement(version, acting_user=n.ts, text_en=en, text_es=es)
    return version


@pytest.fixture
def consultation(n):
    version = draft_report(n)
    with translation.override("en"):
        return services.open_consultation(version, acting_user=n.ts, deadline=DEADLINE)


def agreement(version, number):
    return version.agreements.get(number=str(number), letter="")


@pytest.mark.django_db
def test_a_full_consultation_ends_approved_under_the_silence_procedure(n, consultation):
    version = consultation.version
    # The circular went to every member country, with the deadline.
    circular = consultation.circular
    assert circular.is_sent and circular.kind == CircularKind.CONSULTATION
    assert circular.reply_deadline == DEADLINE
    members = set(Country.objects.members().values_list("code", flat=True))
    assert {"GT", "HN", "MX", "PA"} <= members
    assert set(circular.recipients.values_list("country__code", flat=True)) == members
    assert consultation.parties.count() == len(members)
    # Its link works from an e-mail: the whole address, in both languages.
    page = settings.SITE_URL + reverse("meetings:consultation", args=[consultation.pk])
    assert f"Enlace: {page}\n" in circular.body_en + "\n" and f"Enlace: {page}\n" in circular.body_es + "\n"
    # Two countries comment.
    services.add_remark(
        consultation, acting_user=n.gt_officer, kind=RemarkKind.COMMENT, agreement=agreement(version, 1), text="Bien."
    )
    services.add_remark(consultation, acting_user=n.hn_officer, kind=RemarkKind.COMMENT, text="Good report overall.")
    # Mexico proposes an amendment; the TS accepts it: the draft changes, the old text is in the history.
    two = agreement(version, 2)
    old_text = two.text_en
    amendment = services.add_remark(
        consultation,
        acting_user=n.mx_officer,
        kind=RemarkKind.AMENDMENT,
        agreement=two,
        proposed_en="To approve the revised terms of reference of the study.",
        text="Reflects the revision.",
    )
    assert (amendment.base_en, amendment.proposed_es) == (old_text, "")
    services.answer_amendment(amendment, acting_user=n.ts, accepted=True)
    two.refresh_from_db()
    assert two.text_en == "To approve the revised terms of reference of the study."
    assert two.text_es == "Aprobar los términos de referencia del estudio."  # untouched: not proposed
    amendment.refresh_from_db()
    assert amendment.answer == AmendmentAnswer.ACCEPTED and amendment.base_en == old_text
    changed = AuditEntry.objects.for_object(two).filter(action="update").first()
    assert changed is not None and changed.changes["text_en"][0] == old_text
    assert Notification.objects.filter(user=n.mx_officer, dedupe_key=f"consultation-amendment:{amendment.pk}").exists()
    # Panama objects, then withdraws.
    objection = services.add_remark(
        consultation,
        acting_user=n.pa_officer,
        kind=RemarkKind.OBJECTION,
        agreement=agreement(version, 3),
        text="The workshop has no budget.",
    )
    pa_row = consultation.parties.get(country=n.pa)
    assert pa_row.position == Position.OBJECTION
    assert Reply.objects.filter(circular=circular, recipient__country=n.pa).exists()  # the board shows it
    services.withdraw_objection(objection, acting_user=n.pa_officer)
    pa_row.refresh_from_db()
    assert pa_row.position == Position.NONE
    # Guatemala says it has no objection; the others keep silent.
    services.set_position(consultation, Position.NO_OBJECTION, acting_user=n.gt_officer)
    # Before the deadline nothing happens; the day after it, the report is approved under silence.
    assert services.close_due_consultations(DEADLINE) == {"approved": 0, "awaiting": 0, "unchanged": 0}
    assert services.close_due_consultations(AFTER)["approved"] == 1
    version.refresh_from_db()
    consultation.refresh_from_db()
    assert version.status == ReportStatus.APPROVED
    assert version.approval_basis == ApprovalBasis.SILENCE and version.approved_by is None
    assert version.approved_at is not None and consultation.closed_at == version.approved_at
    assert consultation.status == ConsultationStatus.APPROVED
    # Safe to run twice.
    assert services.close_due_consultations(AFTER) == {"approved": 0, "awaiting": 0, "unchanged": 0}
    # The meeting page says how and when.
    with translation.override("en"):
        page = signed_in(n.hn_officer).get(version.meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Approved under the silence procedure" in page.content.decode()


@pytest.mark.django_db
def test_a_standing_objection_keeps_the_report_from_approval_until_the_ts_decides(n, consultation):
    version = consultation.version
    services.add_remark(
        consultation, acting_user=n.hn_officer, kind=RemarkKind.OBJECTION, text="We need more time to consult."
    )
    assert services.close_due_consultations(AFTER)["awaiting"] == 1
    version.refresh_from_db()
    consultation.refresh_from_db()
    assert version.status == ReportStatus.DRAFT
    assert consultation.status == ConsultationStatus.AWAITING
    assert Notification.objects.filter(user=n.ts, dedupe_key__startswith="consultation-awaiting:").exists()
    # No approval by the usual button while the consultation stands, nor remarks after the deadline.
    with pytest.raises(ValidationError):
        services.approve_report(version, acting_user=n.ts)
    with pytest.raises(ValidationError):
        services.add_remark(consultation, acting_user=n.gt_officer, kind=RemarkKind.COMMENT, text="Late")
    # Approving despite the objection needs a reason, which is recorded.
    with pytest.raises(ValidationError):
        services.decide_consultation(consultation, "approve", acting_user=n.ts)
    services.decide_consultation(
        consultation, "approve", acting_user=n.ts, note="The RCGM meets next week; Honduras's remark is noted."
    )
    version.refresh_from_db()
    assert version.status == ReportStatus.APPROVED
    assert version.approval_basis == ApprovalBasis.NOTING_OBJECTIONS and version.approved_by == n.ts


@pytest.mark.django_db
def test_the_ts_extends_the_deadline_or_opens_a_new_round(n, consultation):
    services.add_remark(consultation, acting_user=n.hn_officer, kind=RemarkKind.OBJECTION, text="Not yet.")
    services.close_due_consultations(AFTER)
    later = AFTER + datetime.timedelta(days=7)
    with pytest.raises(ValidationError):  # an approval before the deadline passes is not silence
        services.decide_consultation(consultation, "extend", acting_user=n.ts, deadline=DEADLINE)
    consultation = services.decide_consultation(consultation, "extend", acting_user=n.ts, deadline=later)
    assert consultation.status == ConsultationStatus.OPEN and consultation.deadline == later
    assert set(CircularRecipient.objects.filter(circular=consultation.circular).values_list("deadline", flat=True)) == {
        later
    }
    second = services.decide_consultation(consultation, "new_round", acting_user=n.ts, deadline=later)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED
    assert second.round == 2 and second.is_open and second.circular_id != consultation.circular_id
    assert (
        not second.remarks.exists() and second.parties.filter(position="").count() == Country.objects.members().count()
    )


@pytest.mark.django_db
def test_officers_act_only_for_their_own_country(n, consultation):
    version = consultation.version
    gt_row = consultation.parties.get(country=n.gt)
    # A Honduras officer cannot give Guatemala's position, nor comment in its name.
    with pytest.raises(PermissionDenied):
        services.set_position(consultation, Position.NO_OBJECTION, acting_user=n.hn_officer, party=gt_row)
    with pytest.raises(PermissionDenied):
        services.add_remark(consultation, acting_user=n.hn_officer, kind=RemarkKind.COMMENT, text="x", party=gt_row)
    # The TS never speaks for a party; a partner not consulted, an outsider neither.
    for user in (n.ts, n.partner, n.outsider):
        with pytest.raises(PermissionDenied):
            services.set_position(consultation, Position.NO_OBJECTION, acting_user=user)
    # Only the TS answers amendments and decides.
    amendment = services.add_remark(
        consultation,
        acting_user=n.gt_officer,
        kind=RemarkKind.AMENDMENT,
        agreement=agreement(version, 1),
        proposed_es="Agradecer a Guatemala la presentación de su informe nacional.",
    )
    with pytest.raises(PermissionDenied):
        services.answer_amendment(amendment, acting_user=n.gt_officer, accepted=True)
    with pytest.raises(PermissionDenied):
        services.decide_consultation(consultation, "extend", acting_user=n.gt_officer, deadline=AFTER)
    # A country withdraws only its own objection; an organization cannot object.
    objection = services.add_remark(consultation, acting_user=n.gt_officer, kind=RemarkKind.OBJECTION, text="No.")
    with pytest.raises(PermissionDenied):
        services.withdraw_objection(objection, acting_user=n.hn_officer)
    # "No objection" while one's own objection stands is refused, and writes nothing.
    with pytest.raises(ValidationError):
        services.set_position(consultation, Position.NO_OBJECTION, acting_user=n.gt_officer)
    assert consultation.parties.get(country=n.gt).position == Position.OBJECTION
    # The outsider does not even see the consultation.
    response = signed_in(n.outsider).get(consultation.get_absolute_url())
    assert response.status_code == 404
    assert api_client(n.outsider).get(f"/api/v1/consultations/{consultation.pk}").status_code == 404


@pytest.mark.django_db
def test_partner_organizations_comment_and_amend_but_do_not_object(n):
    version = draft_report(n)
    consultation = services.open_consultation(version, acting_user=n.ts, deadline=DEADLINE, includes_partners=True)
    assert consultation.parties.filter(organization=n.unicef).exists()
    services.add_remark(consultation, acting_user=n.partner, kind=RemarkKind.COMMENT, text="UNICEF supports it.")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.add_remark(consultation, acting_user=n.partner, kind=RemarkKind.OBJECTION, text="No")
    assert "member countries" in str(refused.value)
    assert not consultation.remarks.filter(kind=RemarkKind.OBJECTION).exists()


@pytest.mark.django_db
def test_bad_input_is_named_and_writes_nothing(n, consultation):
    client = signed_in(n.gt_officer)
    url = reverse("meetings:remark_add", args=[consultation.pk])
    with translation.override("en"):
        empty = client.post(url, {"kind": "comment", "text": "  "}, HTTP_ACCEPT_LANGUAGE="en")
        same = client.post(
            url,
            {
                "kind": "amendment",
                "agreement": agreement(consultation.version, 1).pk,
                "proposed_en": agreement(consultation.version, 1).text_en,
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        foreign = client.post(url, {"kind": "comment", "text": "x", "agreement": 999999}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 400 and "Write the comment." in empty.content.decode()
    assert same.status_code == 400 and "same as the draft" in same.content.decode()
    assert foreign.status_code == 400 and "not in the draft under consultation" in foreign.content.decode()
    assert not consultation.remarks.exists()
    response = signed_in(n.ts).post(
        reverse("meetings:consultation_open", args=[draft_report(n).pk]),
        {"deadline": (TODAY - datetime.timedelta(days=1)).isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "already passed" in response.content.decode()


@pytest.mark.django_db
def test_the_pages_lead_each_party_through_it(n, consultation):
    version = consultation.version
    gt = signed_in(n.gt_officer)
    page = gt.get(consultation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "No objection" in html and f'id="agreement-{agreement(version, 2).pk}"' in html
    one = agreement(version, 1)
    response = gt.post(
        reverse("meetings:remark_add", args=[consultation.pk]),
        {"kind": "amendment", "agreement": one.pk, "proposed_en": "To thank Guatemala warmly.", "text": "Warmer"},
    )
    assert response.status_code == 302
    remark = consultation.remarks.get()
    assert remark.party.country == n.gt and remark.kind == RemarkKind.AMENDMENT
    ts = signed_in(n.ts)
    html = ts.get(consultation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<del>" in html and "<ins>" in html and reverse("meetings:amendment_answer", args=[remark.pk]) in html
    response = ts.post(reverse("meetings:amendment_answer", args=[remark.pk]), {"answer": "not_accepted"})
    remark.refresh_from_db()
    assert remark.answer == AmendmentAnswer.PENDING  # a refusal needs its reason
    ts.post(reverse("meetings:amendment_answer", args=[remark.pk]), {"answer": "not_accepted", "reason": "Too warm."})
    remark.refresh_from_db()
    assert (remark.answer, remark.answer_reason) == (AmendmentAnswer.NOT_ACCEPTED, "Too warm.")
    response = gt.post(reverse("meetings:position", args=[consultation.pk]), {"position": "no_objection"})
    assert response.status_code == 302
    assert consultation.parties.get(country=n.gt).position == Position.NO_OBJECTION
    # The TS's editor no longer offers "Approve" while the parties are consulted.
    editor = ts.get(reverse("meetings:editor", args=[version.meeting_id])).content.decode()
    assert reverse("meetings:report_approve", args=[version.pk]) not in editor
    assert consultation.get_absolute_url() in editor
    # A consulted party downloads the draft, marked as a draft, with the annex.
    response = gt.get(
        reverse("meetings:report_docx", args=[version.meeting_id])
        + f"?lang=en&version={version.number}&annex=consultation"
    )
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Annex: consultation of the parties" in text and "Too warm." in text
    assert "draft" in response["Content-Disposition"].lower()


@pytest.mark.django_db
def test_the_docx_annex_says_who_said_what_in_the_documents_language(n, consultation):
    version = consultation.version
    services.add_remark(
        consultation,
        acting_user=n.mx_officer,
        kind=RemarkKind.AMENDMENT,
        agreement=agreement(version, 2),
        proposed_es="Aprobar los términos de referencia revisados.",
    )
    services.add_remark(consultation, acting_user=n.hn_officer, kind=RemarkKind.COMMENT, text="De acuerdo.")
    services.set_position(consultation, Position.NO_OBJECTION, acting_user=n.hn_officer)
    services.answer_amendment(consultation.remarks.get(kind="amendment"), acting_user=n.ts, accepted=True)
    services.close_due_consultations(AFTER)
    client = signed_in(n.hn_officer)
    url = reverse("meetings:report_docx", args=[version.meeting_id])
    for lang, heading, accepted, position in (
        ("es", "Anexo", "Aceptada", "Sin objeción"),
        ("en", "Annex", "Accepted", "No objection"),
    ):
        response = client.get(f"{url}?lang={lang}&annex=consultation")
        assert response.status_code == 200
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert heading in text and accepted in text, lang
        assert "Aprobar los términos de referencia revisados." in text  # as proposed, in Spanish
        assert "Honduras" in cells and position in cells
        assert "México" in text or "Mexico" in text
    # Without asking, the report has no annex.
    response = client.get(f"{url}?lang=en")
    assert "Annex" not in "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


@pytest.mark.django_db
def test_the_api_does_what_the_pages_do(n):
    version = draft_report(n)
    meeting_id = version.meeting_id
    ts, gt, hn = api_client(n.ts), api_client(n.gt_officer), api_client(n.hn_officer)
    assert (
        gt.post(
            f"/api/v1/meetings/{meeting_id}/consultations",
            {"deadline": DEADLINE.isoformat()},
            content_type="application/json",
        ).status_code
        == 403
    )
    opened = ts.post(
        f"/api/v1/meetings/{meeting_id}/consultations",
        {"deadline": DEADLINE.isoformat(), "note_en": "Please answer by the deadline."},
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    cid = opened.json()["id"]
    one = agreement(version, 1)
    comment = gt.post(
        f"/api/v1/consultations/{cid}/comments",
        {"text": "Fine", "agreement_id": one.pk},
        content_type="application/json",
    )
    assert comment.status_code == 201 and comment.json()["party"] == "GT"
    amendment = hn.post(
        f"/api/v1/consultations/{cid}/amendments",
        {"agreement_id": one.pk, "proposed_en": "To thank Guatemala and Honduras."},
        content_type="application/json",
    )
    assert amendment.status_code == 201
    rid = amendment.json()["id"]
    assert (
        gt.post(f"/api/v1/remarks/{rid}/answer", {"accepted": True}, content_type="application/json").status_code == 403
    )
    answered = ts.post(f"/api/v1/remarks/{rid}/answer", {"accepted": True}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["answer"] == "accepted"
    one.refresh_from_db()
    assert one.text_en == "To thank Guatemala and Honduras."
    objection = hn.post(f"/api/v1/consultations/{cid}/objections", {"text": "Wait"}, content_type="application/json")
    assert objection.status_code == 201
    # A standing objection: "no objection" is refused as the state of things (409), then accepted once withdrawn.
    assert (
        hn.post(
            f"/api/v1/consultations/{cid}/position", {"position": "no_objection"}, content_type="application/json"
        ).status_code
        == 409
    )
    assert gt.post(f"/api/v1/remarks/{objection.json()['id']}/withdraw").status_code == 403
    assert hn.post(f"/api/v1/remarks/{objection.json()['id']}/withdraw").status_code == 200
    position = hn.post(
        f"/api/v1/consultations/{cid}/position", {"position": "no_objection"}, content_type="application/json"
    )
    assert position.status_code == 200 and position.json()["position"] == "no_objection"
    read = gt.get(f"/api/v1/consultations/{cid}").json()
    assert {p["party"]: p["position"] for p in read["parties"]}["HN"] == "no_objection"
    assert [r["kind"] for r in read["remarks"]] == ["comment", "amendment", "objection"]
    assert gt.get(f"/api/v1/meetings/{meeting_id}/consultations").json()[0]["id"] == cid
    services.close_due_consultations(AFTER)
    read = gt.get(f"/api/v1/consultations/{cid}").json()
    assert (read["status"], read["approval"]) == ("approved", "silence")


@pytest.mark.django_db
def test_reminders_go_to_the_parties_without_a_position_and_everything_is_in_the_audit_trail(n, consultation):
    from circulation.services import send_reminders

    services.set_position(consultation, Position.NO_OBJECTION, acting_user=n.gt_officer)
    remark = services.add_remark(consultation, acting_user=n.hn_officer, kind=RemarkKind.COMMENT, text="Noted.")
    send_reminders(DEADLINE - datetime.timedelta(days=1))
    reminded = set(
        Notification.objects.filter(
            kind="deadline_soon", dedupe_key__startswith=f"circular:{consultation.circular_id}:"
        ).values_list("user__email", flat=True)
    )
    assert n.hn_officer.email in reminded and n.mx_officer.email in reminded  # a comment is not a position
    assert n.gt_officer.email not in reminded and n.gt_alternate.email not in reminded
    for record in (consultation, consultation.parties.get(country=n.gt), remark):
        assert AuditEntry.objects.for_object(record).exists(), record


@pytest.mark.django_db
def test_the_page_reads_in_the_same_number_of_queries_whatever_was_said(n, consultation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(n.gt_officer)
    url = consultation.get_absolute_url()
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    version = consultation.version
    for officer in (n.hn_officer, n.mx_officer, n.pa_officer):
        for number in (1, 2, 3):
            services.add_remark(
                consultation,
                acting_user=officer,
                kind=RemarkKind.COMMENT,
                agreement=agreement(version, number),
                text="x",
            )
        services.add_remark(consultation, acting_user=officer, kind=RemarkKind.OBJECTION, text="No")
    services.add_remark(
        consultation,
        acting_user=n.gt_officer,
        kind=RemarkKind.AMENDMENT,
        agreement=agreement(version, 1),
        proposed_en="Y",
    )
    assert count() == few


@pytest.mark.django_db
def test_the_daily_command_closes_what_is_due_and_nothing_twice(n, consultation):
    import time_machine

    out = io.StringIO()
    call_command("close_consultations", stdout=out)
    assert "silence procedure: 0" in out.getvalue()
    with time_machine.travel(
        datetime.datetime.combine(AFTER, datetime.time(0, 30), tzinfo=timezone.get_current_timezone())
    ):
        call_command("close_consultations", stdout=out)
        call_command("close_consultations", stdout=out)
    assert "silence procedure: 1" in out.getvalue()
    consultation.version.refresh_from_db()
    assert consultation.version.approval_basis == ApprovalBasis.SILENCE
    assert (
        Notification.objects.filter(user=n.gt_officer, dedupe_key=f"consultation-approved:{consultation.pk}").count()
        == 1
    )
