"""``dataops anonymize scan | check | audit``: find personal data, keep rules complete,
prove that nothing leaked.

Read bottom-up: :mod:`.source` (the source abstraction: tables, column types and rows,
streamed) with one module per kind of source (:mod:`.pgdump`, :mod:`.pglive`), then
:mod:`.detect` (value detectors) and :mod:`.names` (column-name signals) ->
:mod:`.profile` (a column's verdict from its sample) -> :mod:`.draft` (a complete rules
file that passes validation) -> the actions :mod:`.scan`, :mod:`.check`, :mod:`.audit`
(on :mod:`.fingerprint`, keyed fingerprints in bounded memory).
"""
