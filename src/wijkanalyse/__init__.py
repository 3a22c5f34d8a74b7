"""wijkanalyse: coded themes and reproducible reports per wijk from neighbourhood participation.

The modules follow the pipeline (see README): ``ingest`` (with ``readers``, ``pseudonymise``, ``segment``),
``embed``, ``codebook``, ``coding``, ``discovery``, ``review``, ``agreement``, ``analysis``, ``report``,
``qdpx``; ``store`` holds the project state, ``config`` the paths and settings, ``cli`` the one command line.
"""

from importlib.metadata import PackageNotFoundError, version

from wijkanalyse.config import Settings, load_settings
from wijkanalyse.exceptions import WijkanalyseError
from wijkanalyse.store import Store

try:
    __version__ = version("wijkanalyse")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["Settings", "Store", "WijkanalyseError", "__version__", "load_settings"]
