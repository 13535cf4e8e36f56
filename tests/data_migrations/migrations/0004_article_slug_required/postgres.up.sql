-- 0004_article_slug_required, up, on PostgreSQL. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

ALTER TABLE "articles" ALTER COLUMN "slug" SET NOT NULL;

ALTER TABLE "articles" ADD CONSTRAINT "articles_slug_key" UNIQUE ("slug");

