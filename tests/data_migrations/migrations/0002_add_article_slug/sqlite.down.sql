-- 0002_add_article_slug, down, on SQLite. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

ALTER TABLE "articles" DROP COLUMN "slug";

