"""Stages 1-3: read raw sources, pseudonymise them and cut them into segments.

Modules: :mod:`.readers` (one reader per file format), :mod:`.pseudonymise`, :mod:`.segment`, and
:mod:`.corpus` (the incremental ingest of a corpus folder into the store).
"""
