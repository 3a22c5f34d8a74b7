"""Stage 6: people review and code, and their agreement is measured.

Modules: :mod:`.decisions` (human coding decisions and memos), :mod:`.sheet` (the coding sheet round trip),
:mod:`.coded_table` (every coding as CSV/XLSX, written by :mod:`wijkanalyse.table_files`),
:mod:`.agreement` (kappa, alpha, the machine versus people), :mod:`.machine_decision` (whether the machine's
codes may stand unreviewed), :mod:`.evaluate` with :mod:`.labelled` and :mod:`.metrics` (automatic coding
against labelled data).
"""
