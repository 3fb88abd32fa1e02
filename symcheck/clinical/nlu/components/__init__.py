"""The spaCy components of the extraction pipeline, one module each, in pipeline order.

``typos`` (one-letter corrections for matching) -> ``findings`` (phrase matching) ->
``context`` (negation, uncertainty) -> ``subject`` (whom each finding is about) ->
``demographics`` (age, sex, pregnancy) -> ``attributes`` (duration, severity, onset) ->
``location`` (body site) -> ``observations`` (the patient's findings, readings, implications).
See :mod:`symcheck.clinical.nlu.pipeline`.
"""
