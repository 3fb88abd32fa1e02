"""Gateway services: the message pipeline, clinician cases and dashboard authentication.

Services hold the logic; routes translate HTTP; repositories store.
"""
