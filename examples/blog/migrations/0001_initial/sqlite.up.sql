-- 0001_initial, up, on SQLite. For review: `pookie migrate` runs the SQL it renders from migration.pookie, not this file.

CREATE TABLE "tags" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" VARCHAR(50) NOT NULL UNIQUE,
    "slug" VARCHAR(100) NOT NULL UNIQUE
);

CREATE TABLE "authors" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" VARCHAR(100) NOT NULL,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "bio" TEXT,
    "website" VARCHAR(2048),
    "is_active" BOOLEAN NOT NULL DEFAULT 1,
    "joined" DATETIME NOT NULL
);

CREATE TABLE "posts" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "title" VARCHAR(200) NOT NULL,
    "slug" VARCHAR(100) NOT NULL UNIQUE,
    "body" TEXT NOT NULL,
    "author_id" INTEGER NOT NULL,
    "published" BOOLEAN NOT NULL DEFAULT 0,
    "view_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE CASCADE,
    UNIQUE ("author_id", "slug")
);

CREATE TABLE "posts_tags" (
    "posts_id" INTEGER NOT NULL,
    "tags_id" INTEGER NOT NULL,
    PRIMARY KEY ("posts_id", "tags_id"),
    FOREIGN KEY ("posts_id") REFERENCES "posts" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("tags_id") REFERENCES "tags" ("id") ON DELETE CASCADE
);

CREATE INDEX "posts_tags_tags_id_idx" ON "posts_tags" ("tags_id");

CREATE TABLE "user_profiles" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "author_id" INTEGER NOT NULL UNIQUE,
    "avatar" VARCHAR(2048),
    "prefs" JSON_TEXT NOT NULL,
    FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE CASCADE
);

