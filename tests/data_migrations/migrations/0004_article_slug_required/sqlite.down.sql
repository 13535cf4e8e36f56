-- 0004_article_slug_required, down, on SQLite. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.
-- Rebuilds tables: runs with foreign keys off, checked before commit.

CREATE TABLE "new__articles" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "title" VARCHAR(200) NOT NULL,
    "slug" VARCHAR(200)
);

INSERT INTO "new__articles" ("id", "title", "slug") SELECT "id", "title", "slug" FROM "articles";

DROP TABLE "articles";

ALTER TABLE "new__articles" RENAME TO "articles";

