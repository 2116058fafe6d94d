"""Rebuild the list numbers Word draws in front of paragraphs ("1.", "1.2.", "A)", "IV.").

Word does not store these numbers in the text: each numbered paragraph names a list (numId) and
a level (ilvl); the numbering part gives each level its format, text pattern and start, and the
numbers come from counting the paragraphs in reading order. python-docx does not compute them.
"""

from __future__ import annotations

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Numbering:
    """Rebuild the numbers Word draws in front of numbered paragraphs ("1.", "1.2.", "A)")."""

    def __init__(self, word, styles) -> None:
        self.style_info = styles
        self.abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        try:
            root = word.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        if root is not None:
            for abstract in root.iterchildren(f"{W}abstractNum"):
                levels = {}
                for level in abstract.iterchildren(f"{W}lvl"):
                    ilvl = _int(level.get(f"{W}ilvl"), 0)
                    fmt = val(level.find(f"{W}numFmt")) or "decimal"
                    text = val(level.find(f"{W}lvlText"))
                    start = _int(val(level.find(f"{W}start")), 1)
                    levels[ilvl] = (fmt, text if text is not None else f"%{ilvl + 1}.", start)
                self.abstract[abstract.get(f"{W}abstractNumId")] = levels
            for num in root.iterchildren(f"{W}num"):
                overrides = {}
                for override in num.iterchildren(f"{W}lvlOverride"):
                    start = override.find(f"{W}startOverride")
                    if start is not None:
                        overrides[_int(override.get(f"{W}ilvl"), 0)] = _int(val(start), 1)
                self.nums[num.get(f"{W}numId")] = (val(num.find(f"{W}abstractNumId")), overrides)
        for style in word.styles.element.iterchildren(f"{W}style"):
            properties = style.find(f"{W}pPr")
            num_pr = properties.find(f"{W}numPr") if properties is not None else None
            if num_pr is not None:
                num_id = val(num_pr.find(f"{W}numId"))
                ilvl = _int(val(num_pr.find(f"{W}ilvl")), 0)
                if num_id:
                    self.style_numbering[style.get(f"{W}styleId") or ""] = (num_id, ilvl)

    def label(self, element, style_id: str) -> tuple[str, bool]:
        """Return (number text, is a bullet) for this paragraph, advancing the counters."""
        num_id, ilvl = None, 0
        properties = element.find(f"{W}pPr")
        num_pr = properties.find(f"{W}numPr") if properties is not None else None
        if num_pr is not None:
            num_id = val(num_pr.find(f"{W}numId"))
            ilvl = _int(val(num_pr.find(f"{W}ilvl")), 0)
        else:
            for current in self.style_info.chain(style_id):
                if current in self.style_numbering:
                    num_id, ilvl = self.style_numbering[current]
                    break
        if not num_id or num_id == "0" or num_id not in self.nums:
            return "", False
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return "", False
        fmt, text, _start = levels[ilvl]
        if fmt == "bullet":
            return "", True
        if fmt == "none":
            return "", False
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            level = len(counters)
            start = overrides.get(level, levels.get(level, ("", "", 1))[2])
            counters.append(start - 1)
        counters[ilvl] += 1
        del counters[ilvl + 1 :]
        label = text
        for index in range(ilvl + 1):
            level_fmt = levels.get(index, ("decimal", "", 1))[0]
            label = label.replace(f"%{index + 1}", format_number(counters[index], level_fmt))
        return label.strip(), False


def val(element) -> str | None:
    return None if element is None else element.get(f"{W}val")


def _int(value, default: int) -> int:
    return int(value) if value is not None and str(value).lstrip("-").isdecimal() else default


def format_number(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        roman = to_roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * (1 + (value - 1) // 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def to_roman(value: int) -> str:
    """Return the roman numeral of a positive integer (I, IV, XII…)."""
    numerals = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    result = []
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        result.append(numeral * count)
    return "".join(result) or "0"


# --------------------------------------------------------------------------- PDF
