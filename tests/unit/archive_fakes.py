"""A tiny plan implementing the engine contract, for archive unit tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from dataops.anonymize.engine_api import TableAction, TableData
from dataops.anonymize.formats.pgarchive import (
    BLK_BLOBS,
    BLK_DATA,
    OFFSET_POS_NOT_SET,
    SECTION_DATA,
    SECTION_PRE_DATA,
    ArchiveFormat,
    ChunkWriter,
    Compression,
    CustomWriter,
    TocEntry,
    build_header,
    compressor,
    encode_int,
    encode_toc,
)
from dataops.errors import ConfigError, OperationError


class FakeCatalog:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def add_sql(self, sql: str, location: str = "") -> None:
        self.sql.append(sql)


class UpperTransformer:
    """Uppercases one column (ASCII letters) of every row."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.rows = 0
        self.buf = b""

    def feed(self, chunk: bytes) -> bytes:
        data = self.buf + chunk
        cut = data.rfind(b"\n") + 1
        self.buf = data[cut:]
        out = []
        for row in data[:cut].split(b"\n")[:-1]:
            fields = row.split(b"\t")
            if fields[self.index] != b"\\N":
                fields[self.index] = fields[self.index].upper()
            out.append(b"\t".join(fields) + b"\n")
            self.rows += 1
        return b"".join(out)

    def finish(self) -> bytes:
        if self.buf:
            raise OperationError(f"partial row at end of data: {self.buf[:40]!r}")
        return b""


class FakePlan:
    """``rules`` maps "schema.table" to "keep", "truncate" or a column name to uppercase."""

    def __init__(self, rules: dict[str, str], default: str = "keep") -> None:
        self.rules = rules
        self.default = default
        self.checked: list[TableData] = []

    def check(self, catalog: object, tables: Sequence[TableData]) -> None:
        self.checked = list(tables)
        for t in tables:
            rule = self.rules.get(t.qualified, self.default)
            if rule not in ("keep", "truncate") and rule not in t.columns:
                raise ConfigError(f"{t.qualified}: no column {rule}")

    def _rule(self, table: TableData) -> str:
        return self.rules.get(table.qualified, self.default)

    def action(self, table: TableData) -> TableAction:
        rule = self._rule(table)
        if rule == "keep":
            return TableAction.KEEP
        if rule == "truncate":
            return TableAction.TRUNCATE
        return TableAction.TRANSFORM

    def transformer(self, table: TableData) -> UpperTransformer:
        return UpperTransformer(table.columns.index(self._rule(table)))

    def transformed_columns(self, table: TableData) -> list[str]:
        rule = self._rule(table)
        return [] if rule in ("keep", "truncate") else [rule]


# --------------------------------------------------------------------------- archives


def toc_entry(dump_id: int, desc: str, tag: str, **kw: object) -> TocEntry:
    fields: dict[str, object] = {
        "dump_id": dump_id,
        "had_dumper": 0,
        "tableoid": b"0",
        "oid": b"0",
        "tag": tag.encode(),
        "desc": desc.encode(),
        "section": SECTION_PRE_DATA,
        "defn": b"",
        "drop_stmt": b"",
        "copy_stmt": None,
        "namespace": b"public",
        "tablespace": b"",
        "tableam": b"",
        "relkind": 0,
        "owner": b"postgres",
        "with_oids": b"false",
        "deps": [],
    }
    fields.update(kw)
    return TocEntry(**fields)  # type: ignore[arg-type]


TABLES: dict[str, tuple[tuple[str, ...], bytes]] = {
    "people": (
        ("id", "name", "note"),
        b"".join(b"%d\tname %d\tnote\\t%d\n" % (i, i, i) for i in range(1, 3001)),
    ),
    "kept": (("id", "v"), b"1\tone\n2\t\\N\n3\ttab\\there\n"),
    "gone": (("id", "secret"), b"1\ts3cret-value\n2\tother-secret\n"),
}
BLOBS = {16403: b"hello blob", 16404: b"", 16405: bytes(range(256)) * 100}


def archive_entries(fmt_dir: bool = False) -> list[TocEntry]:
    entries = [
        toc_entry(
            1, "ENCODING", "ENCODING", defn=b"SET client_encoding = 'UTF8';\n", namespace=b""
        ),
    ]
    dump_id = 100
    data_entries = []
    for name, (cols, _) in TABLES.items():
        entries.append(
            toc_entry(
                dump_id,
                "TABLE",
                name,
                defn=f"CREATE TABLE public.{name} ({', '.join(c + ' text' for c in cols)});\n".encode(),
                relkind=ord("r"),
            )
        )
        data_entries.append(
            toc_entry(
                dump_id + 1,
                "TABLE DATA",
                name,
                had_dumper=1,
                section=SECTION_DATA,
                copy_stmt=f"COPY public.{name} ({', '.join(cols)}) FROM stdin;\n".encode(),
                deps=[str(dump_id).encode()],
                data_state=OFFSET_POS_NOT_SET,
                filename=f"{dump_id + 1}.dat".encode() if fmt_dir else None,
            )
        )
        dump_id += 2
    entries.extend(data_entries)
    entries.append(
        toc_entry(
            900,
            "BLOBS",
            "BLOBS",
            had_dumper=1,
            section=SECTION_DATA,
            namespace=None,
            data_state=OFFSET_POS_NOT_SET,
            filename=b"blobs.toc" if fmt_dir else None,
        )
    )
    return entries


def table_content(name: str) -> bytes:
    return TABLES[name][1] + b"\\.\n\n\n"


def make_custom_archive(
    version: int, compression: Compression, out: BinaryIO | None = None
) -> bytes:
    """A custom archive with three tables and three large objects, built from scratch."""
    header = build_header(version, compression)
    entries = archive_entries()
    sink = out if out is not None else io.BytesIO()
    writer = CustomWriter(sink, header, entries)
    for e in entries:
        if e.desc == b"TABLE DATA":
            writer.begin_block(BLK_DATA, e.dump_id)
            chunks = ChunkWriter(writer.sink, compression, None, header.int_size)
            chunks.write(table_content(TocEntry.text(e.tag)))
            writer.advance(chunks.close())
    writer.begin_block(BLK_BLOBS, 900)
    n = 0
    for oid, data in BLOBS.items():
        writer.sink.write(encode_int(oid))
        chunks = ChunkWriter(writer.sink, compression, None, header.int_size)
        chunks.write(data)
        n += 5 + chunks.close()
    writer.sink.write(encode_int(0))
    writer.advance(n + 5)
    writer.finish()
    return sink.getvalue() if isinstance(sink, io.BytesIO) else b""


def make_directory_archive(path: Path, version: int, compression: Compression) -> None:
    path.mkdir()
    header = build_header(version, compression, archive_format=ArchiveFormat.TAR)
    entries = archive_entries(fmt_dir=True)
    (path / "toc.dat").write_bytes(header.raw + encode_toc(entries, header))
    for e in entries:
        if e.desc == b"TABLE DATA":
            comp = compressor(compression, None, gzip_file=True)
            data = table_content(TocEntry.text(e.tag))
            name = TocEntry.text(e.filename) + compression.suffix
            (path / name).write_bytes(comp.compress(data) + comp.flush())
    lines = []
    for oid, data in BLOBS.items():
        comp = compressor(compression, None, gzip_file=True)
        name = f"blob_{oid}.dat"
        (path / (name + compression.suffix)).write_bytes(comp.compress(data) + comp.flush())
        lines.append(f"{oid} {name}\n")
    (path / "blobs.toc").write_text("".join(lines))


class Pipe(io.RawIOBase):
    """A non-seekable binary sink that collects what is written."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


class Trickle(io.RawIOBase):
    """A non-seekable source returning at most ``step`` bytes per read (like a pipe)."""

    def __init__(self, data: bytes, step: int = 7777) -> None:
        self.data = data
        self.pos = 0
        self.step = step

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.step if n < 0 else min(n, self.step)
        out = self.data[self.pos : self.pos + n]
        self.pos += len(out)
        return out
