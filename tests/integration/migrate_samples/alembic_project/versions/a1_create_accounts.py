"""create accounts

Revision ID: a1
Revises:
Create Date: 2024-01-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("accounts")
