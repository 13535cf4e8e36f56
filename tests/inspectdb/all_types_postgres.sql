-- One column of every type a PostgreSQL 15 table column can have: each base,
-- range and multirange type of pg_catalog (the test checks none is missing),
-- arrays of one and of two dimensions, an enum, a domain over it, a domain
-- with a CHECK, and a composite type. One row of values, one of NULLs (the
-- catalog's internal types, whose input functions refuse any text, hold only
-- NULLs).
CREATE TYPE rating AS ENUM ('G', 'PG', 'PG-13', 'R');
CREATE DOMAIN rating_domain AS rating;
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TYPE address AS (street text, number integer);

CREATE TABLE all_types (
    id serial PRIMARY KEY,
    c_aclitem aclitem, c_bit bit(3), c_bool bool, c_box box, c_bpchar char(4), c_bytea bytea,
    c_char "char", c_cid cid, c_cidr cidr, c_circle circle, c_date date,
    c_datemultirange datemultirange, c_daterange daterange, c_float4 float4, c_float8 float8,
    c_gtsvector gtsvector, c_inet inet, c_int2 int2, c_int2vector int2vector, c_int4 int4,
    c_int4multirange int4multirange, c_int4range int4range, c_int8 int8,
    c_int8multirange int8multirange, c_int8range int8range, c_interval interval, c_json json,
    c_jsonb jsonb, c_jsonpath jsonpath, c_line line, c_lseg lseg, c_macaddr macaddr,
    c_macaddr8 macaddr8, c_money money, c_name name, c_numeric numeric, c_numeric_10_2 numeric(10, 2),
    c_nummultirange nummultirange, c_numrange numrange, c_oid oid, c_oidvector oidvector,
    c_path path, c_pg_brin_bloom_summary pg_brin_bloom_summary,
    c_pg_brin_minmax_multi_summary pg_brin_minmax_multi_summary,
    c_pg_dependencies pg_dependencies, c_pg_lsn pg_lsn, c_pg_mcv_list pg_mcv_list,
    c_pg_ndistinct pg_ndistinct, c_pg_node_tree pg_node_tree, c_pg_snapshot pg_snapshot,
    c_point point, c_polygon polygon, c_refcursor refcursor, c_regclass regclass,
    c_regcollation regcollation, c_regconfig regconfig, c_regdictionary regdictionary,
    c_regnamespace regnamespace, c_regoper regoper, c_regoperator regoperator, c_regproc regproc,
    c_regprocedure regprocedure, c_regrole regrole, c_regtype regtype, c_text text, c_tid tid,
    c_time time, c_timestamp timestamp, c_timestamptz timestamptz, c_timetz timetz,
    c_tsmultirange tsmultirange, c_tsquery tsquery, c_tsrange tsrange,
    c_tstzmultirange tstzmultirange, c_tstzrange tstzrange, c_tsvector tsvector,
    c_txid_snapshot txid_snapshot, c_uuid uuid, c_varbit varbit, c_varchar varchar(10),
    c_xid xid, c_xid8 xid8, c_xml xml,
    c_int4_array int4[], c_text_array text[], c_int4_matrix int4[][], c_tsvector_array tsvector[],
    c_numeric_array numeric[], c_jsonb_array jsonb[], c_json_array json[],
    c_rating rating, c_rating_domain rating_domain, c_rating_array rating[],
    c_positive positive, c_address address
);

INSERT INTO all_types (
    c_aclitem, c_bit, c_bool, c_box, c_bpchar, c_bytea, c_char, c_cid, c_cidr, c_circle, c_date,
    c_datemultirange, c_daterange, c_float4, c_float8, c_inet, c_int2, c_int2vector, c_int4,
    c_int4multirange, c_int4range, c_int8, c_int8multirange, c_int8range, c_interval, c_json,
    c_jsonb, c_jsonpath, c_line, c_lseg, c_macaddr, c_macaddr8, c_money, c_name, c_numeric,
    c_numeric_10_2, c_nummultirange, c_numrange, c_oid, c_oidvector, c_path, c_pg_lsn,
    c_pg_snapshot, c_point, c_polygon, c_refcursor, c_regclass, c_regcollation, c_regconfig,
    c_regdictionary, c_regnamespace, c_regoper, c_regoperator, c_regproc, c_regprocedure,
    c_regrole, c_regtype, c_text, c_tid, c_time, c_timestamp, c_timestamptz, c_timetz,
    c_tsmultirange, c_tsquery, c_tsrange, c_tstzmultirange, c_tstzrange, c_tsvector,
    c_txid_snapshot, c_uuid, c_varbit, c_varchar, c_xid, c_xid8, c_xml,
    c_int4_array, c_text_array, c_int4_matrix, c_tsvector_array, c_numeric_array,
    c_jsonb_array, c_json_array, c_rating, c_rating_domain, c_rating_array, c_positive, c_address
) VALUES (
    'postgres=arwdDxt/postgres', B'101', true, '((0,0),(1,1))', 'abcd', '\x00ff', 'x', '7',
    '192.168.0.0/24', '<(0,0),1>', '2024-05-01', '{[2024-01-01,2024-02-01)}',
    '[2024-01-01,2024-02-01)', 1.5, 2.25, '192.168.0.1', 2, '1 2', 4, '{[1,3)}', '[1,3)', 8,
    '{[1,3)}', '[1,3)', '1 day 02:03:04', '{"a": [1, 2]}', '{"b": true}', '$.a[*]',
    '{1,-1,0}', '[(0,0),(1,1)]', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', 12.34,
    'a name', 123456789012345678901234567890.123456789, 12345678.90, '{[1.5,2.5)}', '[1.5,2.5)',
    1234, '1 2', '[(0,0),(1,1),(2,0)]', '16/B374D848', '10:20:10,14,15', '(1,2)',
    '((0,0),(1,1),(1,0))', 'a_cursor', 'pg_class', '"default"', 'english', 'simple',
    'public', '||/', '+(integer,integer)', 'now', 'now()', 'postgres', 'integer', 'some text',
    '(0,1)', '12:30:00', '2024-05-01 12:30:00', '2024-05-01 12:30:00+00', '12:30:00+02',
    '{[2024-01-01 00:00,2024-01-02 00:00)}', 'fat & rat', '[2024-01-01 00:00,2024-01-02 00:00)',
    '{[2024-01-01 00:00+00,2024-01-02 00:00+00)}', '[2024-01-01 00:00+00,2024-01-02 00:00+00)',
    'a fat cat', '10:20:10,14,15', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', B'1101', 'varchar',
    '42', '42', '<a>xml</a>',
    '{1,2,3}', '{a,"b c"}', '{{1,2},{3,4}}', '{"a fat","cat"}', '{1.5,2}',
    ARRAY['{"a": [1, 2]}', 'null', '"text"']::jsonb[], ARRAY['{"b": true}', '3']::json[],
    'PG-13', 'R', '{G,PG}', 5, '("Main Street",10)'
);
INSERT INTO all_types DEFAULT VALUES;

-- What a table can be besides its columns' types: no columns at all (no
-- model can read it: inspectdb names it in a note); no primary key, with a
-- NOT NULL unique column to stand in for one, or with only nullable columns
-- (the first stands in, as an Option, on an unmanaged model); a primary key
-- that is a one-to-one relation, and a foreign key to it; a NOT NULL foreign
-- key to a nullable unique column; ON UPDATE actions; index methods; a view.
CREATE TABLE no_columns ();
INSERT INTO no_columns DEFAULT VALUES;
CREATE TABLE keyless_unique (note text, code text NOT NULL UNIQUE, amount integer NOT NULL);
INSERT INTO keyless_unique VALUES ('first', 'a', 1), (NULL, 'b', 1);
CREATE TABLE keyless_nullable (label text, amount integer);
INSERT INTO keyless_nullable VALUES ('a', 1), (NULL, 2), (NULL, NULL), ('a', 1);
CREATE TABLE person (id serial PRIMARY KEY, name text NOT NULL);
CREATE INDEX person_name_hash ON person USING hash (name);
CREATE INDEX all_types_jsonb_gin ON all_types USING gin (c_jsonb);
CREATE INDEX all_types_date_brin ON all_types USING brin (c_date);
CREATE TABLE passport (
    person_id integer PRIMARY KEY REFERENCES person ON DELETE CASCADE ON UPDATE CASCADE,
    number text NOT NULL
);
CREATE TABLE stamp (
    id serial PRIMARY KEY,
    passport_id integer NOT NULL REFERENCES passport ON DELETE CASCADE ON UPDATE CASCADE,
    country text NOT NULL
);
CREATE TABLE voucher (id serial PRIMARY KEY, code text UNIQUE);
CREATE TABLE redemption (
    id serial PRIMARY KEY,
    voucher_code text NOT NULL REFERENCES voucher (code) ON UPDATE RESTRICT,
    replaced_by text REFERENCES voucher (code) ON UPDATE SET NULL
);
INSERT INTO person (name) VALUES ('Ada'), ('Bo');
INSERT INTO passport VALUES (1, 'P-1'), (2, 'P-2');
INSERT INTO stamp (passport_id, country) VALUES (1, 'FR'), (1, 'NO'), (2, 'JP');
INSERT INTO voucher (code) VALUES ('V1'), (NULL), ('V2');
INSERT INTO redemption (voucher_code, replaced_by) VALUES ('V1', 'V2'), ('V2', NULL);
CREATE VIEW person_names AS SELECT id, name, upper(name) AS loud FROM person;
CREATE VIEW stamps_per_person AS
    SELECT p.name, count(s.id) AS stamps FROM person p
    LEFT JOIN stamp s ON s.passport_id = p.id GROUP BY p.name;
