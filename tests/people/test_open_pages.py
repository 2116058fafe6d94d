"""Which of the people pages open without a login: the invitation link and the password reset."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("people:account"),
        reverse("people:my_data"),
        reverse("accounts:password_change"),
    ],
)
def test_account_pages_send_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "url",
    [
        reverse("people:invitation", args=["jeton-inconnu"]),
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_done"),
        reverse("accounts:password_reset_complete"),
    ],
)
def test_invitation_and_password_reset_open_without_login(client, url):
    assert client.get(url).status_code in (200, 404)  # 404: an unknown invitation, in French
