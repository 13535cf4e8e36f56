-- 0001_initial, down, on SQLite. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

DROP TABLE "articles";

