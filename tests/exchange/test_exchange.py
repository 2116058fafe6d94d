"""The JSON exchange: export → import → export is lossless, and bad files change nothing."""

import copy
import json
import re

import pytest
from django.core.management import CommandError, call_command

from pilote.accounts.models import Organisation
from pilote.conventions.models import Convention
from pilote.exchange.services import (
    ExchangeError,
    dumps,
    export_convention,
    import_convention,
    loads,
)
from pilote.plans.models import PlanNode

pytestmark = pytest.mark.django_db


def make_document() -> dict:
    """Return a small but complete CTG document with every field filled somewhere."""
    return {
        "format": "pilote-ctg",
        "version": 2,
        "convention": {
            "slug": "ctg-test-paa",
            "name": "CTG de test Provence-Alpes",
            "departement": "04",
            "start_date": "2026-01-01",
            "end_date": "2030-12-31",
            "status": "signed",
            "next_copil_date": "2026-06-18",
            "epci": "200067437",
            "communes": ["04070", "04116"],
            "description": "Une CTG pour les tests.",
            "internal_notes": "Note interne : budget à confirmer.",
            "is_public": False,
            "published_at": None,
            "level_names": ["Axe", "Fiche action", "Action clé"],
            "tracked_levels": ["Action clé"],
            "signatories": [
                {
                    "organisation": "Caf des Alpes-de-Haute-Provence",
                    "representative": "Jean Dupont",
                    "role": "Président du conseil d'administration",
                    "deliberation_date": "2025-12-10",
                    "signature_date": None,
                },
                {
                    "organisation": "Commune de Digne-les-Bains",
                    "representative": "Patricia Granet-Brunello",
                    "role": "Maire",
                    "deliberation_date": None,
                    "signature_date": "2026-02-01",
                },
            ],
            "amendments": [{"number": 1, "date": "2027-06-30", "subject": "Ajout d'une action."}],
            "custom_thematics": [{"code": "coordination", "label": "Coordination"}],
            "indicators": [
                {
                    "name": "Taux de couverture global petite enfance",
                    "unit": "places pour 100 enfants",
                    "baseline_value": "58.00",
                    "baseline_year": 2024,
                    "source": "data.caf.fr",
                    "frequency": "annuelle",
                    "targets": {"2030": "62.00"},
                }
            ],
            "organisations": [
                {
                    "name": "Caf des Alpes-de-Haute-Provence",
                    "kind": "caf",
                    "commune": None,
                    "email": "ctg@caf04.example.fr",
                },
                {
                    "name": "Commune de Digne-les-Bains",
                    "kind": "commune",
                    "commune": "04070",
                    "email": "",
                },
                {"name": "RPE des Mées", "kind": "other", "commune": None, "email": ""},
            ],
        },
        "plan": [
            {
                "kind": "Axe",
                "number": "1",
                "title": "Coordination",
                "objective": "",
                "description": "",
                "expected_result": "",
                "target_public": "",
                "whole_territory": True,
                "communes": [],
                "pilots": [],
                "partners": [],
                "thematics": ["coordination"],
                "priority": "",
                "origin": "",
                "period": {
                    "start_year": None,
                    "start_quarter": None,
                    "end_year": None,
                    "end_quarter": None,
                },
                "budget_lines": [],
                "indicators": [],
                "children": [
                    {
                        "kind": "Fiche action",
                        "number": "1.1",
                        "title": "Actualiser le projet social de territoire",
                        "objective": "Aligner les priorités locales.",
                        "description": "Réunions de travail avec les communes.",
                        "expected_result": "Un projet social partagé.",
                        "target_public": "Élus et partenaires",
                        "whole_territory": False,
                        "communes": ["04070", "04116"],
                        "pilots": ["Caf des Alpes-de-Haute-Provence"],
                        "partners": ["Commune de Digne-les-Bains", "RPE des Mées"],
                        "thematics": ["coordination", "petite-enfance"],
                        "priority": "haute",
                        "origin": "a_renforcer",
                        "period": {
                            "start_year": 2026,
                            "start_quarter": 2,
                            "end_year": 2027,
                            "end_quarter": None,
                        },
                        "budget_lines": [
                            {"funder": "Caf", "amount": "1500.50", "year": 2026, "comment": ""},
                            {"funder": "EPCI", "amount": "800.00", "year": None, "comment": "ETP"},
                        ],
                        "indicators": [
                            {
                                "name": "Nombre de partenaires impliqués",
                                "unit": "partenaires",
                                "baseline_value": "4.00",
                                "baseline_year": 2025,
                                "source": "Comptes rendus",
                                "frequency": "annuelle",
                                "targets": {"2026": "6.00", "2028": "10.00"},
                            }
                        ],
                        "children": [
                            {
                                "kind": "Action clé",
                                "number": None,
                                "title": "Réunir le COPIL",
                                "objective": "",
                                "description": "",
                                "expected_result": "",
                                "target_public": "",
                                "whole_territory": True,
                                "communes": [],
                                "pilots": [],
                                "partners": [],
                                "thematics": [],
                                "priority": "",
                                "origin": "nouveau",
                                "period": {
                                    "start_year": 2030,
                                    "start_quarter": 4,
                                    "end_year": 2030,
                                    "end_quarter": 4,
                                },
                                "budget_lines": [],
                                "indicators": [],
                                "children": [],
                            }
                        ],
                    }
                ],
            },
            {
                "kind": "Axe",
                "number": "2",
                "title": "Accès aux droits",
                "objective": "",
                "description": "",
                "expected_result": "",
                "target_public": "",
                "whole_territory": True,
                "communes": [],
                "pilots": [],
                "partners": [],
                "thematics": ["acces-aux-droits"],
                "priority": "",
                "origin": "",
                "period": {
                    "start_year": None,
                    "start_quarter": None,
                    "end_year": None,
                    "end_quarter": None,
                },
                "budget_lines": [],
                "indicators": [],
                "children": [],
            },
        ],
        "facilities": [
            {
                "manager": "CA PROVENCE-ALPES-AGGLOMERATION",
                "name": "RPE Les Frimousses",
                "kind": "rpe",
                "subkind": "",
                "commune": "04070",
                "capacity": "1.70",
                "capacity_unit": "etp",
                "age_min": None,
                "age_max": 3,
                "funding": "ps",
                "status": "existant",
                "opening_year": 2012,
                "notes": "",
                "actions": ["1.1"],
                "bonuses": {"2026": "4200.00"},
            }
        ],
        "figures": [
            {
                "area_kind": "epci",
                "area_code": "200067437",
                "area_name": "CA Provence-Alpes-Agglomération",
                "kind": "enfants_0_2",
                "label": "",
                "year": 2025,
                "value": "1151",
                "source": "INSEE 2025",
            }
        ],
        "petite_enfance": {
            "settings": {
                "population_basis": "totale",
                "cofunded_places_2023": 250,
                "planned_places_2027": 262,
                "bonus_places": 189,
            },
            "transfers": [{"commune": "04070", "competences": ["recenser", "informer"]}],
            "schemas": [],
        },
        "memberships": [],
        "monitoring": {"updates": [], "measurements": [], "reminders": []},
    }


def test_export_after_import_gives_back_the_same_document():
    document = make_document()
    convention = import_convention(copy.deepcopy(document))
    exported = export_convention(convention)
    # A document without history gets the import's own: the creation of the CTG, its territory.
    assert next(row["type"] for row in exported.pop("history")["conventions.Convention"]) == "+"
    assert exported == document
    assert convention.plan_nodes.count() == 4


def test_export_import_into_empty_database_and_export_again_is_identical(tmp_path):
    import_convention(make_document())
    first = tmp_path / "first.json"
    call_command("export_ctg", "ctg-test-paa", "--format", "json", "-o", str(first))
    Convention.objects.all().delete()
    Organisation.objects.all().delete()
    call_command("import_ctg", str(first))
    second = tmp_path / "second.json"
    call_command("export_ctg", "ctg-test-paa", "-o", str(second))
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_existing_organisations_are_reused_case_insensitively():
    Organisation.objects.create(name="rpe des mées")
    import_convention(make_document())
    assert Organisation.objects.filter(name__iexact="RPE des Mées").count() == 1


def test_export_can_leave_internal_notes_out():
    convention = import_convention(make_document())
    assert (
        export_convention(convention, include_internal=False)["convention"]["internal_notes"] == ""
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"   \n", "Le fichier est vide."),
        (b'{"format": ', "n'est pas un JSON valide (ligne 1"),
        ('{"name": "Créche"}'.encode("cp1252"), "n'est pas encodé en UTF-8"),
        (b"[1, 2]", "doit contenir un objet"),
    ],
)
def test_unreadable_files_get_a_french_message(raw, message):
    with pytest.raises(ExchangeError, match=re.escape(message)):
        loads(raw)


def test_utf8_bom_is_accepted():
    document = make_document()
    raw = "\ufeff".encode() + dumps(document).encode()
    assert loads(raw)["convention"]["name"] == "CTG de test Provence-Alpes"


def _broken(path: str, value):
    document = make_document()
    target = document
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    target[int(last) if last.isdigit() else last] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("format", "autre", "n'est pas un export Pilote CTG"),
        ("version", 99, "version de format non prise en charge"),
        ("convention.name", "", "« name » est obligatoire"),
        ("convention.end_date", "2025-01-01", "date de fin doit être postérieure"),
        ("convention.start_date", "2026-13-01", "n'est pas une date valide"),
        ("convention.departement", "00", "département inconnu"),
        ("convention.epci", "123456789", "EPCI inconnu"),
        ("convention.communes", ["04070", "99999"], "communes inconnues dans le COG : 99999"),
        ("convention.status", "finie", "statut inconnu"),
        ("facilities.0.commune", "13103", "commune"),
        ("facilities.0.actions", ["9.9"], "9.9"),
        ("figures.0.value", "beaucoup", "beaucoup"),
        ("petite_enfance.transfers.0.competences", ["tout"], "tout"),
        ("convention.next_copil_date", "18/06/2026", "n'est pas une date valide"),
        ("convention.level_names", [], "doit nommer au moins un niveau"),
        ("plan.0.kind", "Chapitre", "niveau « Chapitre » absent"),
        ("plan.0.children.0.period.start_year", 2031, "l'année 2031 est hors de la période"),
        ("plan.0.children.0.communes", ["04070", "13103"], "communes hors du territoire"),
        ("plan.0.children.0.thematics", ["astrologie"], "thématiques inconnues : astrologie"),
        ("plan.0.children.0.priority", "urgente", "priorité inconnue"),
        ("plan.0.children.0.budget_lines.0.amount", "beaucoup", "doit être un nombre"),
        ("plan.0.children.0.period.start_quarter", 5, "doit être compris entre 1 et 4"),
        ("plan.0.children", "aucun", "« children » doit être une liste"),
        ("plan.1.title", "  ", "« title » est obligatoire"),
    ],
)
def test_invalid_document_is_refused_and_nothing_is_written(path, value, message):
    organisations_before = Organisation.objects.count()
    with pytest.raises(ExchangeError, match=re.escape(message)) as excinfo:
        import_convention(_broken(path, value))
    assert str(excinfo.value).startswith("Import impossible, rien n'a été enregistré")
    assert not Convention.objects.filter(slug="ctg-test-paa").exists()
    assert PlanNode.objects.count() == 0
    assert Organisation.objects.count() == organisations_before


def test_importing_the_same_slug_twice_is_refused():
    import_convention(make_document())
    with pytest.raises(ExchangeError, match="existe déjà"):
        import_convention(make_document())
    assert Convention.objects.filter(slug="ctg-test-paa").count() == 1


def test_import_as_a_copy_under_another_slug():
    import_convention(make_document())
    copy_ = import_convention(make_document(), slug="ctg-test-paa-copie")
    assert copy_.plan_nodes.count() == 4


def test_import_command_reports_errors_in_french(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_broken("convention.communes", ["99999"])), encoding="utf-8")
    with pytest.raises(CommandError, match="communes inconnues"):
        call_command("import_ctg", str(path))
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_ctg", str(tmp_path / "absent.json"))


def test_export_command_refuses_an_unknown_slug():
    with pytest.raises(CommandError, match="Aucune CTG"):
        call_command("export_ctg", "inconnue")


def test_a_slug_reserved_by_the_application_is_refused():
    with pytest.raises(ExchangeError, match="réservé"):
        import_convention(make_document(), slug="importer")


def test_an_existing_organisation_with_an_accented_capital_is_reused():
    # SQLite's lower() only folds ASCII: the lookup must still find "État"-like names.
    Organisation.objects.create(name="Établissements scolaires")
    document = make_document()
    document["plan"][0]["children"][0]["partners"].append("Établissements scolaires")
    import_convention(document)
    assert Organisation.objects.filter(name="Établissements scolaires").count() == 1
