"""Stages 4-5: embed segments, code them against a codebook, discover themes the codebook lacks.

Modules: :mod:`.embed` (embedders and the embedding cache), :mod:`.codebook` (the codebook format),
:mod:`.coder` (the deductive / few-shot coder), :mod:`.discovery` (inductive themes).
"""
