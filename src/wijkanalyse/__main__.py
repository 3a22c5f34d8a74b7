"""Allow ``python -m wijkanalyse``."""

from wijkanalyse.cli.main import main

main()
