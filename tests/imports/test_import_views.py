"""The plan import pages: who may use them, upload → review → save into a new or an existing
CTG, and nothing written when something is wrong."""

import datetime
import io

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.conventions.models import Convention
from pilote.core.models import PendingImport
from pilote.imports.views import SESSION_KEY
from pilote.plans.models import PlanLevel, PlanNode
from tests.factories import PAA_SIREN, UserFactory, departement, user_with_role
from tests.factories import LastLevelNodeFactory as PlanNodeFactory
from tests.factories import SignedConventionFactory as ConventionFactory

from .builders import SEED_001

pytestmark = pytest.mark.django_db

HEADERS = ["Niveau", "Numéro", "Titre", "Pilotes", "Début", "Budget"]
ROWS = [
    ["Axe", "1", "Favoriser l'accueil du jeune enfant", "", "", ""],
    ["Fiche action", "1.1", "Offre d'accueil collectif", "Caf", "2026", "Caf 2026 : 15 000"],
    ["Action", "1.1.1", "Ouvrir une micro-crèche à Malijai", "", "T2 2026", ""],
    ["Axe", "2", "Accompagner les parents", "", "", ""],
]


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def counts() -> tuple[int, int, int]:
    return Convention.objects.count(), PlanNode.objects.count(), PlanLevel.objects.count()


@pytest.fixture
def ctg():
    return ConventionFactory(levels=["Axe", "Fiche action", "Action"])


@pytest.fixture
def coordinator(ctg):
    return user_with_role(Role.COORDINATOR, convention=ctg)


@pytest.fixture
def adviser(db):
    return user_with_role(Role.CAF_ADVISER, departement_code="04")


@pytest.fixture
def seed_001():
    if not SEED_001.exists():
        pytest.skip(f"seed 001 absente ({SEED_001})")
    return SEED_001.read_bytes()


def an_axis(ctg) -> PlanNode:
    return PlanNodeFactory(
        convention=ctg, level=ctg.levels.get(name="Axe"), number="1", title="Petite enfance"
    )


def upload_url(ctg=None) -> str:
    if ctg is None:
        return reverse("imports:new_upload")
    return reverse("imports:upload", kwargs={"slug": ctg.slug})


def send(client, url: str, name: str, content: bytes):
    return client.post(url, {"file": upload_file(name, content)})


def token_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.COORDINATOR, 200), (Role.REFERENT, 403), (Role.READER, 403), ("adviser", 200)],
)
def test_only_those_who_edit_the_ctg_import_a_plan_into_it(client, ctg, role, status):
    if role == "adviser":
        user = user_with_role(Role.CAF_ADVISER, departement_code="04")
    else:
        user = user_with_role(role, convention=ctg)
    client.force_login(user)
    assert client.get(upload_url(ctg)).status_code == status
    assert send(client, upload_url(ctg), "plan.xlsx", xlsx([HEADERS, *ROWS])).status_code in (
        status,
        302,
    )


def test_a_ctg_the_user_cannot_see_answers_404(client, ctg):
    other = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=other))
    assert client.get(upload_url(ctg)).status_code == 404
    template = reverse("imports:template", kwargs={"slug": ctg.slug})
    assert client.get(template).status_code == 404
    assert (
        client.post(reverse("imports:edit", kwargs={"slug": ctg.slug, "token": "x"})).status_code
        == 404
    )


def test_only_caf_advisers_import_a_plan_into_a_new_ctg(client, ctg, coordinator, adviser):
    client.force_login(coordinator)
    assert client.get(upload_url()).status_code == 403
    assert send(client, upload_url(), "plan.xlsx", xlsx([HEADERS, *ROWS])).status_code == 403
    client.force_login(adviser)
    assert client.get(upload_url()).status_code == 200
    client.force_login(UserFactory(superuser=True))
    assert client.get(upload_url()).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client, ctg):
    for url in (upload_url(), upload_url(ctg), reverse("imports:new_template")):
        response = client.get(url)
        assert response.status_code == 302
        assert "/connexion/" in response["Location"]


def test_a_reader_downloads_the_plan_as_a_spreadsheet_but_cannot_import(client, ctg):
    an_axis(ctg)
    client.force_login(user_with_role(Role.READER, convention=ctg))
    response = client.get(reverse("imports:template", kwargs={"slug": ctg.slug}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="plan-{ctg.slug}.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Plan"]
    assert [c.value for c in sheet[2]][:3] == ["Axe", "1", "Petite enfance"]
    assert client.get(upload_url(ctg)).status_code == 403


def test_a_review_of_another_session_or_ctg_has_expired(client, ctg, coordinator, adviser):
    client.force_login(coordinator)
    token = token_of(send(client, upload_url(ctg), "plan.xlsx", xlsx([HEADERS, *ROWS])))
    other = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=other))
    response = client.get(reverse("imports:review", kwargs={"slug": other.slug, "token": token}))
    assert response.status_code == 302
    assert response["Location"] == upload_url(other)


# --------------------------------------------------------------------------- upload


def test_the_upload_page_explains_both_ways_and_the_template(client, ctg, coordinator):
    client.force_login(coordinator)
    page = client.get(upload_url(ctg)).content.decode()
    assert "Télécharger le modèle de tableur (XLSX)" in page
    assert "Chemin des niveaux" in page
    assert 'accept=".xlsx,.ods,.csv,.docx,.odt,.pdf,.txt,.md"' in page


def test_a_spreadsheet_with_errors_gets_a_report_and_nothing_is_kept(client, ctg, coordinator):
    client.force_login(coordinator)
    rows = [HEADERS, *ROWS, ["Fiche action", "2.1", "", "", "l'an prochain", ""]]
    before = counts()
    response = send(client, upload_url(ctg), "plan.xlsx", xlsx(rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "contient 2 erreurs : rien n’a été enregistré" in page
    assert "<td>6</td>" in page
    assert "Le titre est obligatoire." in page
    assert "« l&#x27;an prochain » n&#x27;est ni une année ni un trimestre" in page
    assert not PendingImport.objects.filter(key=SESSION_KEY).exists()
    assert counts() == before


@override_settings(IMPORT_MAX_BYTES=1_000)
def test_a_file_over_the_size_limit_is_refused(client, ctg, coordinator):
    client.force_login(coordinator)
    response = send(client, upload_url(ctg), "plan.xlsx", xlsx([HEADERS, *ROWS]))
    assert response.status_code == 200
    assert "la taille maximale est de" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.docx", b"", "Le fichier est vide."),
        ("plan.pdf", b"%PDF-1.7\n%%EOF", "PDF"),
        ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Word 97-2003"),
        ("plan.txt", "Compte rendu de réunion.\nRien à signaler.".encode(), "Aucun plan d"),
    ],
    ids=["empty", "pdf-without-text", "old-word", "no-plan"],
)
def test_a_document_that_cannot_be_used_gets_a_french_message(
    client, ctg, coordinator, name, content, message
):
    client.force_login(coordinator)
    response = send(client, upload_url(ctg), name, content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_document_is_refused_when_the_plan_is_not_empty(client, ctg, coordinator, seed_001):
    an_axis(ctg)
    client.force_login(coordinator)
    page = send(client, upload_url(ctg), "ctg.txt", seed_001).content.decode()
    assert "contient déjà 1 élément : un document ne s&#x27;importe que dans un plan vide" in page


# --------------------------------------------------------------------------- save


def test_a_document_becomes_the_plan_of_a_new_ctg(client, adviser, seed_001):
    client.force_login(adviser)
    token = token_of(send(client, upload_url(), "ctg-tarn-agout.txt", seed_001))
    review = client.get(reverse("imports:new_review", kwargs={"token": token}))
    assert "Orientation stratégique" in review.content.decode()
    save_url = reverse("imports:new_save", kwargs={"token": token})
    form = client.get(save_url)
    assert form.context["form"].initial["start_date"] == datetime.date(2023, 1, 1)
    assert form.context["form"].initial["end_date"] == datetime.date(2026, 12, 31)
    response = client.post(
        save_url,
        {
            "name": "CTG Tarn-Agout 2023-2026",
            "departement": departement("04").pk,
            "start_date": "2023-01-01",
            "end_date": "2026-12-31",
            "epci": PAA_SIREN,
        },
    )
    convention = Convention.objects.get(name="CTG Tarn-Agout 2023-2026")
    assert response["Location"] == reverse("plans:tree", kwargs={"slug": convention.slug})
    assert [level.name for level in convention.levels.order_by("position")] == [
        "Axe",
        "Orientation stratégique",
        "Fiche action",
        "Objectif opérationnel",
    ]
    assert PlanNode.objects.filter(convention=convention).count() == 67
    assert convention.communes.count() == 46
    assert not PendingImport.objects.filter(key=SESSION_KEY).exists()
    followed = client.get(response["Location"])
    assert "67 éléments créés" in str(next(iter(followed.context["messages"])))


def test_the_new_ctg_form_refuses_a_departement_the_user_cannot_create_in(
    client, adviser, seed_001
):
    client.force_login(adviser)
    token = token_of(send(client, upload_url(), "ctg.txt", seed_001))
    before = counts()
    response = client.post(
        reverse("imports:new_save", kwargs={"token": token}),
        {
            "name": "CTG",
            "departement": departement("13").pk,
            "start_date": "2023-01-01",
            "end_date": "2026-12-31",
        },
    )
    assert response.status_code == 200
    assert "Vous ne pouvez pas créer de CTG pour ce département." in response.content.decode()
    assert counts() == before


def test_nothing_is_written_when_the_plan_does_not_fit_the_new_ctg(client, adviser):
    """The CTG is created in the same transaction as its plan: both go, or neither."""
    client.force_login(adviser)
    rows = [HEADERS, *ROWS]
    rows[2] = ["Fiche action", "1.1", "Offre d'accueil", "Caf", "", "Caf 2031 : 15 000"]
    token = token_of(send(client, upload_url(), "plan.xlsx", xlsx(rows)))
    before = counts()
    response = client.post(
        reverse("imports:new_save", kwargs={"token": token}),
        {
            "name": "CTG PAA",
            "departement": departement("04").pk,
            "start_date": "2026-01-01",
            "end_date": "2030-12-31",
        },
    )
    assert response.status_code == 200
    assert "l&#x27;année 2031 du budget (Caf) est hors de la période" in response.content.decode()
    assert counts() == before
    # The review is still there, to be corrected.
    assert PendingImport.objects.filter(key=SESSION_KEY).exists()


def test_a_spreadsheet_updates_an_existing_plan_by_number(client, ctg, coordinator):
    client.force_login(coordinator)
    token = token_of(send(client, upload_url(ctg), "plan.xlsx", xlsx([HEADERS, *ROWS])))
    client.post(reverse("imports:save", kwargs={"slug": ctg.slug, "token": token}))
    assert PlanNode.objects.filter(convention=ctg).count() == 4

    rows = [HEADERS, *ROWS, ["Action", "1.1.2", "Créer un RPE itinérant", "", "2027", ""]]
    rows[3][2] = "Ouvrir une micro-crèche de 12 places à Malijai"
    del rows[4]  # axe 2 is not in the file: it stays
    token = token_of(send(client, upload_url(ctg), "plan.xlsx", xlsx(rows)))
    page = client.get(reverse("imports:review", kwargs={"slug": ctg.slug, "token": token}))
    text = page.content.decode()
    assert "<strong>1</strong> élément nouveau" in text
    assert "<strong>1</strong> mis à jour, 2 inchangés" in text
    assert "les 1 élément de la CTG absent du fichier est conservé" in text
    assert "Mis à jour</span><span>Intitulé</span>" in text
    response = client.post(reverse("imports:save", kwargs={"slug": ctg.slug, "token": token}))
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert "1 élément créé, 1 mis à jour, 2 inchangés" in str(
        next(iter(followed.context["messages"]))
    )
    assert PlanNode.objects.filter(convention=ctg).count() == 5
    assert PlanNode.objects.get(convention=ctg, number="1.1.1").title.endswith(
        "de 12 places à Malijai"
    )


def test_a_document_goes_into_an_empty_ctg_and_takes_its_levels(client, ctg, coordinator, seed_001):
    client.force_login(coordinator)
    token = token_of(send(client, upload_url(ctg), "ctg.txt", seed_001))
    save_url = reverse("imports:save", kwargs={"slug": ctg.slug, "token": token})
    assert "Enregistrer le plan dans la CTG" in client.get(save_url).content.decode()
    # Meanwhile someone adds an element: the document cannot go in any more, nothing changes.
    an_axis(ctg)
    page = client.post(save_url).content.decode()
    assert "Le plan ne peut pas encore être enregistré" in page
    assert PlanNode.objects.filter(convention=ctg).count() == 1
    PlanNode.objects.filter(convention=ctg).delete()
    response = client.post(save_url)
    assert response.status_code == 302
    assert ctg.levels.count() == 4
    assert PlanNode.objects.filter(convention=ctg).count() == 67


def test_a_saved_review_cannot_be_saved_twice(client, ctg, coordinator):
    client.force_login(coordinator)
    token = token_of(send(client, upload_url(ctg), "plan.xlsx", xlsx([HEADERS, *ROWS])))
    save_url = reverse("imports:save", kwargs={"slug": ctg.slug, "token": token})
    client.post(save_url)
    response = client.post(save_url)
    assert response["Location"] == upload_url(ctg)
    assert PlanNode.objects.filter(convention=ctg).count() == 4


def test_the_review_page_lists_levels_and_elements_in_a_fixed_number_of_queries(
    client, ctg, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    rows = [HEADERS] + [
        row
        for axe in range(1, 6)
        for row in [["Axe", str(axe), f"Axe {axe}", "", "", ""]]
        + [
            ["Fiche action", f"{axe}.{f}", f"Fiche {axe}.{f}", "Caf", "2027", ""]
            for f in range(1, 9)
        ]
    ]
    apply = send(client, upload_url(ctg), "plan.xlsx", xlsx(rows))
    client.post(reverse("imports:save", kwargs={"slug": ctg.slug, "token": token_of(apply)}))
    token = token_of(send(client, upload_url(ctg), "plan.xlsx", xlsx(rows)))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("imports:review", kwargs={"slug": ctg.slug, "token": token}))
    assert response.content.decode().count('class="plan-node import-node') == 45
