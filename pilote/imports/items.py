"""A proposed element of the plan, and how what the document says about it fills its fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .fields import Period, origin_value, parse_period, priority_value, split_organisations
from .vocabulary import looks_thematic, normalize_title, thematic_codes, titles_match

MAX_TITLE = 600


@dataclass
class Item:
    """A proposed element of the plan."""

    kind: str | None
    number: str
    title: str
    source: str  # "root", "label", "list", "heading", "bullet", "table", "group"
    line: int = 0
    page: int = 0
    heading: int = 0
    signature: tuple = ()
    explicit: bool = False  # the kind was written in the document
    objective: str = ""
    description: list[str] = field(default_factory=list)
    expected_result: str = ""
    target_public: str = ""
    pilots: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    thematics: list[str] = field(default_factory=list)
    priority: str = ""
    origin: str = ""
    period: Period = field(default_factory=Period)
    children: list[Item] = field(default_factory=list)
    parent: Item | None = None
    last_line_length: int = 0
    table: int = 0  # the table the element was read from (0: not a table)
    referenced: bool = False  # a fiche whose header named its axe already
    by_title: dict[str, Item] = field(default_factory=dict, repr=False)  # unnumbered children

    def add(self, child: Item) -> None:
        """Append a child element."""
        child.parent = self
        self.children.append(child)
        if not child.number:
            self.by_title.setdefault(normalize_title(child.title), child)

    def walk(self):
        """Yield every element under this one, depth first, in document order."""
        for child in self.children:
            yield child
            yield from child.walk()

    @property
    def depth(self) -> int:
        depth, node = 0, self.parent
        while node is not None and node.source != "root":
            depth, node = depth + 1, node.parent
        return depth


@dataclass
class FieldText:
    """The text of a labelled field ("Résultat attendu :") being read for an element."""

    item: Item
    name: str
    parts: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    lines: int = 0

    def add(self, text: str, *, bullet: bool = False) -> None:
        self.lines += 1
        if bullet:
            self.bullets.append(text)
        elif self.bullets and (text[:1].islower() or not ends_sentence(self.bullets[-1])):
            self.bullets[-1] = f"{self.bullets[-1]} {text}"
        elif self.parts and (text[:1].islower() or not ends_sentence(self.parts[-1])):
            self.parts[-1] = f"{self.parts[-1]} {text}"
        else:
            self.parts.append(text)


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", ":", ";"))


def clean_text(text: str) -> str:
    """Return a title or a value without OCR and typography noise."""
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"(?<![A-Za-z0-9])[1I](?='[a-zàâäéèêëîïôöûüœh])", "l", text)
    text = text.replace("ceuvre", "œuvre").replace("¢", "")
    text = re.sub(r"\*\*|__", "", text)
    text = " ".join(text.split())
    text = re.sub(r" ([,.)])", r"\1", text)
    text = re.sub(r"(?<=\b[a-zA-Z]') (?=\w)", "", text)  # "l' insertion" (bold split)
    text = re.sub(r"\( ", "(", text)
    return text.strip(" ;")


def merge(existing: Item, new: Item) -> None:
    """Complete an element with what a second mention of it says."""
    if not existing.number and new.number:
        existing.number = new.number
    longer = len(new.title) > len(existing.title) and titles_match(existing.title, new.title)
    if longer or not existing.title:
        existing.title = new.title
    more_precise = not existing.kind or len(new.kind or "") > len(existing.kind)
    if new.kind and more_precise and (new.explicit or not existing.explicit):
        existing.kind, existing.explicit = new.kind, new.explicit
    for name in ("objective", "expected_result", "target_public", "priority", "origin"):
        if not getattr(existing, name) and getattr(new, name):
            setattr(existing, name, getattr(new, name))
    for name in ("description", "pilots", "partners", "indicators", "thematics"):
        values = getattr(existing, name)
        for value in getattr(new, name):
            if value not in values:
                values.append(value)
    if existing.period.empty and not new.period.empty:
        existing.period = new.period


def apply_values(item: Item, values: dict[str, list[str]]) -> None:
    """Fill the element's fields from table cells (field name → texts)."""
    for name, texts in values.items():
        text = clean_text(" ".join(texts))
        if not text:
            continue
        if name in ("pilots", "partners"):
            target = getattr(item, name)
            # A cell is a short list: "CCAS, Caf" names two organisations.
            pieces = split_organisations(" + ".join(texts), commas=True)
            for organisation in pieces:
                if organisation not in target:
                    target.append(organisation)
        elif name == "indicators":
            item.indicators.extend(clean_text(t) for t in texts if clean_text(t))
        elif name in ("objective", "expected_result", "target_public"):
            setattr(item, name, text)
        elif name == "priority":
            item.priority = item.priority or priority_value(text)
        elif name == "origin":
            item.origin = item.origin or origin_value(text)
        elif name == "period":
            if item.period.empty:
                item.period = parse_period(text)
        elif name == "context":
            item.description.extend(clean_text(t) for t in texts)
        else:
            for value in texts:
                value = clean_text(value)
                if looks_thematic(value.split(" : ")[-1]) and " : " not in value:
                    codes = thematic_codes(value)
                    item.thematics.extend(c for c in codes if c not in item.thematics)
                    value = f"Thématique : {value}"
                if value and value not in item.description:
                    item.description.append(value)


_FIELD_TITLES = {
    "territory": "Territoire concerné",
    "budget": "Budget",
    "description": "",
    "period": "Calendrier",
    "thematics": "Thématiques",
}


def apply_field(current: FieldText) -> None:
    item, name = current.item, current.name
    parts = [clean_text(part) for part in current.parts if clean_text(part)]
    bullets = [clean_text(bullet) for bullet in current.bullets if clean_text(bullet)]
    text = "\n".join(parts + [f"- {bullet}" for bullet in bullets])
    if not text:
        return
    if name == "title":
        if not item.title.strip() or item.title == f"{item.kind} {item.number}".strip():
            item.title = " ".join(parts + bullets)[:MAX_TITLE]
        elif text not in item.description:
            item.description.append(f"Intitulé : {text}")
    elif name in ("objective", "expected_result", "target_public"):
        previous = getattr(item, name)
        setattr(item, name, f"{previous}\n{text}".strip())
    elif name in ("pilots", "partners"):
        target = getattr(item, name)
        # Pilots, and partners written on one line, are listed with commas; a partner bullet
        # may hold commas inside one name ("Structures petite enfance, enfance, jeunesse").
        entries = [(entry, True) for entry in parts] + [
            (entry, name == "pilots") for entry in bullets
        ]
        for entry, commas in entries:
            for organisation in split_organisations(entry, commas=commas):
                if organisation not in target:
                    target.append(organisation)
    elif name == "indicators":
        item.indicators.extend(bullets or parts)
    elif name == "priority":
        item.priority = priority_value(text)
    elif name == "origin":
        item.origin = origin_value(text)
    elif name == "thematics":
        codes = thematic_codes(text)
        item.thematics.extend(code for code in codes if code not in item.thematics)
        item.description.append(f"Thématiques : {text}")
    else:
        if name == "period":
            period = parse_period(text)
            if not period.empty and item.period.empty:
                item.period = period
        title = _FIELD_TITLES.get(name, "")
        item.description.append(f"{title} : {text}" if title else text)


@dataclass
class UnplacedLine:
    """A line that looked like a plan element but was not placed in the proposed tree.

    The review screen lists them ("non repris") so that one click adds one back.
    """

    text: str  # the line as the document writes it (number included)
    line_no: int  # Block.line: the line (text, PDF page line) or paragraph (DOCX)
    page: int = 0  # PDF page, 1-based; 0 elsewhere
    number: str = ""  # the number read in front of it ("2.3", "IV", "12"), or ""
    level: str = ""  # the level name it would take ("Fiche action"), or ""
    suggested_parent_key: str = ""  # "<level> <number>" or title of the element above it
    suggested_parent_path: tuple[int, ...] = ()  # its position: plan[i].children[j]…; () = root
    reason: str = ""  # French: why it was left out ("hors des parties du plan", …)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "line": self.line_no,
            "page": self.page or None,
            "number": self.number or None,
            "level": self.level or None,
            "parent_key": self.suggested_parent_key or None,
            "parent_path": list(self.suggested_parent_path),
            "reason": self.reason,
        }
