//! The static description of a model's relations, computed at build time.

use crate::model::ModelMeta;

/// What a relation is, seen from the model that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// A `ForeignKey` of this model: one target row (or none when the key is NULL).
    ForeignKey,
    /// A `OneToOneField` of this model: one target row (or none when the key is NULL).
    OneToOne,
    /// Another model's `ForeignKey` to this one: any number of rows.
    ReverseForeignKey,
    /// Another model's `OneToOneField` to this one: one row or none.
    ReverseOneToOne,
    /// A `ManyToManyField`, from either side: any number of rows, through a join table.
    ManyToMany,
}

impl RelationKind {
    /// True for the relations that hold at most one row.
    pub const fn is_single(self) -> bool {
        matches!(
            self,
            RelationKind::ForeignKey | RelationKind::OneToOne | RelationKind::ReverseOneToOne
        )
    }

    /// True for the relations declared on this model (its column holds the key).
    pub const fn is_forward(self) -> bool {
        matches!(self, RelationKind::ForeignKey | RelationKind::OneToOne)
    }
}

/// What the database does to the rows that point at a deleted row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// Delete them too.
    Cascade,
    /// Set their key to NULL.
    SetNull,
    /// Set their key to its default.
    SetDefault,
    /// Refuse the delete with [`Error::Protected`](crate::Error::Protected),
    /// listing them; nothing is deleted.
    Protect,
    /// Refuse the delete (the database's `ON DELETE RESTRICT`).
    Restrict,
    /// Nothing: the database's `NO ACTION` check refuses the delete while they exist.
    DoNothing,
}

/// The join table of a many-to-many relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Through {
    /// The join table (`posts_tags`).
    pub table: &'static str,
    /// Its column holding this model's key (`posts_id`).
    pub source_column: &'static str,
    /// Its column holding the target's key (`tags_id`).
    pub target_column: &'static str,
    /// The explicit join model (`through = Membership`), when there is one.
    pub model: Option<&'static str>,
}

/// One relation of a model: the rows of `target_table` whose `target_column`
/// equals this model's `column` (through the join table for many-to-many).
#[derive(Debug, Clone, Copy)]
pub struct RelationMeta {
    /// The accessor's name: the field name (`author`, `tags`), or the reverse
    /// name (`related_name`, else `<model>_set`; `<model>` for a one-to-one).
    pub name: &'static str,
    /// What the relation is.
    pub kind: RelationKind,
    /// This model's column: the key column of a forward relation (`author_id`),
    /// else the referenced column (the primary key, or the `to_field`).
    pub column: &'static str,
    /// The position of `column` in this model's [`ModelMeta::columns`].
    pub column_index: usize,
    /// The other model.
    pub target: fn() -> &'static ModelMeta,
    /// The other model's table.
    pub target_table: &'static str,
    /// The other model's column matched against `column`: the referenced key
    /// of a forward relation, the key column of a reverse one, the primary
    /// key for many-to-many.
    pub target_column: &'static str,
    /// The position of `target_column` in the other model's columns.
    pub target_column_index: usize,
    /// The join table of a many-to-many relation.
    pub through: Option<Through>,
    /// The key column accepts NULL (of this model for a forward relation, of
    /// the other model for a reverse one).
    pub nullable: bool,
    /// The `on_delete` of the foreign key (`Cascade` for many-to-many: join
    /// rows go with either side).
    pub on_delete: OnDelete,
}
