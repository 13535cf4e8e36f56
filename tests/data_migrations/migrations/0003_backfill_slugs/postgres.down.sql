-- 0003_backfill_slugs, down, on PostgreSQL. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

-- RunRust: undo_backfill_slugs

