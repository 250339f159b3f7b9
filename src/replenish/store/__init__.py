"""SQLAlchemy tables and Alembic migrations; SQLite by default, PostgreSQL by URL.

The store holds one scenario and the append-only ledger of stock movements (replenish.ledger).
"""

from replenish.store.engine import ENV_VAR, database_url, describe_url, make_engine
from replenish.store.migrate import current_revision, head_revision, upgrade

__all__ = [
    "ENV_VAR",
    "current_revision",
    "database_url",
    "describe_url",
    "head_revision",
    "make_engine",
    "upgrade",
]
