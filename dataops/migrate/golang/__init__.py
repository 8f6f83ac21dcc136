"""golang-migrate folders: planner (which steps), apply (running one step), migrator."""

from dataops.migrate.golang.migrator import GolangMigrator

__all__ = ["GolangMigrator"]
