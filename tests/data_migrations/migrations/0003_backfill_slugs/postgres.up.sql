-- 0003_backfill_slugs, up, on PostgreSQL. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

-- RunRust: backfill_slugs

