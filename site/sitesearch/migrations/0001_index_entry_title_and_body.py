"""Indexes for Wagtail's PostgreSQL search backend, on PostgreSQL only (justified by EXPLAIN
ANALYZE on the large generated organisation; figures in the README's performance section).

- Wagtail matches `(title || body) @@ query` but indexes title and body separately, so every
  search read all 78,000 index entries: 0.5 s for one word. A GIN index on the expression
  makes the match 40 ms.
- Wagtail joins its entries to the searched rows on `object_id = id::varchar(50)`. No index
  served that cast, so to find the three best wins PostgreSQL compared each ranked entry with
  all 50,000 wins (14 million comparisons, 3.5 s). An index on the cast id per searched
  table turns each comparison into a lookup (0.1 s).

SQLite searches its own FTS5 table and needs none of these.
"""

from django.db import migrations

ENTRY_INDEX = (
    "sitesearch_entry_title_body_gin",
    "wagtailsearch_indexentry USING gin ((title || body))",
)
# (index name, table, primary key column) of each table site search joins entries to.
SEARCHED_TABLES = [
    ("sitesearch_win_id_text", "projects_win", "id"),
    ("sitesearch_statusupdate_id_text", "projects_statusupdate", "id"),
    ("sitesearch_retrospective_id_text", "projects_retrospective", "id"),
    ("sitesearch_projectpage_id_text", "projects_projectpage", "page_ptr_id"),
]


def _indexes():
    yield ENTRY_INDEX
    for name, table, column in SEARCHED_TABLES:
        yield name, f"{table} ((({column})::varchar(50)))"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in _indexes():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _definition in _indexes():
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailsearch", "0010_add_text_fields"),
        ("projects", "0006_default_retro_formats"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
