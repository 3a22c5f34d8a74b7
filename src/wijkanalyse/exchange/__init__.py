"""Stage 9: exchange with other QDA software (REFI-QDA ``.qdpx`` projects and ``.qdc`` codebooks).

Modules: :mod:`.refi` (what export and import share: namespaces, GUIDs, schemas, code descriptions),
:mod:`.qdpx` (project export), :mod:`.qdpx_import` (project import), :mod:`.align` (carrying positions
between differing texts), :mod:`.qdc` (codebook export and import).
"""

from wijkanalyse.exchange.qdc import QdcImport, export_qdc, import_qdc
from wijkanalyse.exchange.qdpx import QdpxExport, export_qdpx
from wijkanalyse.exchange.qdpx_import import QdpxImport, import_qdpx
from wijkanalyse.exchange.refi import ExchangeError

__all__ = [
    "export_qdpx",
    "import_qdpx",
    "export_qdc",
    "import_qdc",
    "QdpxExport",
    "QdpxImport",
    "QdcImport",
    "ExchangeError",
]
