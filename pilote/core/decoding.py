"""Bytes of an uploaded text file → text: the one decoder of every import (CSV, TXT, Markdown).

Office software in France writes UTF-8 (with or without a byte-order mark), UTF-16 (Excel's
"Texte Unicode") or Windows-1252 (older "CSV (séparateur : point-virgule)"): each is recognised,
in that order. Anything else is refused with a French message saying what to do.
"""

from __future__ import annotations

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 (avec BOM)"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


class UndecodableText(ValueError):
    """The bytes are not text in a known encoding; `message` is in French, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode_text(data: bytes) -> tuple[str, str]:
    """Return the text of `data` and the name of its encoding ("UTF-8", "Windows-1252"…).

    Raise UndecodableText for binary content (NUL bytes without a UTF-16 mark) or bytes that are
    valid in none of the accepted encodings.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec if codec != "utf-16" else _utf16(bom)), label
            except UnicodeDecodeError:
                raise UndecodableText(
                    f"Le fichier annonce l'encodage {label} mais contient des caractères "
                    "invalides : enregistrez-le de nouveau en UTF-8, puis recommencez."
                ) from None
    if b"\x00" in data[:4096]:
        raise UndecodableText(
            "Ce fichier n'est pas un texte lisible (contenu binaire) : "
            "envoyez un fichier texte, CSV, XLSX ou ODS."
        )
    for codec, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise UndecodableText(
        "L'encodage du fichier n'est pas reconnu : enregistrez-le en UTF-8 ou Windows-1252, "
        "puis recommencez."
    )


def _utf16(bom: bytes) -> str:
    return "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
