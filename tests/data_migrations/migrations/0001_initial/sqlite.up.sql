-- 0001_initial, up, on SQLite. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

CREATE TABLE "articles" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "title" VARCHAR(200) NOT NULL
);

