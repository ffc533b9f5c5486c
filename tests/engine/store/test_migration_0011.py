"""Migration 0011 adds the casework tables and makes each existing provider user an organisation of their
own, so disputes that named the provider's username stay theirs; it runs down and up on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, select

from engine.disputes import providers
from engine.disputes.tables import ProviderOrganisation, ProviderUser
from engine.identity.users import add_user
from engine.store.migrate import alembic_config, current, upgrade

TABLES = {"case_link", "contact_restriction", "provider_organisation", "provider_user"}


def test_existing_providers_become_organisations_and_keep_their_cases(db, clock):
    with db.write() as session:
        add_user(session, clock, "oldfos", roles=["provider"], display_name="Old FOS")
        add_user(session, clock, "hana", roles=["handler"])
    try:
        command.downgrade(alembic_config(db), "0010")
        assert TABLES.isdisjoint(inspect(db.engine).get_table_names())
        upgrade(db, "0011")  # later migrations are not this test's business
        assert current(db) == "0011"
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        with db.read() as session:
            orgs = session.execute(select(ProviderOrganisation.slug, ProviderOrganisation.name)).all()
            members = session.scalars(select(ProviderUser.organisation_id)).all()
        assert [tuple(o) for o in orgs] == [("oldfos", "Old FOS")]  # the handler got none
        assert len(members) == 1
        with db.reading() as conn:
            names = providers.names_of(conn, "oldfos")
        assert providers.names_provider({"provider_name": "oldfos"}, names)  # a dispute referred before
        assert not providers.names_provider({"provider_name": "someone-else"}, names)
    finally:
        upgrade(db)
