-- 0004_article_slug_required, down, on PostgreSQL. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

ALTER TABLE "articles" DROP CONSTRAINT "articles_slug_key";

ALTER TABLE "articles" ALTER COLUMN "slug" DROP NOT NULL;

