-- 0003_backfill_slugs, up, on SQLite. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

-- RunRust: backfill_slugs

