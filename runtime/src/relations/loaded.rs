//! The related rows loaded with an instance by `select_related` and
//! `prefetch_related`, kept so that reading a relation does not query again.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// A shared, type-erased loaded value.
pub type LoadedValue = Arc<dyn Any + Send + Sync>;

/// The related rows loaded with one instance, by relation (the position in
/// [`ModelMeta::relations`](crate::ModelMeta::relations)). A single-valued
/// relation (forward, reverse one-to-one) holds an `Option<T>`; a
/// many-valued one (reverse foreign key, many-to-many) holds a `Vec<T>`.
///
/// Empty, and without an allocation, until a query loads something. It never takes part in comparisons: two instances with the same
/// fields are equal whatever was loaded with them.
///
/// It also remembers the database the instance was read from or saved to
/// when that was not the model's own (`.using("audit")`), as Django's
/// `instance._state.db`: `save`, `delete`, `refresh_from_db` and relation
/// accessors then go back to it.
#[derive(Clone, Default)]
pub struct Loaded {
    /// `None` until something is loaded or a database remembered: a plain
    /// instance carries one pointer, not the relation cache itself.
    state: Option<Box<State>>,
}

#[derive(Clone, Default)]
struct State {
    slots: Slots,
    db: Option<Arc<str>>,
}

/// One loaded relation is the common case (`select_related(post::author)`):
/// it is kept inline, without a vector to allocate per instance.
#[derive(Clone, Default)]
enum Slots {
    #[default]
    Empty,
    One(usize, LoadedValue),
    Many(Vec<(usize, LoadedValue)>),
}

impl Loaded {
    /// Nothing loaded.
    pub const fn new() -> Self {
        Loaded { state: None }
    }

    /// The database alias the instance came from, when a query set or a
    /// write named one (`.using(…)`); `None` means the model's own.
    pub fn db_alias(&self) -> Option<&str> {
        self.state.as_ref()?.db.as_deref()
    }

    /// Takes the remembered database alias out, leaving `None`.
    pub fn take_db_alias(&mut self) -> Option<Arc<str>> {
        let db = self.state.as_mut()?.db.take();
        self.drop_state_if_unused();
        db
    }

    /// Records the database alias the instance belongs to (`None`: the model's own).
    pub fn set_db_alias(&mut self, alias: Option<Arc<str>>) {
        match (&mut self.state, alias) {
            (Some(state), alias) => {
                state.db = alias;
                self.drop_state_if_unused();
            }
            (None, None) => {}
            (None, Some(alias)) => {
                self.state = Some(Box::new(State {
                    slots: Slots::Empty,
                    db: Some(alias),
                }))
            }
        }
    }

    /// The value loaded for `relation`, when it is a `T`.
    pub fn get<T: Any>(&self, relation: usize) -> Option<&T> {
        self.get_shared(relation)
            .and_then(|value| value.downcast_ref::<T>())
    }

    /// Stores `value` for `relation`, replacing what was there.
    pub fn insert<T: Any + Send + Sync>(&mut self, relation: usize, value: T) {
        self.insert_shared(relation, Arc::new(value));
    }

    /// Stores a value shared with other instances (one parent loaded for many children).
    pub fn insert_shared(&mut self, relation: usize, value: LoadedValue) {
        let slots = &mut self.state.get_or_insert_with(Box::default).slots;
        match slots {
            Slots::Empty => *slots = Slots::One(relation, value),
            Slots::One(index, slot) if *index == relation => *slot = value,
            Slots::One(..) => {
                let Slots::One(index, first) = std::mem::take(slots) else {
                    unreachable!("matched just above");
                };
                *slots = Slots::Many(vec![(index, first), (relation, value)]);
            }
            Slots::Many(many) => match many.iter_mut().find(|(index, _)| *index == relation) {
                Some(slot) => slot.1 = value,
                None => many.push((relation, value)),
            },
        }
    }

    /// The shared value loaded for `relation`.
    pub fn get_shared(&self, relation: usize) -> Option<&LoadedValue> {
        match &self.state.as_ref()?.slots {
            Slots::Empty => None,
            Slots::One(index, value) => (*index == relation).then_some(value),
            Slots::Many(slots) => slots
                .iter()
                .find(|(index, _)| *index == relation)
                .map(|(_, value)| value),
        }
    }

    /// Forgets what was loaded for `relation`.
    pub fn remove(&mut self, relation: usize) {
        let Some(state) = &mut self.state else {
            return;
        };
        match &mut state.slots {
            Slots::One(index, _) if *index == relation => state.slots = Slots::Empty,
            Slots::Many(slots) => slots.retain(|(index, _)| *index != relation),
            _ => {}
        }
        self.drop_state_if_unused();
    }

    /// Forgets everything loaded.
    pub fn clear(&mut self) {
        if let Some(state) = &mut self.state {
            state.slots = Slots::Empty;
        }
        self.drop_state_if_unused();
    }

    /// True when nothing is loaded.
    pub fn is_empty(&self) -> bool {
        match self.state.as_ref().map(|state| &state.slots) {
            None | Some(Slots::Empty) => true,
            Some(Slots::One(..)) => false,
            Some(Slots::Many(slots)) => slots.is_empty(),
        }
    }

    fn relations(&self) -> Vec<usize> {
        match self.state.as_ref().map(|state| &state.slots) {
            None | Some(Slots::Empty) => Vec::new(),
            Some(Slots::One(index, _)) => vec![*index],
            Some(Slots::Many(slots)) => slots.iter().map(|(index, _)| *index).collect(),
        }
    }

    /// Frees the state once it holds nothing.
    fn drop_state_if_unused(&mut self) {
        if self.is_empty() && self.db_alias().is_none() {
            self.state = None;
        }
    }
}

impl PartialEq for Loaded {
    fn eq(&self, _: &Loaded) -> bool {
        true
    }
}

impl fmt::Debug for Loaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Loaded");
        debug.field("relations", &self.relations());
        if let Some(db) = self.db_alias() {
            debug.field("db", &db);
        }
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Loaded;

    #[test]
    fn loaded_values_are_found_by_relation_and_type() {
        let mut loaded = Loaded::new();
        assert!(loaded.is_empty());
        loaded.insert(2, vec![1_i64, 2]);
        loaded.insert(0, Some(String::from("Grace")));
        assert_eq!(loaded.get::<Vec<i64>>(2), Some(&vec![1, 2]));
        assert_eq!(loaded.get::<Option<String>>(0), Some(&Some("Grace".into())));
        assert_eq!(loaded.get::<Vec<i64>>(0), None);
        loaded.insert(2, vec![3_i64]);
        assert_eq!(loaded.get::<Vec<i64>>(2), Some(&vec![3]));
        loaded.remove(2);
        assert_eq!(loaded.get::<Vec<i64>>(2), None);
        loaded.remove(0);
        assert!(loaded.is_empty());
        loaded.insert(5, 1_u8);
        assert_eq!(loaded.get::<u8>(5), Some(&1));
        assert_eq!(loaded.get::<u8>(4), None);
        loaded.insert(5, 2_u8);
        assert_eq!(format!("{loaded:?}"), "Loaded { relations: [5] }");
        assert_eq!(loaded.get::<u8>(5), Some(&2));
        loaded.remove(5);
        assert!(loaded.is_empty());
        assert_eq!(loaded, Loaded::new());
        assert!(loaded.state.is_none(), "nothing loaded, nothing allocated");
        loaded.set_db_alias(Some("audit".into()));
        loaded.insert(1, 3_u8);
        loaded.clear();
        assert_eq!(loaded.db_alias(), Some("audit"));
        assert_eq!(loaded.take_db_alias().as_deref(), Some("audit"));
        assert!(loaded.state.is_none());
    }

    #[test]
    fn an_instance_carries_one_pointer_for_its_loaded_relations() {
        assert_eq!(std::mem::size_of::<Loaded>(), std::mem::size_of::<usize>());
    }
}
