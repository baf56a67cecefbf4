"""Anonymous users go to sign-in; each role sees only its own navigation and pages."""

import pytest
from django.urls import reverse

ROLE_PAGES = {
    "procurement:rfq_list": {"procurement", "manager", "admin"},
    "procurement:vendor_list": {"procurement", "admin"},
    "costing:calculator": {"procurement", "manager", "admin"},
    "pilots:pilot_list": {"procurement", "manager", "admin"},
    "pilots:alert_list": {"procurement", "manager", "admin"},
    "procurement:portal": {"vendor"},
    "pilots:vendor_pilot_list": {"vendor"},
}


@pytest.fixture
def clients(procurement_client, manager_client, admin_role_client, vendor_a_client):
    return {
        "procurement": procurement_client,
        "manager": manager_client,
        "admin": admin_role_client,
        "vendor": vendor_a_client,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ROLE_PAGES))
def test_anonymous_user_is_sent_to_sign_in(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ROLE_PAGES))
def test_each_role_reaches_only_its_own_pages(clients, url_name):
    for role, client in clients.items():
        expected = 200 if role in ROLE_PAGES[url_name] else 403
        assert client.get(reverse(url_name)).status_code == expected, (role, url_name)


@pytest.mark.django_db
def test_each_role_sees_only_its_own_navigation(clients):
    for role, client in clients.items():
        html = client.get(reverse("home"), follow=True).content.decode()
        for url_name, roles in ROLE_PAGES.items():
            assert (f'data-nav="{url_name}"' in html) == (role in roles), (role, url_name)


@pytest.mark.django_db
def test_home_shows_each_role_what_needs_it(clients):
    expected = {
        "procurement": ["quotes-to-review", "deadlines-this-week", "invitations-unanswered"],
        "manager": ["pilots-awaiting-decision", "checkpoints-due", "open-alerts"],
        "admin": ["quotes-to-review", "pilots-awaiting-decision", "open-alerts"],
        "vendor": ["invitations-to-answer", "quotes-in-draft", "missing-days"],
    }
    others = {key for keys in expected.values() for key in keys}
    for role, client in clients.items():
        response = client.get(reverse("home"))
        assert response.status_code == 200, role
        html = response.content.decode()
        for key in expected[role]:
            assert f'id="{key}"' in html, (role, key)
        if role != "admin":
            for key in others - set(expected[role]):
                assert f'id="{key}"' not in html, (role, key)


@pytest.mark.django_db
def test_only_admins_reach_the_django_admin(clients):
    assert clients["admin"].get("/admin/").status_code == 200
    for role in ("procurement", "manager", "vendor"):
        assert clients[role].get("/admin/").status_code == 302
