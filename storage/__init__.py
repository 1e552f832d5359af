"""Persistence for wijkbot: SQLAlchemy 2 models, queries and Alembic migrations."""
