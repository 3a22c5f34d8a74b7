"""Stages 4-5: embed segments, code them against a codebook, discover themes the codebook lacks.

Modules, in the order of the work:

``embed``           embedders (a registry of names) and the embedding cache
``codebook``        the codebook format: load, validate, save, add a code
``codebook_check``  the codebook's rules (every problem at once); reading its YAML within limits
``features``        how the coder represents a text: centred embedding + character n-gram LSA
``ngrams``          the n-gram TF-IDF rows of the lexical view, per distinct word and text (fast, equal)
``dimension``       what the coder learns per dimension: prototypes, classifier, calibration
``soort``           Dutch cues for the kind of input
``coder``           :class:`CodebookCoder`, the deductive / few-shot coder
``apply``           :func:`code_store` (code a store) and :func:`code_table` (code a user's table)
``partitions``      the coder's fit sample and coding in partitions (bounded memory, local = cluster)
``run_writer``      a coding run written one transaction per partition, resumable
``distributed``     embedding and coding on a Dask cluster (the driver writes)
``theme_model``     :class:`ThemeModel`, inductive theme discovery (BERTopic)
``discovery``       :func:`discover_store`, :func:`load_themes`, :func:`promote_theme`
``draft_labels``    readable short names for discovered themes
``codebook_draft``  a codebook drafted from the discovered themes (``wijkanalyse codebook draft``)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wijkanalyse.lazy_exports import lazy_exports

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
    from wijkanalyse.coding.apply import CodingResult, code_store, code_table
    from wijkanalyse.coding.codebook import (
        Code,
        Codebook,
        empty_codebook,
        load_codebook,
        save_codebook,
        settings_codebook,
    )
    from wijkanalyse.coding.coder import CodebookCoder
    from wijkanalyse.coding.discovery import DiscoveryResult, discover_store, load_themes, promote_theme
    from wijkanalyse.coding.embed import EMBEDDERS, Embedder, embed_with_cache, get_embedder
    from wijkanalyse.coding.theme_model import ThemeModel

#: Where each public name lives. Importing one module of the package (``codebook``, as the analysis and the
#: report kernels do) no longer imports the coder, scikit-learn and UMAP with it.
_WHERE = {
    "CodingResult": "apply",
    "code_store": "apply",
    "code_table": "apply",
    "Code": "codebook",
    "Codebook": "codebook",
    "empty_codebook": "codebook",
    "settings_codebook": "codebook",
    "load_codebook": "codebook",
    "save_codebook": "codebook",
    "CodebookCoder": "coder",
    "DiscoveryResult": "discovery",
    "discover_store": "discovery",
    "load_themes": "discovery",
    "promote_theme": "discovery",
    "EMBEDDERS": "embed",
    "Embedder": "embed",
    "embed_with_cache": "embed",
    "get_embedder": "embed",
    "ThemeModel": "theme_model",
}

__getattr__ = lazy_exports(__name__, _WHERE)  # PEP 562: each name's module is imported on first use


__all__ = [
    "Code",
    "Codebook",
    "load_codebook",
    "save_codebook",
    "empty_codebook",
    "settings_codebook",
    "Embedder",
    "EMBEDDERS",
    "get_embedder",
    "embed_with_cache",
    "CodebookCoder",
    "CodingResult",
    "code_store",
    "code_table",
    "ThemeModel",
    "DiscoveryResult",
    "discover_store",
    "load_themes",
    "promote_theme",
]
