"""Who may open the exports page and download each export, and what the page offers."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, User
from pilote.reports.opendata import FIELDS

from .conftest import PAA, TARN_AGOUT

pytestmark = pytest.mark.django_db

CTG_ROUTES = [
    "reports:exports",
    "reports:plan_xlsx",
    "reports:plan_ods",
    "reports:plan_csv",
    "reports:plan_docx",
    "reports:suivi_xlsx",
    "reports:suivi_ods",
    "reports:suivi_csv",
    "reports:opendata",
]
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def url(name: str, slug: str = PAA) -> str:
    return reverse(name, kwargs={"slug": slug})


@pytest.mark.parametrize(
    "username", ["cooperation.paa", "conseiller.caf", "caf04", "referent.digne", "lecteur.paa"]
)
def test_everyone_who_reads_the_ctg_gets_every_export(client, demo_user, username):
    client.force_login(demo_user(username))

    for name in CTG_ROUTES:
        response = client.get(url(name))
        assert response.status_code == 200, f"{username} {name}"
        if name != "reports:exports":
            extension = name.rsplit("_", 1)[-1] if "_" in name else "csv"
            assert response["Content-Type"] == CONTENT_TYPES[extension], name
            assert response["Content-Disposition"].startswith('attachment; filename="'), name
            assert response["Content-Disposition"].endswith(f'.{extension}"'), name


def test_a_user_of_another_ctg_gets_404_everywhere(client, demo, demo_user):
    client.force_login(demo_user("cooperation.tarnagout"))

    for name in CTG_ROUTES:
        assert client.get(url(name)).status_code == 404, name
        assert client.get(url(name, TARN_AGOUT)).status_code == 200, name


def test_anonymous_visitors_are_sent_to_login(client, demo):
    for target in [url(name) for name in CTG_ROUTES] + [reverse("reports:opendata_all")]:
        response = client.get(target)
        assert response.status_code == 302, target
        assert response["Location"].startswith(reverse("accounts:login")), target


def test_exports_are_read_only_downloads(client, demo, demo_user):
    client.force_login(demo_user("cooperation.paa"))

    for name in CTG_ROUTES:
        assert client.post(url(name)).status_code == 405, name
    assert client.post(reverse("reports:opendata_all")).status_code == 405


def test_the_page_lists_every_export_with_a_one_click_link(client, demo_user):
    client.force_login(demo_user("lecteur.paa"))
    response = client.get(url("reports:exports"))
    content = response.content.decode()

    today = timezone.localdate().isoformat()
    for name in CTG_ROUTES[1:]:
        assert f'href="{url(name)}"' in content, name
    assert f'href="{url("conventions:export")}"' in content
    assert f'href="{reverse("reports:opendata_all")}"' in content
    assert f'download="{PAA}-plan-{today}.xlsx"' in content
    assert f'download="ctg-donnees-ouvertes-{today}.csv"' in content
    assert "Toutes les CTG que vous pouvez consulter (1, CSV)" in content
    for title in ("Plan d’actions", "Tableau de suivi", "Données ouvertes", "Document Word"):
        assert escape(title) in content or title in content
    for field in FIELDS:
        assert f"<code>{field.name}</code>" in content
    assert "Licence Ouverte 2.0" in content
    assert "notes internes y figurent" not in content


def test_the_page_warns_those_who_get_the_internal_notes(client, demo_user):
    client.force_login(demo_user("cooperation.paa"))

    content = client.get(url("reports:exports")).content.decode()

    assert "Les notes internes y figurent car vous pouvez les lire" in content


def test_the_page_counts_the_ctgs_of_a_caf_adviser(client, demo_user):
    client.force_login(demo_user("conseiller.caf"))

    content = client.get(url("reports:exports")).content.decode()

    assert "Toutes les CTG que vous pouvez consulter (3, CSV)" in content


def test_a_superuser_gets_the_open_data_of_every_ctg(client, demo):
    client.force_login(User.objects.create_superuser("admin", password="x"))

    content = client.get(reverse("reports:opendata_all")).content.decode("utf-8-sig")

    assert {line.split(";", 1)[0] for line in content.splitlines()[1:]} == set(demo)


def test_a_referent_of_several_ctgs_downloads_each_of_them(client, demo, demo_user):
    referent = demo_user("referent.digne")
    Membership.objects.create(user=referent, role=Role.READER, convention=demo[TARN_AGOUT])
    client.force_login(referent)

    assert client.get(url("reports:plan_xlsx", TARN_AGOUT)).status_code == 200
    content = client.get(reverse("reports:opendata_all")).content.decode("utf-8-sig")
    assert {line.split(";", 1)[0] for line in content.splitlines()[1:]} == {PAA, TARN_AGOUT}
