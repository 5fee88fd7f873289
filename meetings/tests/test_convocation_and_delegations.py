"""A meeting is convened through a circular; countries register their delegates; that list is the attendance."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from circulation import queries as circulation_queries
from circulation import services as circulation_services
from circulation.models import CircularKind, Reply
from core.testing import api_client, build_network, signed_in
from meetings import services
from meetings.models import Delegate, Meeting, Modality

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def future_meeting(n, *, days=14, **fields):
    fields.setdefault("title_en", "Fourth virtual meeting")
    fields.setdefault("title_es", "Cuarta reunión virtual")
    meeting = services.create_meeting(
        acting_user=n.ts,
        body=n.network,
        modality=Modality.VIRTUAL,
        link="https://meet.example.org/rcm",
        start_date=timezone.localdate() + datetime.timedelta(days=days),
        **fields,
    )
    services.add_agenda_item(meeting, acting_user=n.ts, title_en="Work plan 2026", title_es="Plan de trabajo 2026")
    return services.publish_meeting(meeting, acting_user=n.ts)


@pytest.fixture
def n(db):
    return build_network()


@pytest.fixture
def convened(n, settings):
    settings.TASKS = IMMEDIATE
    meeting = future_meeting(n)
    with translation.override("en"):
        circular = services.convene_meeting(meeting, acting_user=n.ts)
    circular = circulation_services.send_circular(circular, acting_user=n.ts)
    meeting.refresh_from_db()
    return meeting, circular


@pytest.mark.django_db
def test_the_ts_convenes_through_a_draft_circular_to_the_member_countries(n):
    meeting = future_meeting(n)
    response = signed_in(n.ts).post(reverse("meetings:convene", args=[meeting.pk]))
    meeting.refresh_from_db()
    circular = meeting.convocation
    assert response.status_code == 302 and response.url == circular.get_absolute_url()
    assert circular.is_draft and circular.kind == CircularKind.CALL
    assert circular.title_en == "Convocation: Fourth virtual meeting"
    assert circular.title_es == "Convocatoria: Cuarta reunión virtual"
    assert "Work plan 2026" in circular.body_en and "https://meet.example.org/rcm" in circular.body_en
    assert "Plan de trabajo 2026" in circular.body_es
    assert circular.reply_deadline == meeting.start_date - datetime.timedelta(days=3)
    codes = sorted(r.country.code.code for r in circular.recipients.all())
    assert codes == ["CR", "GT", "HN", "MX", "PA", "SV"]
    with pytest.raises(ValidationError):
        services.convene_meeting(meeting, acting_user=n.ts)  # once per meeting


@pytest.mark.django_db
def test_only_the_ts_convenes_and_only_a_published_future_meeting(n):
    meeting = future_meeting(n)
    assert signed_in(n.gt_officer).post(reverse("meetings:convene", args=[meeting.pk])).status_code == 403
    draft = services.create_meeting(
        acting_user=n.ts, body=n.network, title_en="Draft", start_date=timezone.localdate() + datetime.timedelta(days=9)
    )
    with translation.override("en"), pytest.raises(ValidationError, match="Publish the meeting"):
        services.convene_meeting(draft, acting_user=n.ts)
    past = future_meeting(n, days=-2, title_en="Past")
    with translation.override("en"), pytest.raises(ValidationError, match="already started"):
        services.convene_meeting(past, acting_user=n.ts)
    assert not Meeting.objects.filter(convocation__isnull=False).exists()


@pytest.mark.django_db
def test_guatemala_registers_two_delegates_which_replies_and_makes_the_attendance(n, convened):
    meeting, circular = convened
    page = signed_in(n.gt_officer)
    with translation.override("en"):
        detail = page.get(circular.get_absolute_url())
        assert "Register your delegation" in detail.content.decode()
        for name, position in (("Ana López", "Director"), ("Luis Pérez", "Adviser")):
            response = page.post(
                reverse("meetings:delegates", args=[meeting.pk]),
                {"country": "GT", "name": name, "position": position, "institution": "SBS"},
            )
            assert response.status_code == 302
    names = list(Delegate.objects.filter(meeting=meeting, country=n.gt).values_list("name", flat=True))
    assert names == ["Ana López", "Luis Pérez"]
    assert list(meeting.delegations.values_list("code", flat=True)) == ["GT"]
    rows, summary = circulation_queries.board(circular)
    states = {row.recipient.country.code.code: row.state for row in rows}
    assert states["GT"] == "replied" and states["HN"] != "replied"
    assert summary["replied"] == 1
    assert Reply.objects.filter(circular=circular).count() == 2
    member_page = signed_in(n.hn_officer).get(meeting.get_absolute_url()).content.decode()
    assert "Ana López" in member_page


@pytest.mark.django_db
def test_honduras_cannot_register_for_guatemala_page_service_and_api(n, convened):
    meeting, _circular = convened
    response = signed_in(n.hn_officer).post(
        reverse("meetings:delegates", args=[meeting.pk]), {"country": "GT", "name": "Intruder"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.register_delegate(meeting, n.gt, acting_user=n.hn_officer, name="Intruder")
    api = api_client(n.hn_officer).post(
        f"/api/v1/meetings/{meeting.pk}/delegates",
        {"country": "GT", "name": "Intruder"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert not Delegate.objects.exists()
    assert not meeting.delegations.exists()


@pytest.mark.django_db
def test_the_ts_registers_for_a_country_without_answering_for_it(n, convened):
    meeting, circular = convened
    services.register_delegate(meeting, n.hn, acting_user=n.ts, name="Marta Díaz")
    assert list(meeting.delegations.values_list("code", flat=True)) == ["HN"]
    assert not circular.recipients.filter(last_reply_at__isnull=False).exists()


@pytest.mark.django_db
def test_anonymous_users_see_the_countries_but_not_the_delegates_names(n, convened):
    meeting, _circular = convened
    meeting = services.update_meeting(meeting, acting_user=n.ts, visibility="public")
    services.register_delegate(meeting, n.gt, acting_user=n.gt_officer, name="Ana López")
    from django.test import Client

    page = Client().get(meeting.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ana López" not in html and "Guatemala" in html
    assert Client().get(reverse("meetings:delegates", args=[meeting.pk])).status_code == 302  # sign in first
    assert api_client().get(f"/api/v1/meetings/{meeting.pk}/delegates").status_code in (401, 403)
    rows = api_client(n.hn_officer).get(f"/api/v1/meetings/{meeting.pk}/delegates").json()
    assert [(r["country"], r["name"]) for r in rows] == [("GT", "Ana López")]


@pytest.mark.django_db
def test_the_api_registers_a_delegate(n, convened):
    meeting, circular = convened
    response = api_client(n.gt_officer).post(
        f"/api/v1/meetings/{meeting.pk}/delegates",
        {"country": "gt", "name": "Ana López", "email": "ana@example.org"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["country"] == "GT" and response.json()["email"] == "ana@example.org"
    assert circular.recipients.get(country=n.gt).last_reply_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"country": "GT", "name": "  "}, "name", "Give the delegate's name."),
        ({"country": "GT", "name": "x" * 201}, "name", "At most 200 characters."),
        ({"country": "GT", "name": "Ana", "position": "p" * 201}, "position", "At most 200 characters."),
        ({"country": "GT", "name": "Ana", "email": "not-an-address"}, "email", "valid e-mail"),
        ({"country": "ZZ", "name": "Ana"}, "country", "Unknown country code"),
    ],
)
def test_bad_input_is_named_and_writes_nothing(n, convened, payload, field, message):
    meeting, circular = convened
    with translation.override("en"):
        response = api_client(n.gt_officer).post(
            f"/api/v1/meetings/{meeting.pk}/delegates",
            payload,
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    # A code of no country names a record that does not exist: 404, with the same message.
    assert response.status_code == (404 if field == "country" else 400)
    assert message in " ".join(response.json()["errors"][field])
    assert not Delegate.objects.exists() and not meeting.delegations.exists()
    assert not Reply.objects.filter(circular=circular).exists()


@pytest.mark.django_db
def test_bad_input_on_the_page_is_a_400_with_the_message(n, convened):
    meeting, _circular = convened
    with translation.override("en"):
        response = signed_in(n.gt_officer).post(
            reverse("meetings:delegates", args=[meeting.pk]), {"country": "GT", "name": ""}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    assert "Give the delegate&#x27;s name." in response.content.decode()
    assert not Delegate.objects.exists()


@pytest.mark.django_db
def test_no_registration_once_the_meeting_has_started(n):
    past = future_meeting(n, days=-1, title_en="Yesterday")
    with translation.override("en"), pytest.raises(ValidationError, match="already started"):
        services.register_delegate(past, n.gt, acting_user=n.gt_officer, name="Ana López")
    response = api_client(n.gt_officer).post(
        f"/api/v1/meetings/{past.pk}/delegates",
        {"country": "GT", "name": "Ana López"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409  # the meeting's state refuses it, not the input
    assert "already started" in str(response.json())
    assert not Delegate.objects.exists() and not past.delegations.exists()


@override_settings(LANGUAGE_CODE="en")
@pytest.mark.django_db
def test_the_inbox_links_a_convocation_to_the_registration(n, convened):
    meeting, _circular = convened
    with translation.override("en"):
        html = signed_in(n.gt_officer).get(reverse("circulation:inbox")).content.decode()
    assert reverse("meetings:delegates", args=[meeting.pk]) in html
