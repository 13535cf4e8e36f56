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
