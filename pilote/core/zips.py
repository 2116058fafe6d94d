"""Open an uploaded zip (DOCX, XLSX, ODS…) only if it cannot expand beyond the import limits.

Office files are zip archives: 250 KB of repeated empty paragraphs expand to hundreds of
megabytes, and the readers (python-docx, python-calamine) would hold it all in memory. Before any
reader sees the file, its directory is checked (number of members, declared sizes, their total:
settings.IMPORT_MAX_ZIP_ENTRIES, IMPORT_MAX_UNCOMPRESSED_BYTES), then every member is
decompressed through a bounded stream: it may not yield more than it declares (python-calamine
trusts the data, not the directory), and its checksum must match. Reading costs at most the
declared total, a fraction of a second.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.conf import settings

from pilote.core.formats import NBSP, french_number

CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_MAGIC = b"PK\x03\x04"


class ZipLimitError(ValueError):
    """An archive refused before reading; the message is in French, for users."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def megabytes(size: int) -> str:
    return f"{french_number(size / 1_000_000, decimals=1)}{NBSP}Mo"


def open_checked(data: bytes, *, what: str = "Le fichier") -> zipfile.ZipFile:
    """Return the zip archive held in data, after checking what it expands to.

    `what` names the file in the messages ("Le document Word", "Le classeur"). Raise
    ZipLimitError (French) for an archive too large once decompressed or whose members lie about
    their size, and zipfile.BadZipFile for one that is not a zip at all.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    limit = settings.IMPORT_MAX_ZIP_ENTRIES
    if len(infos) > limit:
        raise ZipLimitError(
            f"{what} contient {len(infos)} fichiers internes, au plus {limit} sont acceptés : "
            "il ne peut pas être analysé."
        )
    total = sum(info.file_size for info in infos)
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if total > limit:
        raise ZipLimitError(
            f"{what} pèserait {megabytes(total)} une fois décompressé, au plus "
            f"{megabytes(limit)} sont acceptés : enregistrez seulement ce qui est à importer "
            "(sans les images), puis recommencez."
        )
    view = memoryview(data)
    for info in infos:
        _check_member(view, info, what)
    return archive


def _check_member(data: memoryview, info: zipfile.ZipInfo, what: str) -> None:
    """Decompress one member through a bounded stream: its declared size, its checksum."""
    damaged = ZipLimitError(
        f"{what} est endommagé (une de ses parties ne correspond pas à ce qu'il annonce) : "
        "enregistrez-le de nouveau, puis recommencez."
    )
    if info.flag_bits & 0x1:
        raise ZipLimitError(f"{what} est chiffré : enregistrez-le sans mot de passe.")
    start = info.header_offset
    try:
        fields = _LOCAL_HEADER.unpack_from(data, start)
    except struct.error:
        raise damaged from None
    if fields[0] != _LOCAL_MAGIC:
        raise damaged
    name_length, extra_length = fields[-2], fields[-1]
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[begin : begin + info.compress_size]
    if len(raw) != info.compress_size:
        raise damaged
    if info.compress_type == zipfile.ZIP_STORED:
        size, crc = len(raw), zlib.crc32(raw)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        size, crc = _inflate(raw, info.file_size)
    else:
        raise ZipLimitError(
            f"{what} utilise une méthode de compression que Pilote CTG ne lit pas : "
            "enregistrez-le de nouveau depuis votre logiciel de bureautique."
        )
    if size != info.file_size or crc != info.CRC:
        raise damaged


def _inflate(raw: memoryview, declared: int) -> tuple[int, int]:
    """Return the size and CRC of deflated data, stopping one chunk past the declared size."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = crc = 0
    pending: bytes | memoryview = raw
    try:
        while True:
            out = inflater.decompress(pending, CHUNK)
            size += len(out)
            crc = zlib.crc32(out, crc)
            if size > declared:
                return size, crc  # a member that lies: refused, nothing more is inflated
            pending = inflater.unconsumed_tail
            if inflater.eof or (not out and not pending):
                return size, crc
    except zlib.error:
        return -1, 0


def read_bounded(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """Return a member's content if it holds at most `limit` bytes, else None."""
    with archive.open(name) as stream:
        content = stream.read(limit + 1)
    return None if len(content) > limit else content
