"""wijkanalyse."""
