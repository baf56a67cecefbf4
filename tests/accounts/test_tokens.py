import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import ApiToken, User
from accounts.services import api_token_issue, api_token_revoke

ME = "/api/v1/vendors"


def run_adduser(*args) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("adduser", *args, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["procurement", "manager", "admin"])
def test_adduser_creates_each_internal_role(role):
    lines = run_adduser(f"{role}@example.com", "--role", role, "--password", "pw-123456!")
    user = User.objects.get(email=f"{role}@example.com")
    assert user.role == role
    assert user.vendor is None
    assert user.check_password("pw-123456!")
    assert user.is_staff == (role == "admin")
    assert "Created" in lines[-1]


@pytest.mark.django_db
def test_adduser_creates_a_vendor_user_and_its_vendor():
    run_adduser("ana@lisbon.example", "--role", "vendor", "--vendor", "Lisbon CX")
    user = User.objects.get(email="ana@lisbon.example")
    assert user.vendor.name == "Lisbon CX"
    run_adduser("rui@lisbon.example", "--role", "vendor", "--vendor", "lisbon cx")
    assert User.objects.get(email="rui@lisbon.example").vendor == user.vendor


@pytest.mark.django_db
def test_adduser_refuses_a_vendor_user_without_vendor():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="vendor"):
        run_adduser("ana@lisbon.example", "--role", "vendor")


@pytest.mark.django_db
def test_adduser_updates_an_existing_user():
    run_adduser("max@example.com", "--role", "manager")
    lines = run_adduser("max@example.com", "--role", "procurement")
    assert User.objects.get(email="max@example.com").role == "procurement"
    assert "Updated" in lines[-1]


@pytest.mark.django_db
def test_adduser_prints_a_working_token_alone_on_the_last_line(client):
    lines = run_adduser("buyer@example.com", "--role", "procurement", "--api-token")
    token = lines[-1]
    assert token.startswith("vp_") and " " not in token
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    # Only the hash is stored.
    assert not ApiToken.objects.filter(token_hash=token).exists()


@pytest.mark.django_db
def test_no_credentials_get_401(client):
    assert client.get(ME).status_code == 401


@pytest.mark.django_db
def test_a_wrong_token_gets_401(client, procurement_user):
    api_token_issue(user=procurement_user)
    assert client.get(ME, HTTP_AUTHORIZATION="Bearer vp_not-a-real-token").status_code == 401


@pytest.mark.django_db
def test_a_revoked_token_gets_401(client, procurement_user):
    token, raw = api_token_issue(user=procurement_user)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token_revoke(token=token)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_users_token_gets_401(client, procurement_user):
    _token, raw = api_token_issue(user=procurement_user)
    procurement_user.is_active = False
    procurement_user.save()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_token_page_shows_a_new_token_once_and_revokes(procurement_client, procurement_user):
    response = procurement_client.post(reverse("accounts:token_list"), {"name": "export"})
    html = response.content.decode()
    token = ApiToken.objects.get(user=procurement_user)
    assert 'id="new-token"' in html and token.hint in html
    again = procurement_client.get(reverse("accounts:token_list")).content.decode()
    assert 'id="new-token"' not in again
    procurement_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_a_user_cannot_revoke_someone_elses_token(manager_client, procurement_user):
    token, _raw = api_token_issue(user=procurement_user)
    assert manager_client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
