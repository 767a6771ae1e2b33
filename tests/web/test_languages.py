"""Which language a page is in (saved preference, else the browser, else English), and Arabic right to left."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from tests.web.support import PASSWORD, make_order

from tradeshield.accounts.models import User
from tradeshield.accounts.services import user_set_preferred_language
from tradeshield.kit.errors import Invalid

pytestmark = pytest.mark.django_db


def page(client: Client, url: str = "/", **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("accept", "lang", "text"),
    [
        ("ru,en;q=0.5", "ru", "Гарантия сделок для международных B2B-заказов"),
        ("pt-BR,pt;q=0.9", "pt-br", "Garantia comercial para pedidos B2B internacionais"),
        ("fr-FR", "fr", "Garantie commerciale pour les commandes B2B internationales"),
        ("es-MX", "es", "Iniciar sesión"),
        ("zh-CN,zh;q=0.9", "zh-hans", "登录"),
        ("de-DE,de;q=0.9", "en", "Trade assurance for cross-border B2B orders"),
        ("", "en", "Trade assurance for cross-border B2B orders"),
    ],
)
def test_a_visitor_gets_the_browsers_language_else_english(accept, lang, text):
    html = page(Client(), "/login/", **({"accept-language": accept} if accept else {}))
    assert f'<html lang="{lang}" dir="ltr">' in html
    assert text in html
    assert "bootstrap.rtl.min.css" not in html and "bootstrap/css/bootstrap.min.css" in html


def test_arabic_pages_are_right_to_left_with_bootstraps_rtl_stylesheet():
    html = page(Client(), "/login/", **{"accept-language": "ar-SA,ar;q=0.9"})
    assert '<html lang="ar" dir="rtl">' in html
    assert "vendor/bootstrap/css/bootstrap.rtl.min.css" in html and "bootstrap/css/bootstrap.min.css" not in html
    assert "ضمان التجارة لطلبات B2B العابرة للحدود" in html
    assert finders.find("vendor/bootstrap/css/bootstrap.rtl.min.css")  # served from node_modules, like the LTR one


def test_a_signed_in_users_saved_language_wins_over_the_browser(buyer):
    user_set_preferred_language(user=buyer.user, language="ru")
    html = page(buyer.client, "/", **{"accept-language": "fr"})
    assert '<html lang="ru" dir="ltr">' in html and "Ваши заказы" in html


def test_the_language_menu_saves_the_choice_on_the_account(buyer):
    response = buyer.client.post("/language/", {"language": "ar", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    buyer.user.refresh_from_db()
    assert buyer.user.preferred_language == "ar"
    fresh = Client()  # another browser, no cookie: the account's choice still applies
    fresh.force_login(buyer.user)
    html = page(fresh, "/", **{"accept-language": "en-US"})
    assert '<html lang="ar" dir="rtl">' in html and "طلباتك" in html


def test_choosing_the_browsers_language_forgets_the_saved_one(buyer):
    user_set_preferred_language(user=buyer.user, language="fr")
    response = buyer.client.post("/language/", {"language": "browser", "next": "/"})
    assert response.status_code == 302
    buyer.user.refresh_from_db()
    assert buyer.user.preferred_language == ""
    assert '<html lang="pt-br"' in page(buyer.client, "/", **{"accept-language": "pt-BR"})


def test_an_unknown_language_changes_nothing(buyer):
    user_set_preferred_language(user=buyer.user, language="es")
    assert buyer.client.post("/language/", {"language": "xx", "next": "/"}).status_code == 302
    buyer.user.refresh_from_db()
    assert buyer.user.preferred_language == "es"
    with pytest.raises(Invalid) as refused:
        user_set_preferred_language(user=buyer.user, language="klingon")
    assert refused.value.code == "unsupported_language" and refused.value.field == "language"
    assert buyer.client.get("/language/").status_code == 405


def test_first_sign_in_adopts_the_browsers_language_and_later_ones_keep_the_choice(buyer):
    User.objects.filter(pk=buyer.user.pk).update(preferred_language="")
    browser = Client(headers={"accept-language": "pt-BR,pt;q=0.9"})
    response = browser.post("/login/", {"username": buyer.user.email, "password": PASSWORD})
    assert response.status_code == 302
    buyer.user.refresh_from_db()
    assert buyer.user.preferred_language == "pt-br"  # emails now go out in Portuguese too

    other = Client(headers={"accept-language": "ru"})
    assert other.post("/login/", {"username": buyer.user.email, "password": PASSWORD}).status_code == 302
    buyer.user.refresh_from_db()
    assert buyer.user.preferred_language == "pt-br"
    assert '<html lang="pt-br"' in page(other, "/")


def test_a_browser_without_accept_language_saves_nothing_at_sign_in(buyer):
    User.objects.filter(pk=buyer.user.pk).update(preferred_language="")
    assert Client().post("/login/", {"username": buyer.user.email, "password": PASSWORD}).status_code == 302
    buyer.user.refresh_from_db()
    assert buyer.user.preferred_language == ""


@pytest.mark.parametrize("language", ["ru", "pt-br", "fr", "ar"])
def test_order_pages_render_in_each_new_language(buyer, supplier, language):
    order = make_order(supplier, buyer, title="LED panels")
    user_set_preferred_language(user=buyer.user, language=language)
    html = page(buyer.client, f"/orders/{order.id}/")
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    expected = {
        "ru": "Подтвердить условия",
        "pt-br": "Confirmar condições",
        "fr": "Confirmer les conditions",
        "ar": "تأكيد الشروط",
    }[language]
    assert expected in html and "Confirm terms" not in html
