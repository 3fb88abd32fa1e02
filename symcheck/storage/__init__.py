"""Storage: SQLAlchemy 2 models, Alembic migrations and repositories.

SQLite by default; PostgreSQL through ``DATABASE_URL``. Message bodies and clinical state are
stored encrypted (see :mod:`symcheck.crypto`).
"""
