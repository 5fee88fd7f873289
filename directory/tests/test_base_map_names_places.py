"""The offline base map names the countries and the member countries' capitals, in the reader's language."""

import json
import re

import pytest
from django.urls import reverse

from directory import borders

pytestmark = pytest.mark.django_db


def names_on(client, language):
    page = client.get(reverse("directory:map"), headers={"accept-language": language}).content.decode()
    found = re.search(r'<script id="map-place-names" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_names_come_with_the_page_in_each_language(client):
    spanish, english = names_on(client, "es"), names_on(client, "en")
    assert spanish["countries"]["MX"] == "México" and english["countries"]["MX"] == "Mexico"
    assert spanish["countries"]["US"] == "Estados Unidos"
    assert ["Ciudad de Guatemala", 14.63, -90.51] in spanish["capitals"]
    assert ["Guatemala City", 14.63, -90.51] in english["capitals"]
    # Every country the borders draw is named; every member country has its capital.
    assert set(english["countries"]) == set(borders.border_codes())
    assert len(english["capitals"]) == len({code for code, *_rest in borders.CAPITALS}) == 11
