"""The open-data export: one CSV row per plan element, for one CTG or all those a user can see.

The schema is stable and documented in docs/open-data.md (same columns, same order); the exports
page shows it too, from FIELDS. It holds no personal data: no user names or e-mails (authors of
updates, organisations' addresses), no internal notes nor internal elements or updates
(pilote.plans.visibility: whoever downloads it, as it is meant to be published), and none of
the free texts of the updates or of the fiches, which may name people. Pilots and partners are
left out as well: they are organisations typed freely, sometimes a person's name.

Read in five queries whatever the number of CTGs and elements: the CTGs, their elements, the
elements' thematics and communes, and the latest update of each element.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pilote.core.table_writers import write_csv
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.queries import LATEST_ORDER
from pilote.plans.labels import PATH_SEPARATOR, level_label
from pilote.plans.models import PlanNode

LIST_SEPARATOR = "|"
STATUS_LABELS = dict(UpdateStatus.choices)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # as docs/open-data.md names them: texte, entier, date, booléen, liste
    description: str


FIELDS = [
    Field("ctg_slug", "texte", "Identifiant de la CTG dans Pilote CTG (stable)."),
    Field("ctg_nom", "texte", "Nom de la CTG."),
    Field("caf_departement", "texte", "Code du département de la Caf signataire (« 04 », « 2A »)."),
    Field("epci_siren", "texte", "SIREN de l’EPCI signataire (9 chiffres), vide sans EPCI."),
    Field("ctg_date_debut", "date", "Début de la CTG (AAAA-MM-JJ)."),
    Field("ctg_date_fin", "date", "Fin de la CTG (AAAA-MM-JJ)."),
    Field("element_id", "entier", "Identifiant de l’élément du plan (stable)."),
    Field("element_parent_id", "entier", "Identifiant de l’élément parent, vide au 1er niveau."),
    Field("ordre", "entier", "Rang de l’élément dans le plan lu de haut en bas (1, 2, 3…)."),
    Field("niveau", "texte", "Nom du niveau, propre à la CTG (« Axe », « Fiche action »…)."),
    Field("profondeur", "entier", "Profondeur dans l’arbre : 1 pour le premier niveau."),
    Field("suivi_trimestriel", "booléen", "true si le niveau est suivi chaque trimestre."),
    Field(
        "numero", "texte", "Numéro de l’élément tel que le plan l’écrit (« 2.3 »), peut être vide."
    ),
    Field("chemin", "texte", "Place de l’élément : « Axe 1 › Fiche action 2 › Action clé 2.1 »."),
    Field("intitule", "texte", "Intitulé de l’élément."),
    Field("thematiques", "liste", "Libellés des thématiques, séparés par « | »."),
    Field("thematiques_codes", "liste", "Codes des thématiques (« petite-enfance »…), « | »."),
    Field("tout_le_territoire", "booléen", "true si l’élément concerne tout le territoire."),
    Field("communes_insee", "liste", "Codes INSEE des communes concernées, séparés par « | »."),
    Field("debut_prevu_annee", "entier", "Année de début prévue."),
    Field("debut_prevu_trimestre", "entier", "Trimestre de début prévu (1 à 4)."),
    Field("fin_prevue_annee", "entier", "Année de fin prévue."),
    Field("fin_prevue_trimestre", "entier", "Trimestre de fin prévu (1 à 4)."),
    Field("dernier_point_annee", "entier", "Année du dernier point de suivi."),
    Field("dernier_point_trimestre", "entier", "Trimestre du dernier point de suivi (1 à 4)."),
    Field("dernier_statut", "texte", "Code du dernier statut : " + ", ".join(UpdateStatus.values)),
    Field("dernier_statut_libelle", "texte", "Libellé du dernier statut (« En cours »…)."),
    Field("dernier_avancement", "entier", "Avancement déclaré au dernier point (0 à 100, en %)."),
]
HEADER = [field.name for field in FIELDS]

NODE_FIELDS = (
    "pk",
    "convention_id",
    "parent_id",
    "number",
    "title",
    "level__name",
    "level__tracked",
    "whole_territory",
    "start_year",
    "start_quarter",
    "end_year",
    "end_quarter",
)


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _text(value) -> str:
    return "" if value is None else str(value)


def _grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for node_id, *values in rows:
        grouped[node_id].append(tuple(values))
    return grouped


def _latest(convention_ids: list[int]) -> dict[int, tuple]:
    """Return each element's latest update in these CTGs: (year, quarter, status, progress)."""
    latest = (
        ActionUpdate.objects.filter(node=OuterRef("pk"), is_internal=False)
        .order_by(*LATEST_ORDER)
        .values("pk")[:1]
    )
    nodes = (
        PlanNode.objects.filter(convention_id__in=convention_ids)
        .public()
        .annotate(latest=Subquery(latest))
    )
    return {
        node_id: values
        for node_id, *values in ActionUpdate.objects.filter(pk__in=nodes.values("latest"))
        .order_by()
        .values_list("node_id", "year", "quarter", "status", "progress")
    }


def opendata_rows(conventions) -> list[list[str]]:
    """Return the open-data rows of these CTGs (queryset or list): by slug, plans in order."""
    conventions = sorted(
        conventions.select_related("departement", "epci")
        if hasattr(conventions, "select_related")
        else conventions,
        key=lambda convention: convention.slug,
    )
    ids = [convention.pk for convention in conventions]
    nodes = list(
        PlanNode.objects.filter(convention_id__in=ids)
        .public()
        .order_by("convention_id", "parent_id", "position", "pk")
        .values_list(*NODE_FIELDS)
    )
    thematics = _grouped(
        PlanNode.thematics.through.objects.filter(plannode__convention_id__in=ids)
        .order_by("plannode_id", "thematic__label")
        .values_list("plannode_id", "thematic__label", "thematic__code")
    )
    communes = _grouped(
        PlanNode.communes.through.objects.filter(plannode__convention_id__in=ids)
        .order_by("plannode_id", "commune_id")
        .values_list("plannode_id", "commune_id")
    )
    latest = _latest(ids)

    children: dict[tuple[int, int | None], list[tuple]] = defaultdict(list)
    for node in nodes:
        children[(node[1], node[2])].append(node)
    rows: list[list[str]] = []
    for convention in conventions:
        ctg = [
            convention.slug,
            convention.name,
            convention.departement_id,
            convention.epci_id or "",
            convention.start_date.isoformat(),
            convention.end_date.isoformat(),
        ]
        # Depth first, in plan order: (node, depth, parent's path).
        stack = [(node, 1, "") for node in reversed(children[(convention.pk, None)])]
        order = 0
        while stack:
            node, depth, parent_path = stack.pop()
            order += 1
            pk, _, parent_id, number, title, level, tracked, whole, *period = node
            label = level_label(level, number, title)
            path = f"{parent_path}{PATH_SEPARATOR}{label}" if parent_path else label
            node_thematics = thematics.get(pk, ())
            update = latest.get(pk)
            year, quarter, status, progress = update or (None, None, "", None)
            rows.append(
                [
                    *ctg,
                    str(pk),
                    _text(parent_id),
                    str(order),
                    level,
                    str(depth),
                    _boolean(tracked),
                    number,
                    path,
                    title,
                    LIST_SEPARATOR.join(label for label, _ in node_thematics),
                    LIST_SEPARATOR.join(code for _, code in node_thematics),
                    _boolean(whole),
                    LIST_SEPARATOR.join(code for (code,) in communes.get(pk, ())),
                    *(_text(value) for value in period),
                    _text(year),
                    _text(quarter),
                    status,
                    STATUS_LABELS.get(status, status),
                    _text(progress),
                ]
            )
            stack.extend(
                (child, depth + 1, path) for child in reversed(children[(convention.pk, pk)])
            )
    return rows


def opendata_csv(conventions) -> bytes:
    """Return the open-data CSV of these CTGs (UTF-8 with BOM, `;`, header row of FIELDS)."""
    return write_csv(HEADER, opendata_rows(conventions))


def filename(slug: str | None = None) -> str:
    """Return the download name: "<slug>-donnees-ouvertes-2026-11-23.csv" or "ctg-…" for all."""
    return f"{slug or 'ctg'}-donnees-ouvertes-{timezone.localdate().isoformat()}.csv"
