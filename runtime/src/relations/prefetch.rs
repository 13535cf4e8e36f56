//! `prefetch_related`: the related rows of any path loaded after the main
//! query, one query per relation crossed, each selecting the rows of all the
//! parents at once (`WHERE key IN (…)`).

use std::any::Any;
use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use pookie_dialect::Dialect;
use postgres::types::Type;
use rusqlite::types::ValueRef;

use crate::db::Connection;
use crate::error::Result;
use crate::model::Model;
use crate::query::{binds_keys_as_array, SqlBuilder};
use crate::row::{FromSql, Row};
use crate::value::Param;

use super::loaded::LoadedValue;
use super::path::{mismatch, Step};

/// One relation to prefetch, and the relations to prefetch from the rows it loads.
pub(crate) struct PrefetchNode {
    pub(crate) step: Step,
    pub(crate) children: Vec<PrefetchNode>,
}

/// The relations of `paths` as a tree: a relation reached along several paths
/// (or their shared prefix) is loaded once.
pub(crate) fn plan_prefetch(paths: &[Vec<Step>]) -> Vec<PrefetchNode> {
    let mut roots: Vec<PrefetchNode> = Vec::new();
    for path in paths {
        let mut level = &mut roots;
        for step in path {
            let position = match level
                .iter()
                .position(|node| node.step.relation == step.relation)
            {
                Some(position) => position,
                None => {
                    level.push(PrefetchNode {
                        step: *step,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            level = &mut level[position].children;
        }
    }
    roots
}

/// The connection the prefetch queries run on (the main query's).
pub(crate) struct Prefetcher<'c> {
    pub(crate) connection: &'c mut Connection,
    pub(crate) dialect: Dialect,
}

/// Loads the relations of `nodes` into `rows`.
// A `Vec`, not a slice: the steps find their parents by downcasting to one.
#[allow(clippy::ptr_arg)]
pub(crate) fn prefetch_into<M: Model>(
    rows: &mut Vec<M>,
    nodes: &[PrefetchNode],
    prefetcher: &mut Prefetcher<'_>,
) -> Result<()> {
    for node in nodes {
        (node.step.prefetch)(rows, node, prefetcher)?;
    }
    Ok(())
}

/// A key value in a form that hashes and compares the same whichever side of
/// the relation it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Int(i64),
    /// Text, and what SQLite stores as text (UUIDs, decimals).
    Text(String),
    Bytes(Vec<u8>),
    /// Any other value, by its display form.
    Other(String),
}

/// Hashing for [`Key`]s: integer keys (nearly all of them) are mixed with
/// one multiplication, where the standard SipHash spends most of a prefetch's
/// own time; text and bytes keep SipHash with random keys, so that stored
/// values chosen to collide cannot slow a prefetch down.
#[derive(Clone, Default)]
pub(crate) struct KeyHashing {
    text: RandomState,
}

impl BuildHasher for KeyHashing {
    type Hasher = KeyHasher;

    fn build_hasher(&self) -> KeyHasher {
        KeyHasher {
            mixed: 0,
            text: None,
            keys: self.text.clone(),
        }
    }
}

pub(crate) struct KeyHasher {
    mixed: u64,
    text: Option<std::collections::hash_map::DefaultHasher>,
    keys: RandomState,
}

impl KeyHasher {
    fn mix(&mut self, word: u64) {
        self.mixed = (self.mixed.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        match &self.text {
            Some(text) => text.finish() ^ self.mixed,
            // The high bits choose the bucket group: spread the low ones up.
            None => self.mixed ^ (self.mixed >> 29),
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        self.text
            .get_or_insert_with(|| self.keys.build_hasher())
            .write(bytes);
    }

    fn write_u8(&mut self, word: u8) {
        self.mix(u64::from(word));
    }

    fn write_u32(&mut self, word: u32) {
        self.mix(u64::from(word));
    }

    fn write_u64(&mut self, word: u64) {
        self.mix(word);
    }

    fn write_i64(&mut self, word: i64) {
        self.mix(word as u64);
    }

    fn write_usize(&mut self, word: usize) {
        self.mix(word as u64);
    }

    fn write_isize(&mut self, word: isize) {
        self.mix(word as u64);
    }
}

impl Key {
    /// The key of a parameter; `None` for NULL, which matches nothing.
    pub(crate) fn of(param: &Param<'_>) -> Option<Key> {
        Some(match param {
            Param::Null => return None,
            Param::Bool(v) => Key::Int(i64::from(*v)),
            Param::I16(v) => Key::Int(i64::from(*v)),
            Param::I32(v) => Key::Int(i64::from(*v)),
            Param::I64(v) => Key::Int(*v),
            Param::Text(v) | Param::Decimal(v) => Key::Text(v.to_string()),
            Param::Uuid(v) => Key::Text(v.to_string()),
            Param::Bytes(v) => Key::Bytes(v.to_vec()),
            other => Key::Other(other.to_string()),
        })
    }
}

/// A key column read whatever its type, for the join table's column of a
/// many-to-many relation (its Rust type is not known there).
impl FromSql for Key {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, String> {
        Ok(match value {
            ValueRef::Integer(v) => Key::Int(v),
            ValueRef::Text(_) => Key::Text(String::from_sqlite(value)?),
            ValueRef::Blob(bytes) => Key::Bytes(bytes.to_vec()),
            ValueRef::Real(v) => Key::Other(v.to_string()),
            ValueRef::Null => return Err("expected a key, found NULL".to_owned()),
        })
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self, String> {
        let ty = row
            .columns()
            .get(index)
            .map(|column| column.type_().clone());
        Ok(match ty {
            Some(Type::INT2 | Type::INT4 | Type::INT8) => Key::Int(i64::from_postgres(row, index)?),
            Some(Type::BOOL) => Key::Int(i64::from(bool::from_postgres(row, index)?)),
            Some(Type::UUID) => Key::Text(uuid::Uuid::from_postgres(row, index)?.to_string()),
            Some(Type::BYTEA) => Key::Bytes(Vec::<u8>::from_postgres(row, index)?),
            Some(Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME) => {
                Key::Text(String::from_postgres(row, index)?)
            }
            Some(other) => {
                return Err(format!(
                    "a many-to-many key of type {other} cannot be matched: use an integer, text or UUID key"
                ))
            }
            None => return Err(format!("the row has no column {index}")),
        })
    }
}

/// Loads the `B`s related to `parents` (a `Vec<A>`) through `node`'s relation,
/// then their own prefetched relations, then stores each parent's share.
pub(crate) fn prefetch_step<A: Model, B: Model>(
    parents: &mut dyn Any,
    node: &PrefetchNode,
    prefetcher: &mut Prefetcher<'_>,
) -> Result<()> {
    let parents = parents
        .downcast_mut::<Vec<A>>()
        .ok_or_else(|| mismatch(A::META.name))?;
    let meta = node.step.meta();
    let mut seen: HashSet<Key, KeyHashing> =
        HashSet::with_capacity_and_hasher(parents.len(), KeyHashing::default());
    let mut keys: Vec<Param<'static>> = Vec::new();
    for parent in parents.iter() {
        let param = parent.column_param(meta.column_index);
        if let Some(key) = Key::of(&param) {
            if seen.insert(key) {
                keys.push(param.into_owned());
            }
        }
    }
    drop(seen);

    let mut children: Vec<B> = Vec::new();
    // The parent key of each child, for a many-to-many relation (read from
    // the join table; a child appears once per parent it belongs to).
    let mut owners: Vec<Key> = Vec::new();
    let width = B::META.columns.len();
    // One array parameter holds every key; otherwise one placeholder each.
    let per_query = if binds_keys_as_array(prefetcher.dialect, &keys) {
        keys.len()
    } else {
        prefetcher.dialect.max_parameters()
    };
    for chunk in keys.chunks(per_query.max(1)) {
        let mut builder = SqlBuilder::new(prefetcher.dialect, "SELECT ");
        builder.push_model_columns(B::META.table, B::META.columns, B::META.text_columns);
        let (key_table, key_column) = match meta.through {
            Some(through) => {
                builder.push(", ");
                builder.dialect.push_qualified(
                    &mut builder.sql,
                    through.table,
                    through.source_column,
                );
                builder.push(" FROM ");
                builder.push_ident(B::META.table);
                builder.push(" INNER JOIN ");
                builder.push_ident(through.table);
                builder.push(" ON ");
                builder.dialect.push_qualified(
                    &mut builder.sql,
                    through.table,
                    through.target_column,
                );
                builder.push(" = ");
                builder
                    .dialect
                    .push_qualified(&mut builder.sql, B::META.table, meta.target_column);
                (through.table, through.source_column)
            }
            None => {
                builder.push(" FROM ");
                builder.push_ident(B::META.table);
                (B::META.table, meta.target_column)
            }
        };
        builder.push(" WHERE ");
        builder
            .dialect
            .push_qualified(&mut builder.sql, key_table, key_column);
        builder.push_key_membership(chunk);
        // Each parent's rows come from one chunk, so they keep this order.
        builder.push_order_by(B::META.table, B::META.fields, B::META.ordering);
        let many_to_many = meta.through.is_some();
        prefetcher
            .connection
            .for_each_row(&builder.sql, &builder.params, |row: &Row<'_>| {
                children.push(B::from_row(row)?);
                if many_to_many {
                    owners.push(row.get::<Key>(width)?);
                }
                Ok(true)
            })?;
    }

    for child in &node.children {
        (child.step.prefetch)(&mut children, child, prefetcher)?;
    }

    let relation = node.step.relation;
    if meta.kind.is_single() {
        // One loaded row may be the parent of many: shared, not copied.
        let mut by_key: HashMap<Key, LoadedValue, KeyHashing> =
            HashMap::with_capacity_and_hasher(children.len(), KeyHashing::default());
        for child in children {
            if let Some(key) = Key::of(&child.column_param(meta.target_column_index)) {
                by_key.insert(key, Arc::new(Some(child)));
            }
        }
        let none: LoadedValue = Arc::new(None::<B>);
        for parent in parents.iter_mut() {
            let value = Key::of(&parent.column_param(meta.column_index))
                .and_then(|key| by_key.get(&key).cloned())
                .unwrap_or_else(|| none.clone());
            parent.loaded_mut().insert_shared(relation, value);
        }
    } else {
        let mut groups: HashMap<Key, Vec<B>, KeyHashing> = HashMap::default();
        let mut owners = owners.into_iter();
        for child in children {
            let key = match meta.through {
                Some(_) => owners.next(),
                None => Key::of(&child.column_param(meta.target_column_index)),
            };
            if let Some(key) = key {
                groups.entry(key).or_default().push(child);
            }
        }
        let shared: HashMap<Key, LoadedValue, KeyHashing> = groups
            .into_iter()
            .map(|(key, group)| (key, Arc::new(group) as LoadedValue))
            .collect();
        let empty: LoadedValue = Arc::new(Vec::<B>::new());
        for parent in parents.iter_mut() {
            let value = Key::of(&parent.column_param(meta.column_index))
                .and_then(|key| shared.get(&key).cloned())
                .unwrap_or_else(|| empty.clone());
            parent.loaded_mut().insert_shared(relation, value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Key;
    use crate::value::Param;

    #[test]
    fn keys_are_found_again_by_their_hashing() {
        use std::collections::HashMap;
        let mut map: HashMap<Key, usize, super::KeyHashing> = HashMap::default();
        for n in 0..1000 {
            map.insert(Key::Int(n), n as usize);
            map.insert(Key::Text(format!("k{n}")), n as usize + 1000);
        }
        map.insert(Key::Bytes(vec![1, 2]), 2000);
        assert_eq!(map.len(), 2001);
        assert_eq!(map.get(&Key::of(&Param::I32(42)).unwrap()), Some(&42));
        assert_eq!(map.get(&Key::Text("k42".into())), Some(&1042));
        assert_eq!(map.get(&Key::Bytes(vec![1, 2])), Some(&2000));
        assert_eq!(map.get(&Key::Int(1000)), None);
        assert_eq!(map.get(&Key::Other("k42".into())), None);
    }

    #[test]
    fn keys_match_across_integer_widths_and_uuid_spellings() {
        assert_eq!(Key::of(&Param::I32(7)), Key::of(&Param::I64(7)));
        assert_eq!(Key::of(&Param::I16(7)), Some(Key::Int(7)));
        assert_eq!(Key::of(&Param::Null), None);
        // SQLite stores a UUID as its lowercase hyphenated text.
        let id = uuid::Uuid::from_u128(0xA1A2_A3A4_B1B2_C1C2_D1D2_D3D4_D5D6_D7D8);
        assert_eq!(
            Key::of(&Param::Uuid(id)),
            Key::of(&Param::from("a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7d8"))
        );
    }
}
