"""What dumps are made of: pg_dump's archive format (``pgarchive``), compression codecs
(``compression``), the SQL lexer (``sqlscan``), the DDL catalog (``ddl``) and the COPY
text codec (``copytext``)."""
