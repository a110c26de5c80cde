"""Index storage for each database: SQLite FTS5 and PostgreSQL tsvector + GIN.

Both store the same keys (see ``text.py``) and answer the same tier queries
(see ``engine.py``), so results are the same on both.
"""
