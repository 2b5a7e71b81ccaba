"""Statistics the database's query planner needs to pick good plans.

SQLite keeps none unless asked (ANALYZE). Without them it joins Wagtail's full-text index in
the wrong order: on the large generated organisation one search of 50,000 wins took minutes,
and 13 ms once the tables were analysed. PostgreSQL's autovacuum analyses tables by itself,
but only a while after a bulk load, and the first searches after one pay for it.
"""

from django.db import connection

# Rows SQLite samples per index: enough to choose between plans, cheap on a million rows.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics():
    """Analyse every table, approximately on SQLite; returns the database's vendor name."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return connection.vendor
