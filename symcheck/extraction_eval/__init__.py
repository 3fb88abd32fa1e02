"""Evaluation of the finding extractor on annotated sentences (``symcheck evaluate-extraction``).

``gold`` reads and validates the sentence file, ``scoring`` compares extractions with it
(precision and recall per category), ``report`` writes the Markdown report.
"""
