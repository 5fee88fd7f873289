"""Resetting a forgotten password, in Enlace's own words and layout, in both languages: from the
sign-in page to the e-mail, the new password and signing in with it; a used link says so."""

import re

from django.core import mail
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from core.testing import build_network

LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)")
NEW_PASSWORD = "Otra-Clave-Segura-2026"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class PasswordResetJourney(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def reset(self, language, words):
        client = Client(headers={"accept-language": language})
        login = client.get(reverse("account_login")).content.decode()
        self.assertIn(f'href="{reverse("account_reset_password")}"', login)  # the way there is on the sign-in page
        asking = client.get(reverse("account_reset_password")).content.decode()
        self.assertIn(f"<h1>{words['reset']}</h1>", asking)
        self.assertIn(words["who"], asking)
        self.assertNotRegex(asking, r"<label[^>]*>[^<]*:</label>")  # labels without the library's colon
        sent = client.post(reverse("account_reset_password"), {"email": "gt@example.org"}, follow=True)
        self.assertContains(sent, f"<h1>{words['check']}</h1>")
        path = LINK.search(mail.outbox[-1].body).group(1)
        choosing = client.get(path, follow=True)
        self.assertContains(choosing, f"<h1>{words['choose']}</h1>")
        form_url = choosing.redirect_chain[-1][0] if choosing.redirect_chain else path
        done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
        self.assertContains(done, f"<h1>{words['changed']}</h1>")
        signing_in = Client().post(reverse("account_login"), {"login": "gt@example.org", "password": NEW_PASSWORD})
        self.assertEqual(signing_in.status_code, 302)  # the new password signs in
        again = client.get(path, follow=True)  # the link is used up
        self.assertContains(again, f"<h1>{words['used']}</h1>")
        self.assertContains(again, f'href="{reverse("account_reset_password")}"')

    def test_in_english(self):
        self.reset(
            "en",
            {
                "reset": "Reset your password",
                "who": "principal liaison officer",
                "check": "Check your e-mail",
                "choose": "Choose a new password",
                "changed": "Password changed",
                "used": "This link no longer works",
            },
        )

    def test_in_spanish(self):
        self.reset(
            "es",
            {
                "reset": "Restablezca su contraseña",
                "who": "enlace principal de su país",
                "check": "Revise su correo",
                "choose": "Elija una contraseña nueva",
                "changed": "Contraseña cambiada",
                "used": "Este enlace ya no sirve",
            },
        )
