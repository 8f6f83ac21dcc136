"""add accounts.name

Revision ID: b2
Revises: a1
Create Date: 2024-01-02 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b2"
down_revision = "a1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("name", sa.String(100)))
    op.create_index("accounts_email", "accounts", ["email"], unique=True)


def downgrade() -> None:
    op.drop_index("accounts_email", table_name="accounts")
    op.drop_column("accounts", "name")
