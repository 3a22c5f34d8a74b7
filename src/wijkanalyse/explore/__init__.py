"""The researcher's workbench: one function per view of the explore notebooks (``notebooks/explore/``).

=====================  ===========================================================================
module                 views
=====================  ===========================================================================
``workbench``          :func:`open_workbench`: settings, store, analysis data, embeddings, search
``overview``           corpus overview: sources per wijk and date, source types, segment lengths,
                       survey response rates, pseudonymisation counts
``theme_map``          2-D map of the segment embeddings (UMAP or PCA, seeded) with codes and themes
``codebook_dev``       discovered themes beside the codebook, near-duplicate codes, unused codes
``compare``            themes by wijk with the city as reference, drill down to a cell's quotes
``figures``            the plotly figures of these views
``display``            notebook setup (plotly renderer) and HTML for hits and quotes
``panels``             ipywidgets panels: search, theme map, compare, promote
``coding_widget``      coding by hand in a notebook, one segment at a time
=====================  ===========================================================================

Search itself lives in :mod:`wijkanalyse.search`; counts, shares and quotes in :mod:`wijkanalyse.analysis`.
"""

from wijkanalyse.explore.workbench import Workbench, open_workbench, resolve_corpus

__all__ = ["Workbench", "open_workbench", "resolve_corpus"]
