"""casework: case links (merged, reopened), contact restrictions, provider organisations

Existing provider users become one organisation each (its slug is the username), so the cases that name a
provider's username stay that provider's: the access policy matches a case's `provider_name` or `provider`
against the slugs and usernames of the caller's organisation.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 20:30:00
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("linked_case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["linked_case_id"], ["case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "linked_case_id", "kind"),
    )
    op.create_index("ix_case_link_case_id", "case_link", ["case_id"])
    op.create_index("ix_case_link_linked_case_id", "case_link", ["linked_case_id"])
    op.create_table(
        "contact_restriction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("contact", sa.String(length=80), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.String(length=80), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_restriction_case_id", "contact_restriction", ["case_id"])
    op.create_table(
        "provider_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "provider_user",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["provider_organisation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index("ix_provider_user_organisation_id", "provider_user", ["organisation_id"])
    _organisations_for_existing_providers()


def _organisations_for_existing_providers() -> None:
    """One organisation per existing provider user, named after them, its slug their username."""
    conn = op.get_bind()
    users = sa.table(
        "user_account",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("display_name", sa.String),
        sa.column("email", sa.String),
        sa.column("roles", sa.String),
    )
    orgs = sa.table(
        "provider_organisation",
        sa.column("id", sa.Integer),
        sa.column("slug", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("email", sa.String),
        sa.column("active", sa.Boolean),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    members = sa.table("provider_user", sa.column("user_id", sa.Integer), sa.column("organisation_id", sa.Integer))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = conn.execute(sa.select(users).order_by(users.c.id)).all()
    for user in rows:
        if "provider" not in (user.roles or "").split():
            continue
        conn.execute(
            orgs.insert().values(
                slug=user.username,
                name=user.display_name or user.username,
                kind="ombudsman",
                email=user.email,
                active=True,
                created_at=now,
                updated_at=now,
            )
        )
        org_id = conn.execute(sa.select(orgs.c.id).where(orgs.c.slug == user.username)).scalar_one()
        conn.execute(members.insert().values(user_id=user.id, organisation_id=org_id))


def downgrade() -> None:
    op.drop_index("ix_provider_user_organisation_id", table_name="provider_user")
    op.drop_table("provider_user")
    op.drop_table("provider_organisation")
    op.drop_index("ix_contact_restriction_case_id", table_name="contact_restriction")
    op.drop_table("contact_restriction")
    op.drop_index("ix_case_link_linked_case_id", table_name="case_link")
    op.drop_index("ix_case_link_case_id", table_name="case_link")
    op.drop_table("case_link")
