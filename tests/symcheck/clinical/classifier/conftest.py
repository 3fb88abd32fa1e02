"""Fixtures for the classifier tests (the tiny trained model is in ``tests/symcheck``)."""
