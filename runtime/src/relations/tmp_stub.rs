#![allow(missing_docs, unused)]
use super::*;
use crate::{Db, Model, Result};
use std::borrow::Cow;
pub fn fetch_related<'a, M: Model, T: Model>(
    this: &'a M,
    rel: ForeignKey<M, T>,
    db: &Db,
) -> Result<Cow<'a, T>> {
    unimplemented!()
}
pub fn fetch_related_optional<'a, M: Model, T: Model>(
    this: &'a M,
    rel: ForeignKey<M, T>,
    db: &Db,
) -> Result<Option<Cow<'a, T>>> {
    unimplemented!()
}
pub fn fetch_reverse_one<'a, M: Model, T: Model>(
    this: &'a M,
    rel: ReverseOne<M, T>,
    db: &Db,
) -> Result<Cow<'a, T>> {
    unimplemented!()
}
pub struct RelatedSet<'a, M, T>(&'a M, Reverse<M, T>);
impl<'a, M, T> RelatedSet<'a, M, T> {
    pub fn new(m: &'a M, r: Reverse<M, T>) -> Self {
        RelatedSet(m, r)
    }
}
pub struct ManyRelated<'a, M, T>(&'a M, ManyToMany<M, T>);
impl<'a, M, T> ManyRelated<'a, M, T> {
    pub fn new(m: &'a M, r: ManyToMany<M, T>) -> Self {
        ManyRelated(m, r)
    }
}
