"""Allow ``python -m wijkanalyse``."""

from wijkanalyse.cli import main

main()
