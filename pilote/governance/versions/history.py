"""The versions of a CTG's plan: the plan as rows, the changes between two versions, the history.

A version (PlanVersion) stores the plan as rows, one per element in outline order. Rows are
aligned across versions on their key, the element's primary key: an element keeps it when it is
retitled, renumbered or moved, so the changes between two versions are found by comparing the
rows of each key. A plan re-imported from a document gets new keys: every element then shows as
removed and added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Prefetch

from pilote.accounts.models import Organisation
from pilote.conventions.models import Amendment
from pilote.plans.labels import PATH_SEPARATOR, level_label
from pilote.plans.models import PlanNode
from pilote.plans.tree import build_tree, walk

from ..models import PlanVersion

# The fields compared between two versions, in the order the changes name them.
COMPARED_FIELDS = ("level", "number", "title", "period", "pilots")
FIELD_LABELS = {
    "level": "niveau",
    "number": "numéro",
    "title": "intitulé",
    "period": "période",
    "pilots": "pilotes",
}
SIGNED = "signe"
CURRENT = "actuel"
AMENDMENT_PREFIX = "avenant-"


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One element of the plan as a version stores it."""

    key: int
    parent_key: int | None
    depth: int
    level: str
    number: str
    title: str
    period: str
    pilots: tuple[str, ...]
    tracked: bool

    @property
    def label(self) -> str:
        """Return the short name of the element: "Fiche action 3", "Axe « Jeunesse »"."""
        return level_label(self.level, self.number, self.title)

    @property
    def pilots_text(self) -> str:
        return ", ".join(self.pilots)

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "parent_key": self.parent_key,
            "depth": self.depth,
            "level": self.level,
            "number": self.number,
            "title": self.title,
            "period": self.period,
            "pilots": list(self.pilots),
            "tracked": self.tracked,
        }

    @classmethod
    def from_json(cls, data: dict) -> VersionRow:
        return cls(
            key=data["key"],
            parent_key=data.get("parent_key"),
            depth=data.get("depth", 0),
            level=data.get("level", ""),
            number=data.get("number", ""),
            title=data.get("title", ""),
            period=data.get("period", ""),
            pilots=tuple(data.get("pilots", ())),
            tracked=bool(data.get("tracked", False)),
        )


def plan_rows(convention) -> list[VersionRow]:
    """Return the CTG's current plan as version rows, in outline order (two queries).

    Never an internal element (pilote.plans.visibility): a version of the plan is shared with
    the signatories, as a bilan.
    """
    nodes = (
        PlanNode.objects.filter(convention=convention)
        .public()
        .select_related("level")
        .only(
            "pk",
            "parent_id",
            "position",
            "number",
            "title",
            "start_year",
            "start_quarter",
            "end_year",
            "end_quarter",
            "level__name",
            "level__tracked",
        )
        .prefetch_related(Prefetch("pilots", queryset=Organisation.objects.only("pk", "name")))
    )
    return [
        VersionRow(
            key=item.node.pk,
            parent_key=item.node.parent_id,
            depth=item.depth,
            level=item.node.level.name,
            number=item.node.number,
            title=item.node.title,
            period=item.node.period_label,
            pilots=tuple(sorted((o.name for o in item.node.pilots.all()), key=str.casefold)),
            tracked=item.node.level.tracked,
        )
        for item in walk(build_tree(nodes))
    ]


def version_rows(version: PlanVersion) -> list[VersionRow]:
    """Return the rows a version stored."""
    return [VersionRow.from_json(data) for data in version.nodes]


# ---------------------------------------------------------------------------------------------
# Changes between two versions
# ---------------------------------------------------------------------------------------------


class ChangeKind(StrEnum):
    ADDED = "ajoute"
    REMOVED = "retire"
    MODIFIED = "modifie"
    MOVED = "deplace"

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self]

    @property
    def badge_class(self) -> str:
        return CHANGE_BADGES[self]

    @property
    def group_label(self) -> str:
        return f"Éléments {COUNT_WORDS[self]}s"


CHANGE_LABELS = {
    ChangeKind.ADDED: "Ajouté",
    ChangeKind.REMOVED: "Retiré",
    ChangeKind.MODIFIED: "Modifié",
    ChangeKind.MOVED: "Déplacé",
}
CHANGE_BADGES = {
    ChangeKind.ADDED: "fr-badge--success",
    ChangeKind.REMOVED: "fr-badge--error",
    ChangeKind.MODIFIED: "fr-badge--warning",
    ChangeKind.MOVED: "fr-badge--info",
}
# Plural of the counts' words: "3 éléments ajoutés, 1 retiré, 2 modifiés, 1 déplacé".
COUNT_WORDS = {
    ChangeKind.ADDED: "ajouté",
    ChangeKind.REMOVED: "retiré",
    ChangeKind.MODIFIED: "modifié",
    ChangeKind.MOVED: "déplacé",
}


@dataclass(frozen=True, slots=True)
class RowChange:
    """One element of either version, with what changed between them.

    old and new are its rows in the earlier and the later version (None when it is absent);
    depth and path place it in the merged outline the side-by-side page shows.
    """

    key: int
    old: VersionRow | None
    new: VersionRow | None
    depth: int
    path: str  # labels of its ancestors: "Axe 1 › Orientation stratégique 2"
    fields: tuple[str, ...] = ()  # changed fields among COMPARED_FIELDS
    old_parent: str = ""  # the former parent's label when moved ("" for the plan's top)
    new_parent: str = ""

    @property
    def kinds(self) -> tuple[ChangeKind, ...]:
        if self.old is None:
            return (ChangeKind.ADDED,)
        if self.new is None:
            return (ChangeKind.REMOVED,)
        kinds = []
        if self.fields:
            kinds.append(ChangeKind.MODIFIED)
        if self.moved:
            kinds.append(ChangeKind.MOVED)
        return tuple(kinds)

    @property
    def moved(self) -> bool:
        return (
            self.old is not None
            and self.new is not None
            and self.old.parent_key != self.new.parent_key
        )

    @property
    def changed(self) -> bool:
        return bool(self.kinds)

    @property
    def row(self) -> VersionRow:
        """Return the latest row of the element (the earlier one when it was removed)."""
        return self.new or self.old

    @property
    def fields_text(self) -> str:
        """Return the changed fields' names: "intitulé, pilotes"."""
        return ", ".join(FIELD_LABELS[name] for name in self.fields)

    @property
    def field_changes(self) -> list[tuple[str, str, str]]:
        """Return (field label, old text, new text) for each changed field."""
        return [
            (FIELD_LABELS[name], _field_text(self.old, name), _field_text(self.new, name))
            for name in self.fields
        ]

    @property
    def description(self) -> str:
        """Return the change in words: "Modifié : intitulé, pilotes ; déplacé"."""
        parts = []
        for kind in self.kinds:
            text = kind.label if not parts else kind.label.lower()
            if kind == ChangeKind.MODIFIED:
                text += f" : {self.fields_text}"
            elif kind == ChangeKind.MOVED:
                text += f" (de {self.old_parent or 'la racine du plan'}"
                text += f" vers {self.new_parent or 'la racine du plan'})"
            parts.append(text)
        return " ; ".join(parts) or "Inchangé"


@dataclass
class VersionDiff:
    """The elements of two versions merged in one outline, with their changes."""

    changes: list[RowChange] = field(default_factory=list)

    def of_kind(self, kind: ChangeKind) -> list[RowChange]:
        return [change for change in self.changes if kind in change.kinds]

    @property
    def changed(self) -> list[RowChange]:
        return [change for change in self.changes if change.changed]

    @property
    def counts(self) -> dict[ChangeKind, int]:
        return {kind: len(self.of_kind(kind)) for kind in ChangeKind}

    @property
    def groups(self) -> list[tuple[ChangeKind, list[RowChange]]]:
        """Return the changed elements by kind of change, for the kinds that have some."""
        groups = [(kind, self.of_kind(kind)) for kind in ChangeKind]
        return [(kind, changes) for kind, changes in groups if changes]

    @property
    def has_changes(self) -> bool:
        return any(change.changed for change in self.changes)

    @property
    def summary(self) -> str:
        """Return the counts as a sentence: "3 éléments ajoutés, 1 retiré, 2 modifiés"."""
        parts = []
        for kind, count in self.counts.items():
            if not count:
                continue
            word = COUNT_WORDS[kind] + ("s" if count > 1 else "")
            if not parts:
                word = f"élément{'s' if count > 1 else ''} {word}"
            parts.append(f"{count} {word}")
        return ", ".join(parts) if parts else "Aucun changement"


def diff_rows(old: list[VersionRow], new: list[VersionRow]) -> VersionDiff:
    """Return the changes from the old rows to the new ones, aligned on their keys."""
    old_by_key = {row.key: row for row in old}
    new_by_key = {row.key: row for row in new}
    changes = []
    for key, depth, path in _merged_outline(old, new):
        before, after = old_by_key.get(key), new_by_key.get(key)
        if before is None or after is None:
            changes.append(RowChange(key=key, old=before, new=after, depth=depth, path=path))
            continue
        fields = tuple(
            name for name in COMPARED_FIELDS if getattr(before, name) != getattr(after, name)
        )
        old_parent = new_parent = ""
        if before.parent_key != after.parent_key:
            old_parent = _label(old_by_key.get(before.parent_key))
            new_parent = _label(new_by_key.get(after.parent_key))
        changes.append(
            RowChange(
                key=key,
                old=before,
                new=after,
                depth=depth,
                path=path,
                fields=fields,
                old_parent=old_parent,
                new_parent=new_parent,
            )
        )
    return VersionDiff(changes=changes)


EMPTY_TEXTS = {"number": "sans numéro", "period": "non renseignée", "pilots": "aucun"}


def _field_text(row: VersionRow, name: str) -> str:
    value = row.pilots_text if name == "pilots" else getattr(row, name)
    return value or EMPTY_TEXTS.get(name, "")


def _label(row: VersionRow | None) -> str:
    return row.label if row is not None else ""


def _merged_outline(old: list[VersionRow], new: list[VersionRow]):
    """Yield (key, depth, path) for every element of either version, in one outline.

    The outline is the new version's, with each removed element under its former parent, just
    after the former sibling that preceded it (first when none is left).
    """
    in_new = {row.key: row for row in new}
    labels = {row.key: row.label for row in old}
    labels.update({row.key: row.label for row in new})
    children: dict[int | None, list[int]] = defaultdict(list)
    for row in new:
        children[row.parent_key].append(row.key)
    old_siblings: dict[int | None, list[int]] = defaultdict(list)
    for row in old:
        old_siblings[row.parent_key].append(row.key)
    for parent_key, keys in old_siblings.items():
        merged = children[parent_key]
        for index, key in enumerate(keys):
            if key in in_new:
                continue
            position = 0
            placed = set(merged)
            for previous in reversed(keys[:index]):
                if previous in placed:
                    position = merged.index(previous) + 1
                    break
            merged.insert(position, key)

    stack = [(key, 0, ()) for key in reversed(children.get(None, []))]
    while stack:
        key, depth, ancestors = stack.pop()
        yield key, depth, PATH_SEPARATOR.join(ancestors)
        below = (*ancestors, labels[key])
        stack.extend((child, depth + 1, below) for child in reversed(children.get(key, [])))


# ---------------------------------------------------------------------------------------------
# The history of the plan: as signed, after each avenant, today
# ---------------------------------------------------------------------------------------------


@dataclass
class PlanStep:
    """A step of the plan's life: the signed plan, the plan after an avenant, or today's plan.

    rows is None for an avenant without a recorded version. diff compares the step with the
    previous step that has rows (None for the first).
    """

    choice: str  # "signe", "avenant-2", "actuel": the value of the side-by-side page's choices
    label: str
    amendment: Amendment | None = None
    version: PlanVersion | None = None
    rows: list[VersionRow] | None = None
    previous: PlanStep | None = None
    diff: VersionDiff | None = None
    # Filled for avenants by plan_history: may it be recorded now, or recorded again?
    can_record: bool = False
    can_replace: bool = False

    @property
    def since_label(self) -> str:
        """Return the step as "since …" says it: "le plan tel que signé", "l'avenant n° 2"."""
        if self.amendment is not None:
            return f"l'avenant n° {self.amendment.number}"
        return "le plan actuel" if self.is_current else "le plan tel que signé"

    @property
    def is_current(self) -> bool:
        return self.choice == CURRENT

    @property
    def is_signed(self) -> bool:
        return self.choice == SIGNED

    @property
    def element_count(self) -> int:
        return len(self.rows or ())


@dataclass
class PlanHistory:
    signed: PlanStep  # rows None until the signed plan is frozen
    amendments: list[PlanStep]
    current: PlanStep

    @property
    def steps(self) -> list[PlanStep]:
        """Return every step that has rows, in order: the choices of the side-by-side page."""
        return [step for step in (self.signed, *self.amendments, self.current) if step.rows]

    @property
    def latest_version(self) -> PlanStep | None:
        """Return the last recorded version (the signed plan or an avenant's), or None."""
        recorded = [s for s in (self.signed, *self.amendments) if s.rows is not None]
        return recorded[-1] if recorded else None

    def step(self, choice: str) -> PlanStep | None:
        return next((step for step in self.steps if step.choice == choice), None)


def amendment_label(amendment: Amendment) -> str:
    return f"Après l'avenant n° {amendment.number}"


def plan_history(convention) -> PlanHistory:
    """Return the signed plan, the plan after each avenant and today's, each with its changes.

    Four queries whatever the plan's size: the versions, the avenants, the current plan (2).
    """
    versions = list(
        PlanVersion.objects.filter(convention=convention, amendment__isnull=True).select_related(
            "taken_by"
        )
    )
    signed_version = versions[0] if versions else None
    signed = PlanStep(
        choice=SIGNED,
        label="Plan tel que signé",
        version=signed_version,
        rows=version_rows(signed_version) if signed_version else None,
    )
    amendments = []
    for amendment in Amendment.objects.filter(convention=convention).select_related(
        "plan_version__taken_by"
    ):
        version = getattr(amendment, "plan_version", None)
        amendments.append(
            PlanStep(
                choice=f"{AMENDMENT_PREFIX}{amendment.number}",
                label=amendment_label(amendment),
                amendment=amendment,
                version=version,
                rows=version_rows(version) if version else None,
            )
        )
    current = PlanStep(choice=CURRENT, label="Plan actuel", rows=plan_rows(convention))

    previous = signed if signed.rows is not None else None
    for step in (*amendments, current):
        if step.rows is None:
            continue
        if previous is not None:
            step.previous = previous
            step.diff = diff_rows(previous.rows, step.rows)
        if not step.is_current:
            previous = step

    # Versions follow the avenants' order: an avenant's plan is recorded after the signed one
    # and after those of the avenants before it; only the latest one may be recorded again.
    latest_number = max(
        (s.amendment.number for s in amendments if s.version is not None), default=0
    )
    for step in amendments:
        if step.version is None:
            step.can_record = step.amendment.number > latest_number
        else:
            step.can_replace = step.amendment.number == latest_number
    return PlanHistory(signed=signed, amendments=amendments, current=current)
