"""The public page cache (core/pagecache.py): anonymous readers get each public page rendered once per
change; every write shows at once; signed-in readers, credentials and messages are never served a kept page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing import build_network, signed_in
from network import services as network_services
from network.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def n():
    return build_network()


def queries_of(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def test_a_public_page_is_rendered_once_then_kept_until_a_change(client, n):
    url = reverse("network:organizations")
    first, rendering = queries_of(client, url)
    second, kept = queries_of(client, url)
    assert first.status_code == second.status_code == 200
    assert kept == 1 < rendering  # the content version only
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second["ETag"] == first["ETag"]

    network_services.create_organization(
        acting_user=n.ts, kind="international", name_es="Organización nueva de prueba", name_en="New test org"
    )
    third, _count = queries_of(client, url)
    assert "Organización nueva de prueba" in third.content.decode() or "New test org" in third.content.decode()
    assert third["ETag"] != first["ETag"]


def test_a_conditional_get_gets_304_while_nothing_changed(client, n):
    url = reverse("network:organizations")
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    organization = Organization.objects.get(pk=n.unicef.pk)
    organization.website = "https://www.unicef.org/lac"
    organization.save()  # a change in the audit trail
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_each_reader_gets_their_own_csrf_token_and_it_works(n):
    from django.test import Client

    url = reverse("network:home")
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [reader.get(url) for reader in readers]
    tokens = []
    for reader, page in zip(readers, pages, strict=True):
        html = page.content.decode()
        assert "@@enlace-csrf-token@@" not in html and "@@enlace-csp-nonce@@" not in html
        nonce = page["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
        assert f'nonce="{nonce}"' in html, "the page's scripts carry the nonce of its own CSP header"
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        tokens.append(token)
        answer = reader.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
        assert answer.status_code == 302, "the kept page's form must post with the reader's own token"
    assert tokens[0] != tokens[1]


def test_signed_in_readers_and_tokens_never_get_the_anonymous_copy(client, n):
    url = reverse("network:organizations")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    member = signed_in(n.gt_officer)
    assert member.get(url)["X-Page-Cache"] == "miss", "a member never gets the anonymous copy"
    assert member.get(url)["X-Page-Cache"] == "hit", "but their own, for a minute at most"
    assert not client.get(url, HTTP_AUTHORIZATION="Bearer nothing").has_header("X-Page-Cache")


def test_each_language_has_its_own_copy(client, n):
    url = reverse("network:organizations")
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="es"' in spanish and 'lang="en"' in english


def rename(record, field, value):
    setattr(record, field, value)
    record.save()  # through the model, as services do: the audit trail records it


def assert_each_shows_a_write_at_once(reader, cases):
    """For each (url, write, shown): fill the kept page, write, and read the change on the next request."""
    for url, write, shown in cases:
        first = reader.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert first.status_code == 200, url
        assert reader.get(url, HTTP_ACCEPT_LANGUAGE="es")["X-Page-Cache"] == "hit", url
        write()
        after = reader.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert after["X-Page-Cache"] == "miss", url
        if shown:
            assert shown in after.content.decode(), url


def test_every_kept_page_shows_a_write_at_once(client, n):
    """For each kept page: fill the cache, change what it shows, and read the change on the next request."""
    from comparisons import services as comparisons
    from comparisons.testing import build_analysis
    from plan.testing import build_plan
    from practices import services as practices
    from practices.models import Call
    from practices.tests.helpers import practice_fields, theme

    p = build_plan(n)
    rename(p.plan, "visibility", "public")
    a = build_analysis(n, visibility="public")
    comparisons.start_round(a.analysis, acting_user=n.lead, label_en="2026")
    practice = practices.create_practice(acting_user=n.partner, **practice_fields(n))
    practices.submit(practice, acting_user=n.partner)
    practice = practices.publish(practice, acting_user=n.ts)
    body = n.gt_person.appointments.first().body
    call = Call.objects.create(
        title_es="Convocatoria de prueba",
        theme=theme("return-reintegration"),
        deadline="2099-12-31",
        created_by=n.ts,
    )

    def republish(title):
        practices.update_practice(practice, acting_user=n.ts, title_es=title)
        practices.submit(practice, acting_user=n.ts)
        practices.publish(practice, acting_user=n.ts)

    def renaming(record, field, value):
        return lambda: rename(record, field, value)

    analysis, activity = a.analysis, p.national_a
    cases = [
        (reverse("network:home"), renaming(body, "name_es", "Red renombrada"), "Red renombrada"),
        (reverse("network:organizations"), renaming(n.unicef, "name_es", "UNICEF nuevo"), "UNICEF nuevo"),
        (
            reverse("network:organization", args=[n.unicef.pk]),
            renaming(n.unicef, "website", "https://u.example"),
            "u.ex",
        ),
        (reverse("network:country", args=["gt"]), renaming(n.sbs, "name_es", "Secretaría nueva"), "Secretaría nueva"),
        (reverse("network:body", args=[body.slug]), renaming(body, "name_es", "Cuerpo nuevo"), "Cuerpo nuevo"),
        (reverse("practices:search"), lambda: republish("Retornos renovados"), "Retornos renovados"),
        (practice.get_absolute_url(), lambda: republish("Retornos seguros, segunda versión"), "segunda versión"),
        (reverse("practices:calls"), renaming(call, "title_es", "Convocatoria nueva"), "Convocatoria nueva"),
        (reverse("comparisons:list"), renaming(analysis, "title_es", "Análisis nuevo"), "Análisis nuevo"),
        (
            reverse("comparisons:analysis", args=[analysis.pk]),
            renaming(analysis, "title_es", "Otro título"),
            "Otro título",
        ),
        (
            reverse("comparisons:matrix", args=[analysis.pk, 1]),
            renaming(analysis, "title_es", "De la matriz"),
            "De la matriz",
        ),
        (
            reverse("plan:matrix", args=[p.plan.pk, 2018]),
            renaming(activity, "title_es", "Actividad nueva"),
            "Actividad nueva",
        ),
        (reverse("directory:map"), renaming(n.unicef, "website", "https://m.example"), None),
        ("/map/data.json?bbox=-120,5,-60,35&zoom=4", renaming(n.unicef, "website", "https://d.example"), None),
    ]
    assert_each_shows_a_write_at_once(client, cases)


def test_a_readers_working_page_is_theirs_alone_and_follows_changes_and_notifications(n):
    from messaging.models import NotificationKind
    from messaging.notifications import notify

    url = reverse("circulation:mywork")
    guatemala, honduras = signed_in(n.gt_officer), signed_in(n.hn_officer)
    assert guatemala.get(url)["X-Page-Cache"] == "miss"
    assert guatemala.get(url)["X-Page-Cache"] == "hit"
    assert honduras.get(url)["X-Page-Cache"] == "miss", "another reader never gets Guatemala's page"
    assert not guatemala.get(url).has_header("ETag"), "a working page also changes with the clock"

    notify([n.gt_officer], NotificationKind.DEADLINE_SOON, subject="Plazo cercano de prueba", dedupe_key="t:1")
    after = guatemala.get(url)
    assert after["X-Page-Cache"] == "miss" and "Plazo cercano de prueba" in after.content.decode()
    assert honduras.get(url)["X-Page-Cache"] == "hit"

    rename(n.sbs, "name_es", "Secretaría con otro nombre")  # any change in the audit trail
    assert guatemala.get(url)["X-Page-Cache"] == "miss"


def test_a_reader_with_a_message_waiting_gets_a_fresh_page(n):
    url = reverse("meetings:board")
    reader = signed_in(n.gt_officer)
    reader.get(url)
    assert reader.get(url)["X-Page-Cache"] == "hit"
    reader.cookies["messages"] = "anything"
    assert not reader.get(url).has_header("X-Page-Cache")


def test_a_page_that_tells_the_time_is_kept_one_minute_at_most(client, n):
    from core import pagecache

    url = reverse("meetings:list")
    assert client.get(url)["X-Page-Cache"] == "miss"
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit" and not hit.has_header("ETag")
    assert pagecache.READER_TIMEOUT == 60


def test_every_kept_working_page_shows_a_write_at_once():
    """For each reader's kept page: fill it, change what it shows, and read the change on the next request."""
    from comparisons import services as comparisons
    from comparisons.testing import build_analysis
    from meetings.tests.helpers import build_rcm, import_seed
    from plan.testing import build_plan, fill_report

    n = build_rcm()  # the test network with the bodies the seed report names
    p = build_plan(n)
    report = fill_report(p.plan, 2018, n.gt, n.gt_officer, {})
    a = build_analysis(n)
    comparisons.start_round(a.analysis, acting_user=n.lead, label_en="2026")
    meeting = import_seed(n)
    commitment = meeting.commitments.order_by("pk").first()
    member = signed_in(n.gt_officer)

    def renaming(record, field, value):  # in both languages: the reader's saved language decides
        def write():
            setattr(record, field.replace("_es", "_en"), value)
            rename(record, field, value)

        return write

    cases = [
        (
            reverse("meetings:board") + "?q=reescrita",
            renaming(commitment, "action_es", "Acción reescrita"),
            "reescrita",
        ),
        ("/api/v1/commitments?q=otra", renaming(commitment, "action_es", "Acción otra vez"), "otra vez"),
        (reverse("plan:plan", args=[p.plan.pk]), renaming(p.axis1, "title_es", "Eje con otro nombre"), "Eje con otro"),
        (
            reverse("plan:matrix", args=[p.plan.pk, 2018]),
            renaming(p.national_a, "title_es", "Actividad B"),
            "Actividad B",
        ),
        (report.get_absolute_url(), renaming(p.national_b, "title_es", "Actividad C"), "Actividad C"),
        (
            reverse("comparisons:matrix", args=[a.analysis.pk, 1]),
            renaming(a.analysis, "title_es", "Matriz B"),
            "Matriz B",
        ),
        (reverse("network:organizations"), renaming(n.unicef, "name_es", "UNICEF de nuevo"), "UNICEF de nuevo"),
    ]
    assert_each_shows_a_write_at_once(member, cases)


def test_a_comment_on_a_practice_shows_at_once_on_its_kept_page(n):
    from practices import services as practices
    from practices.tests.helpers import practice_fields

    practice = practices.create_practice(acting_user=n.partner, **practice_fields(n))
    practices.submit(practice, acting_user=n.partner)
    url = f"{practice.get_absolute_url()}?view=working"
    author = signed_in(n.partner)
    author.get(url)
    assert author.get(url)["X-Page-Cache"] == "hit"
    practices.comment(practice, "Un comentario que se ve enseguida", acting_user=n.ts)
    after = author.get(url)
    assert after["X-Page-Cache"] == "miss" and "Un comentario que se ve enseguida" in after.content.decode()
