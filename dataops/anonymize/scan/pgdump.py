"""PostgreSQL dumps (plain, custom, directory; ``.gz``/``.zst`` by magic) as a :class:`Source`.

The same readers as the anonymizer: the plain engine's psql-like lexer (every form of
``COPY ... FROM stdin``, fail closed on anything else), the archive TOC reader and its
decompressors; so a dump scan or audit reads is a dump the real run accepts.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dataops.anonymize.engine_api import TableData, check_unambiguous
from dataops.anonymize.engines import plain as plain_engine
from dataops.anonymize.engines.common import is_table_data, load_catalog, table_of
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.formats.pgarchive import (
    ArchiveError,
    ArchiveFormat,
    Reader,
    decompressor,
    read_archive_head,
    read_block_header,
    read_stream,
    read_toc_file,
    skip_stream,
)
from dataops.anonymize.formats.psqlscript import Lexer
from dataops.anonymize.scan.source import CopyRows, SourceColumn, SourceTable, open_dump
from dataops.errors import ConfigError

BLK_DATA = 1


def columns_of(catalog: Catalog, table: TableData) -> list[SourceColumn]:
    qname = (table.schema, table.table)
    out = []
    for name in table.columns:
        out.append(
            SourceColumn(name, catalog.column_type(qname, name), catalog.is_not_null(qname, name))
        )
    return out


class PgDump:
    """A dump file or directory archive; ``tables()`` may be called once."""

    dialect = "postgresql"

    def __init__(self, path: Path, fmt: str = "auto") -> None:
        if not path.exists():
            raise ConfigError(f"input {path} does not exist")
        self.path = path
        self.name = str(path)
        self._catalog = Catalog()
        if path.is_dir():
            if fmt not in ("auto", "directory"):
                raise ConfigError(f"input {path} is a directory: only the directory format fits")
            if not (path / "toc.dat").is_file():
                raise ConfigError(f"{path} is not a directory archive of pg_dump (no toc.dat)")
            self.format = "directory"
        elif fmt in ("plain", "custom"):
            self.format = fmt
        elif fmt == "directory":
            raise ConfigError("the directory format needs a directory as INPUT")
        else:
            with open_dump(self.path) as stream:
                self.format = "custom" if stream.peek(5)[:5] == b"PGDMP" else "plain"

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    def tables(self) -> Iterator[SourceTable]:
        if self.format == "directory":
            yield from self._directory()
            return
        with open_dump(self.path) as stream:
            if self.format == "custom":
                yield from self._custom(stream)
            else:
                yield from self._plain(stream)

    # ------------------------------------------------------------------ plain
    def _plain(self, stream: BinaryIO) -> Iterator[SourceTable]:
        src = plain_engine._Input(stream)
        lexer = Lexer()
        seen: list[TableData] = []
        while True:
            line = src.readline()
            if not line:
                break
            kind, value = lexer.line(line, src.lineno)
            if kind == "sql":
                for stmt in value:
                    self._catalog.add_sql(stmt, f"line {src.lineno}")
            elif kind == "copy":
                table: TableData = value
                seen.append(table)
                check_unambiguous(seen)
                rows = CopyRows(_plain_chunks(src, table))
                item = SourceTable(table, columns_of(self._catalog, table), iter(rows))
                yield item
                rows.drain()
                item.row_count = rows.count
        plain_engine._check_end(lexer)

    # ------------------------------------------------------------------ archives
    def _custom(self, stream: BinaryIO) -> Iterator[SourceTable]:
        reader = Reader(stream)
        reader.what = self.name
        archive = read_archive_head(reader)
        if archive.header.format is not ArchiveFormat.CUSTOM:
            raise ArchiveError(f"{self.name} is not a custom-format archive")
        load_catalog(archive, self._catalog)
        tables = {e.dump_id: table_of(e) for e in archive.entries if is_table_data(e)}
        check_unambiguous(tables.values())
        method = archive.header.compression
        while (block := read_block_header(reader)) is not None:
            blk, dump_id = block
            table = tables.get(dump_id)
            if blk != BLK_DATA or table is None:
                if blk == BLK_DATA:
                    skip_stream(reader)
                else:
                    from dataops.anonymize.formats.pgarchive import copy_blobs

                    copy_blobs(reader, io.BytesIO())
                continue
            rows = CopyRows(read_stream(reader, method))
            item = SourceTable(table, columns_of(self._catalog, table), iter(rows))
            yield item
            rows.drain()
            item.row_count = rows.count

    def _directory(self) -> Iterator[SourceTable]:
        from dataops.anonymize.engines.directory import find_data_file

        archive = read_toc_file(self.path / "toc.dat")
        load_catalog(archive, self._catalog)
        entries = [e for e in archive.entries if is_table_data(e)]
        tables = [table_of(e) for e in entries]
        check_unambiguous(tables)
        for entry, table in zip(entries, tables, strict=True):
            path, method = find_data_file(self.path, entry)
            rows = CopyRows(_file_chunks(path, method))
            item = SourceTable(table, columns_of(self._catalog, table), iter(rows))
            yield item
            rows.drain()
            item.row_count = rows.count


def _plain_chunks(src: plain_engine._Input, table: TableData) -> Iterator[bytes]:
    try:
        yield from src.copy_data()
    except plain_engine._Truncated:
        raise plain_engine._truncated(table, src.lineno) from None
    except plain_engine._CrTerminator:
        raise plain_engine._cr_terminator(table) from None


def _file_chunks(path: Path, method: object) -> Iterator[bytes]:
    dec = decompressor(method, gzip_file=True)  # type: ignore[arg-type]
    with open(path, "rb") as fh:
        while raw := fh.read(1 << 20):
            data = dec.decompress(raw)
            if data:
                yield data
    tail = dec.flush()
    if tail:
        yield tail
