"""The test suite itself: PostgreSQL tests are known as such before any of them runs."""

from __future__ import annotations


def test_every_postgresql_test_is_marked_when_collected(request):
    """`pytest -m "not postgres"` must leave out every test that needs the server, on a machine without one;
    `-m` filters right after collection, so a marker added while a fixture runs comes too late. (Checks the
    tests of this run: all of them in a full run.)"""
    on_postgres = [
        item
        for item in request.session.items
        if "postgresql" in getattr(getattr(item, "callspec", None), "id", "")
        or {"pg", "pg_db", "own_pg"} & set(getattr(item, "fixturenames", ()))
    ]
    unmarked = [item.nodeid for item in on_postgres if item.get_closest_marker("postgres") is None]
    assert unmarked == []
