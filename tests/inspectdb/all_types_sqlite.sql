-- One column of every SQLite type affinity (INTEGER, TEXT, BLOB, REAL,
-- NUMERIC), under the declared names they come from, and one without a
-- declared type. One row of values, one of NULLs, one of values that do not
-- match their column's affinity (SQLite keeps them as given).
CREATE TABLE all_types (
    id INTEGER PRIMARY KEY,
    c_integer INTEGER, c_int INT, c_bigint BIGINT, c_tinyint TINYINT,
    c_text TEXT, c_varchar VARCHAR(10), c_nchar NCHAR(4), c_clob CLOB,
    c_blob BLOB,
    c_real REAL, c_double DOUBLE, c_float FLOAT,
    c_numeric NUMERIC, c_decimal DECIMAL, c_decimal_10_2 DECIMAL(10, 2), c_money MONEY,
    c_boolean BOOLEAN, c_date DATE, c_datetime DATETIME,
    c_untyped
);
INSERT INTO all_types VALUES (
    1, 1, 2, 3, 4, 'text', 'varchar', 'abcd', 'clob', x'00ff', 1.5, 2.25, 3.5,
    12.5, 7, '12345678.90', '12.34', 1, '2024-05-01', '2024-05-01 12:30:00', 'untyped'
);
INSERT INTO all_types (id) VALUES (2);
INSERT INTO all_types (id, c_numeric, c_decimal, c_money, c_untyped)
    VALUES (3, 'not a number', '1e400', x'41', 42);

-- What a table can be besides its columns' types: no primary key, with a
-- NOT NULL unique column to stand in for one, or with only nullable columns
-- (the first stands in, as an Option, on an unmanaged model); a primary key
-- that is a one-to-one relation, and a foreign key to it; a NOT NULL foreign
-- key to a nullable unique column; ON UPDATE actions; views, whose computed
-- columns have no declared type.
CREATE TABLE keyless_unique (note TEXT, code TEXT NOT NULL UNIQUE, amount INTEGER NOT NULL);
INSERT INTO keyless_unique VALUES ('first', 'a', 1), (NULL, 'b', 1);
CREATE TABLE keyless_nullable (label TEXT, amount INTEGER);
INSERT INTO keyless_nullable VALUES ('a', 1), (NULL, 2), (NULL, NULL), ('a', 1);
CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE passport (
    person_id INTEGER PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE ON UPDATE CASCADE,
    number TEXT NOT NULL
);
CREATE TABLE stamp (
    id INTEGER PRIMARY KEY,
    passport_id INTEGER NOT NULL REFERENCES passport (person_id) ON DELETE CASCADE ON UPDATE CASCADE,
    country TEXT NOT NULL
);
CREATE TABLE voucher (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
CREATE TABLE redemption (
    id INTEGER PRIMARY KEY,
    voucher_code TEXT NOT NULL REFERENCES voucher (code) ON UPDATE RESTRICT,
    replaced_by TEXT REFERENCES voucher (code) ON UPDATE SET NULL
);
INSERT INTO person (name) VALUES ('Ada'), ('Bo');
INSERT INTO passport VALUES (1, 'P-1'), (2, 'P-2');
INSERT INTO stamp (passport_id, country) VALUES (1, 'FR'), (1, 'NO'), (2, 'JP');
INSERT INTO voucher (code) VALUES ('V1'), (NULL), ('V2');
INSERT INTO redemption (voucher_code, replaced_by) VALUES ('V1', 'V2'), ('V2', NULL);
CREATE VIEW person_names AS SELECT id, name, upper(name) AS loud, id * 2 AS twice FROM person;
CREATE VIEW stamps_per_person AS
    SELECT p.name, count(s.id) AS stamps FROM person p
    LEFT JOIN stamp s ON s.passport_id = p.id GROUP BY p.name;
