"""Safe access to Office Open XML packages (.xlsx, .docx) within limits.

An Office file is a zip archive of XML parts.  Files from the wild may be
damaged or hostile: broken XML, a DTD with an entity bomb, a part that
inflates to gigabytes.  :class:`Package` checks each part's declared size and
compression ratio before reading it, reads no more than that size, and parses
XML with ``defusedxml`` (no DTDs, no entities, no external references).  Every
problem is an :class:`~utenforskap.errors.InputError` naming the file and the
part.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from ..errors import InputError

#: Largest uncompressed size of one part of a .docx/.xlsx, in bytes (200 MB).
MAX_PART_BYTES = 200 * 2**20
# what a damaged or hostile part raises while it is inflated and parsed
_BROKEN = (ParseError, DefusedXmlException, zipfile.BadZipFile, EOFError, OSError, ValueError)
#: Largest compression ratio of a part over 10 MB (real sheets stay under ~30).
MAX_RATIO = 100
_RATIO_FROM = 10 * 2**20


class Package:
    """The parts of one .docx/.xlsx file, read lazily and within limits.

    Parameters
    ----------
    path : Path
        The file, for messages.
    data : bytes
        Its content.
    kind : str
        "Excel workbook" or "Word document", for messages.
    max_part_bytes : int
        Refuse a part that inflates to more than this.
    """

    def __init__(self, path, data: bytes, kind: str, max_part_bytes: int = MAX_PART_BYTES):
        self.path = path
        self.kind = kind
        self.max_part_bytes = max_part_bytes
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = {info.filename: info for info in self.zip.infolist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise InputError(f"not a readable {kind} ({exc})", path) from None

    def has(self, name: str) -> bool:
        return name in self.names

    def _open(self, name: str):
        info = self.names.get(name)
        if info is None:
            raise InputError(f"not a readable {self.kind} (part {name} is missing)", self.path)
        if info.file_size > self.max_part_bytes:
            raise InputError(
                f"part {name} inflates to {info.file_size / 2**20:.0f} MB, over the limit of "
                f"{self.max_part_bytes / 2**20:.0f} MB per part; if the file is genuine, raise the "
                "limit (read_workshop(..., max_part_mb=...) or --max-part-mb)",
                self.path,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            raise InputError(
                f"part {name} is compressed {ratio:.0f}:1 (a zip bomb?); refused above "
                f"{MAX_RATIO}:1 for parts over {_RATIO_FROM // 2**20} MB",
                self.path,
            )
        try:
            return self.zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise InputError(f"part {name} cannot be read ({exc})", self.path) from None

    def _failed(self, name: str, exc: Exception) -> InputError:
        if isinstance(exc, DefusedXmlException):
            why = "it declares a DTD or entities, which Office files never do (refused as unsafe)"
        elif isinstance(exc, ParseError):
            why = f"broken XML ({exc})"
        else:
            why = f"damaged ({exc})"
        return InputError(f"part {name} of the {self.kind} cannot be read: {why}", self.path)

    def xml(self, name: str) -> Element:
        """The parsed root element of part ``name``."""
        with self._open(name) as stream:
            try:
                return safe_et.parse(stream, forbid_dtd=True).getroot()
            except _BROKEN as exc:
                raise self._failed(name, exc) from None

    def iterparse(self, name: str, events=("start", "end"), wrap=None) -> Iterator[tuple[str, Element]]:
        """Stream the elements of part ``name`` (for large sheets); ``wrap``
        may filter the byte stream before it is parsed."""
        with self._open(name) as stream:
            try:
                yield from safe_et.iterparse(wrap(stream) if wrap else stream, events=events, forbid_dtd=True)
            except _BROKEN as exc:
                raise self._failed(name, exc) from None

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (target part name, relationship type) for ``part``
        (``""`` for the package itself)."""
        folder, _, base = part.rpartition("/")
        rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        if not self.has(rels):
            return {}
        out = {}
        for rel in self.xml(rels):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                target = target[1:]
            elif folder:
                target = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (target, rel.get("Type", "").rsplit("/", 1)[-1])
        return out

    def main_part(self, default: str) -> str:
        """The package's main part (the workbook or the document)."""
        for target, kind in self.relationships("").values():
            if kind == "officeDocument" and self.has(target):
                return target
        return default

    def close(self) -> None:
        self.zip.close()
