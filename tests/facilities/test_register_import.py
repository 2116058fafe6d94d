"""Importing the facilities register from CSV or XLSX as users save them: all or nothing."""

import io
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest

from pilote.facilities.enums import CapacityUnit, FacilityKind, FundingMode
from pilote.facilities.exceptions import FacilitiesError
from pilote.facilities.models import Facility
from pilote.facilities.register.imports import (
    import_register_file,
    prepare_import,
    read_register,
    table_from_dict,
    table_to_dict,
)
from tests.facilities.demo import DEMO_CSV

pytestmark = pytest.mark.django_db


# Three rows of annexe 2 of seed 003, written as the annexe writes them.
HEADER = "Gestionnaire;Nom de l'équipement;Type;Sous-type;Commune;Places;Bonus 2026;Actions\n"
ROWS = (
    "IFAC;Extrascolaire les Aiglons - IFAC;Accueil de loisirs sans hébergement;Extrascolaire;"
    "04510 AIGLUN;40;;3.1\n"
    "CA PROVENCE-ALPES-AGGLOMERATION;Les Premiers Pas;Etablissement d'Accueil du Jeune Enfant;"
    "Multi accueil;04000 DIGNE-LES-BAINS;40;52 000;3.1, 3.7\n"
    "CTE COM ACTION SOCIALE DE CHATEAU ARNOUX;LAEP Pic et Poc;Lieu d'Accueil Enfants-Parents;;"
    "04160 CHATEAU ARNOUX ST AUBAN;;;4.5\n"
)
CSV = HEADER + ROWS


@pytest.fixture
def paa(paa):
    """The demo CTG of seed 003 with its register emptied: these tests import into it."""
    Facility.objects.filter(convention=paa).delete()
    return paa


def run(convention, data: bytes, filename: str = "equipements.csv"):
    """Return the report of a file, without writing anything."""
    return prepare_import(convention, read_register(data, filename), filename=filename)


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        CSV.encode("utf-8"),
        b"\xef\xbb\xbf" + CSV.encode("utf-8"),
        CSV.encode("cp1252"),
        # Comma-separated: the cells that hold commas are quoted, as spreadsheets do.
        CSV.replace(",", "|").replace(";", ",").replace("3.1| 3.7", '"3.1, 3.7"').encode(),
        xlsx([line.split(";") for line in CSV.splitlines()]),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "comma", "xlsx"],
)
def test_every_usual_file_flavour_imports_the_same_facilities(paa, data):
    name = "equipements.xlsx" if data.startswith(b"PK") else "equipements.csv"

    import_register_file(paa, data, name)

    premiers_pas = Facility.objects.get(convention=paa, name="Les Premiers Pas")
    assert premiers_pas.kind == FacilityKind.EAJE
    assert premiers_pas.subkind == "Multi accueil"
    assert premiers_pas.commune_id == "04070"
    assert premiers_pas.capacity == Decimal(40)
    assert [(b.year, b.amount) for b in premiers_pas.bonuses.all()] == [(2026, Decimal(52000))]
    assert sorted(n.number for n in premiers_pas.actions.all()) == ["3.1", "3.7"]
    laep = Facility.objects.get(convention=paa, name="LAEP Pic et Poc")
    assert (laep.kind, laep.commune.name) == (FacilityKind.LAEP, "Château-Arnoux-Saint-Auban")
    assert laep.capacity is None
    assert Facility.objects.count() == 3


def test_the_demo_csv_holds_the_76_rows_of_annexe_2(paa):
    report = import_register_file(paa, DEMO_CSV.read_bytes(), DEMO_CSV.name)

    assert (report.created, report.updated, report.unchanged) == (76, 0, 0)
    kinds = Counter(Facility.objects.filter(convention=paa).values_list("kind", flat=True))
    assert kinds == {
        FacilityKind.ALSH: 35,
        FacilityKind.EAJE: 14,
        FacilityKind.EVS: 7,
        FacilityKind.CLAS: 4,
        FacilityKind.COORDINATION: 4,
        FacilityKind.YOUTH: 4,
        FacilityKind.RPE: 2,
        FacilityKind.SAAD: 2,
        FacilityKind.LAEP: 1,
        FacilityKind.SOCIAL_CENTRE: 1,
        FacilityKind.MEETING_PLACE: 1,
        FacilityKind.FAMILY_MEDIATION: 1,
    }
    communes = Counter(Facility.objects.values_list("commune__name", flat=True))
    assert communes["Digne-les-Bains"] == 22
    assert communes["Château-Arnoux-Saint-Auban"] == 11
    assert len(communes) == 16
    # The annexe lists "La Passerelle - Périscolaire" and "Périscolaire l'Escale - IFAC" twice.
    assert [str(w) for w in report.warnings] == [
        "Ligne 17 : même nom, type et commune que la ligne 15 : deux équipements distincts "
        "seront enregistrés.",
        "Ligne 45 : même nom, type et commune que la ligne 43 : deux équipements distincts "
        "seront enregistrés.",
    ]


def test_importing_the_same_file_again_changes_nothing(paa):
    import_register_file(paa, DEMO_CSV.read_bytes(), DEMO_CSV.name)

    report = import_register_file(paa, DEMO_CSV.read_bytes(), DEMO_CSV.name)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 76)
    assert Facility.objects.filter(convention=paa).count() == 76


def test_a_row_with_the_same_name_type_and_commune_updates_the_facility(paa):
    import_register_file(paa, CSV.encode(), "v1.csv")
    changed = CSV.replace(
        "Multi accueil;04000 DIGNE-LES-BAINS;40;52 000", "Multi-accueil;04070;45;"
    )

    report = run(paa, changed.encode())

    [update] = [row for row in report.rows if row.action == "update"]
    assert update.line == 3
    assert update.changes == ["sous-type", "capacité", "bonus"]
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    import_register_file(paa, changed.encode(), "v2.csv")
    premiers_pas = Facility.objects.get(name="Les Premiers Pas")
    assert premiers_pas.capacity == 45
    assert not premiers_pas.bonuses.exists()
    assert Facility.objects.count() == 3


def test_columns_absent_from_the_file_keep_their_values(paa):
    import_register_file(paa, CSV.encode(), "complet.csv")
    short = "Gestionnaire;Nom;Type;Commune;Statut\n" + (
        "CA PROVENCE-ALPES-AGGLOMERATION;Les Premiers Pas;EAJE;Digne-les-Bains;en projet\n"
    )

    import_register_file(paa, short.encode(), "statut.csv")

    premiers_pas = Facility.objects.get(name="Les Premiers Pas")
    assert premiers_pas.get_status_display() == "En projet"
    assert premiers_pas.capacity == 40
    assert premiers_pas.bonuses.get().amount == 52000
    assert premiers_pas.actions.count() == 2


def test_a_bad_row_writes_nothing_and_the_report_names_line_column_and_problem(paa):
    bad = CSV + (
        "ADSEA;CLAS ADSEA;Contrat Local d'Accompagnement à la Scolarité;;04112 MANOSQUE;;;\n"
        "ADSEA;;Crèche-garderie du soir;;04000 Digne;-3;beaucoup;9.9\n"
    )

    with pytest.raises(FacilitiesError, match="rien n'a été enregistré"):
        import_register_file(paa, bad.encode(), "erreurs.csv")

    assert not Facility.objects.exists()
    report = run(paa, bad.encode())
    assert [str(problem) for problem in report.errors] == [
        "Ligne 5, colonne « Commune » : « MANOSQUE » ne correspond à aucune commune de la CTG.",
        "Ligne 6, colonne « Nom de l'équipement » : le nom est obligatoire.",
        "Ligne 6, colonne « Type » : type inconnu : « Crèche-garderie du soir ». Types acceptés "
        ": EAJE, MAM, Assistants maternels, Garde à domicile, RPE, LAEP, ALSH, Structure "
        "jeunesse / accueil de jeunes, CLAS, REAAP, Médiation familiale, Espace de rencontre, "
        "Centre social, EVS, SAAD familles, FJT, France Services, CTG - Chargé de coopération, "
        "Autre.",
        "Ligne 6, colonne « Bonus 2026 » : « beaucoup » n'est pas un nombre.",
        "Ligne 6, colonne « Actions » : aucun élément du plan ne porte le numéro ou l'intitulé "
        "« 9.9 ».",
    ]
    assert report.rejected_lines == 2
    assert report.rows == []


def test_values_are_checked_once_read_negative_capacity_ages_and_bonus_years(paa):
    data = (
        "Gestionnaire;Nom;Type;Code commune (INSEE);Capacité;Âge min;Âge max;Bonus 2019\n"
        "IFAC;Les Aiglons;ALSH;04001;-3;12;3;1000\n"
    )

    report = run(paa, data.encode())

    assert [str(problem) for problem in report.errors] == [
        "Ligne 2, colonne « Capacité » : la capacité ne peut pas être négative.",
        "Ligne 2, colonne « Âge max » : l'âge maximum (3 ans) est inférieur à l'âge minimum "
        "(12 ans).",
        "Ligne 2, colonne « Bonus 2019 » : bonus 2019 : l'année doit être comprise entre 2021 et "
        "2032 (période de la CTG, 5 ans avant, 2 ans après).",
    ]


def test_unknown_columns_are_reported_as_warnings_and_ignored(paa):
    data = "Gestionnaire;Nom;Type;Commune;Téléphone\nIFAC;Les Aiglons;ALSH;Aiglun;04 92 00 00 00\n"

    report = run(paa, data.encode())

    assert report.ok
    assert [str(w) for w in report.warnings] == [
        "Colonne « Téléphone » : colonne non reconnue : elle est ignorée."
    ]


def test_missing_and_repeated_columns_refuse_the_whole_file(paa):
    data = "Gestionnaire;Places;ETP;Type\nIFAC;12;1;ALSH\n"

    report = run(paa, data.encode())

    assert [str(problem) for problem in report.errors] == [
        "Colonne « ETP » : cette colonne et la colonne « Places » donnent toutes deux "
        "« capacité » : gardez-en une seule.",
        "Colonne obligatoire absente : « Nom ».",
        "Colonne obligatoire absente : « Commune » (ou « Code commune (INSEE) »).",
    ]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("04049", "04049"),
        ("04600", "04049"),
        ("Château-Arnoux-Saint-Auban", "04049"),
        ("CHATEAU ARNOUX ST AUBAN", "04049"),
        ("04600 CHATEAU ARNOUX-SAINT AUBAN", "04049"),
        ("04360 MOUSTIERS STE MARIE", "04135"),
        ("Mées (Les)", "04116"),
        ("04000 DIGNE", "04070"),
        ("Digne-les-Bains (04070)", "04070"),
    ],
)
def test_communes_are_found_however_the_file_writes_them(paa, written, code):
    data = f"Gestionnaire;Nom;Type;Commune\nIFAC;Accueil;ALSH;{written}\n"

    report = run(paa, data.encode())

    assert report.ok, report.summary()
    assert report.rows[0].data.commune.code == code


def test_a_postcode_shared_by_several_communes_asks_for_the_name(paa):
    data = "Gestionnaire;Nom;Type;Commune\nIFAC;Accueil;ALSH;04000\n"

    [problem] = run(paa, data.encode()).errors

    assert problem.message.startswith("le code postal 04000 correspond à plusieurs communes")
    assert "Digne-les-Bains" in problem.message


def test_a_commune_code_that_contradicts_the_commune_name_is_refused(paa):
    data = "Gestionnaire;Nom;Type;Code INSEE;Commune\nIFAC;Accueil;ALSH;04070;Malijai\n"

    [problem] = run(paa, data.encode()).errors

    assert str(problem) == (
        "Ligne 2, colonne « Commune » : le code INSEE 04070 (Digne-les-Bains) ne correspond "
        "pas à la commune « Malijai »."
    )


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Etablissement d'Accueil du Jeune Enfant", FacilityKind.EAJE),
        ("eaje", FacilityKind.EAJE),
        ("Relais Petite Enfance", FacilityKind.RPE),
        ("RAM", FacilityKind.RPE),
        ("Contrat Local d'Accompagnement à la Scolarité", FacilityKind.CLAS),
        ("CTG - Chargé de coopération", FacilityKind.COORDINATION),
        ("Aide et Accompagnement à Domicile", FacilityKind.SAAD),
        ("Espace de rencontre", FacilityKind.MEETING_PLACE),
        ("Médiation Familiale", FacilityKind.FAMILY_MEDIATION),
        ("Structure Jeunesse", FacilityKind.YOUTH),
        ("charge_cooperation", FacilityKind.COORDINATION),
    ],
)
def test_types_are_matched_on_their_label_code_or_annexe_2_wording(paa, written, kind):
    data = f"Gestionnaire;Nom;Type;Commune\nIFAC;Accueil;{written};Aiglun\n"

    report = run(paa, data.encode())

    assert report.rows[0].data.kind == kind


def test_units_funding_status_and_years_are_read_in_french(paa):
    data = (
        "Gestionnaire;Nom;Type;Commune;ETP;Financement;Statut;Année d'ouverture;Âge max\n"
        "CA PROVENCE-ALPES-AGGLOMERATION;RPE Les Frimousses;RPE;Digne-les-Bains;1,5;PS;"
        "Existant;2019;6 ans\n"
        "CA PROVENCE-ALPES-AGGLOMERATION;Bédunia;EAJE;Beynes;10 places;PAJE;en projet;"
        "01/09/2027;\n"
    )

    rpe, micro = run(paa, data.encode()).rows

    assert (rpe.data.capacity, rpe.data.capacity_unit) == (Decimal("1.5"), CapacityUnit.FTE)
    assert (rpe.data.funding, rpe.data.opening_year, rpe.data.age_max) == (
        FundingMode.SERVICE,
        2019,
        6,
    )
    assert (micro.data.capacity, micro.data.capacity_unit) == (Decimal(10), CapacityUnit.PLACES)
    assert (micro.data.funding, micro.data.status, micro.data.opening_year) == (
        FundingMode.PAJE,
        "projet",
        2027,
    )


def test_the_table_kept_between_preview_and_confirmation_is_the_same(paa):
    table = read_register(CSV.encode(), "f.csv")

    again = table_from_dict(table_to_dict(table))

    assert again == table


def test_unreadable_files_say_why_in_french():
    with pytest.raises(FacilitiesError, match="Le fichier est vide"):
        read_register(b"", "vide.csv")
