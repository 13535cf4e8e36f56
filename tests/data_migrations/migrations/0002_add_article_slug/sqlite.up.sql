-- 0002_add_article_slug, up, on SQLite. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

ALTER TABLE "articles" ADD COLUMN "slug" VARCHAR(200);

