"""Stage 6: people review and code, and their agreement is measured.

Modules: :mod:`.decisions` (human coding decisions and memos), :mod:`.sheet` (the spreadsheet round trip),
:mod:`.agreement` (kappa, alpha, machine versus people), :mod:`.evaluate` (automatic coding against labelled data).
"""
