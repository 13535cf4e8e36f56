-- 0001_initial, down, on SQLite. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

DROP TABLE "user_profiles";

DROP TABLE "posts_tags";

DROP TABLE "posts";

DROP TABLE "authors";

DROP TABLE "tags";

