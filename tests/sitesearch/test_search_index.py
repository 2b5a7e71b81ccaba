"""The database's part in making search fast at scale."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL expression index")
def test_postgresql_has_the_title_and_body_index_its_searches_match_on():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'sitesearch_entry_title_body_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower()
    assert "(title || body)" in definition


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL expression indexes")
def test_postgresql_can_join_search_entries_to_each_searched_table_by_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname LIKE 'sitesearch_%'"
        )
        definitions = dict(cursor.fetchall())
    for table in ("projects_win", "projects_statusupdate", "projects_retrospective"):
        assert "(id)::character varying(50)" in definitions[table]
    assert "(page_ptr_id)::character varying(50)" in definitions["projects_projectpage"]
