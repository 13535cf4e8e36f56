//! [`DynQuerySet`]: a query set on a [`DynModel`], built into the same plan
//! ([`Select`]) as a typed [`QuerySet`](crate::QuerySet) and written by the
//! same compiler.

use std::borrow::Cow;

use pookie_dialect::{Dialect, SqlType};

use super::lookup::{to_param, DynQ, Literal};
use super::{DefaultSpec, DynModel};
use crate::db::{Db, Value};
use crate::error::{Error, Result};
use crate::query::{
    AggFunc, CmpOp, ColumnRef, Cond, OrderKey, Select, SelectList, Source, SqlBuilder, SqlExpr,
};
use crate::row::Row;
use crate::value::Param;

/// How many rows `get` reads at most, as the typed `get`.
const GET_READ_LIMIT: u64 = 21;

/// Rows read by a dynamic query: column names and one value per column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DynRows {
    /// The column names (field names, or the aggregates' names).
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Value>>,
}

/// An aggregate function of [`DynQuerySet::aggregate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFunc {
    /// `Count(field)`; `Count("*")` counts rows.
    Count,
    /// `Sum(field)`.
    Sum,
    /// `Avg(field)`.
    Avg,
    /// `Max(field)`.
    Max,
    /// `Min(field)`.
    Min,
}

/// One named aggregate: `total=Sum("view_count")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// The result's name.
    pub name: String,
    /// The function.
    pub func: AggregateFunc,
    /// The field (`*` for `Count("*")`).
    pub field: String,
    /// `distinct=True` (Count only).
    pub distinct: bool,
}

/// The rows of a [`DynModel`] a query selects; the dynamic face of
/// [`QuerySet`](crate::QuerySet). Nothing runs until a method taking the
/// database is called.
#[derive(Debug, Clone)]
pub struct DynQuerySet {
    model: DynModel,
    select: Select,
}

impl DynQuerySet {
    /// Every row of `model`, in its default ordering (`Model.objects.all()`).
    pub fn new(model: DynModel) -> Self {
        let meta = model.meta();
        DynQuerySet {
            model,
            select: Select {
                table: meta.table,
                columns: meta.columns,
                text_columns: meta.text_columns,
                pk_column: meta.pk_column,
                meta_ordering: meta.ordering,
                fields: meta.fields,
                source: Source::Table,
                filter: None,
                ordering: None,
                limit: None,
                offset: 0,
                distinct: false,
                lock: None,
            },
        }
    }

    /// The model.
    pub fn model(&self) -> DynModel {
        self.model
    }

    /// Only the rows matching `q` (and any earlier filter).
    #[must_use]
    pub fn filter(mut self, q: DynQ) -> Self {
        self.select.filter = Some(match self.select.filter.take() {
            Some(existing) => existing.and(q.cond),
            None => q.cond,
        });
        self
    }

    /// Only the rows not matching `q`.
    #[must_use]
    pub fn exclude(self, q: DynQ) -> Self {
        self.filter(!q)
    }

    /// Orders by these fields (`"-joined"`, `"author__name"`, `"?"`); none removes the ordering.
    pub fn order_by(mut self, names: &[&str]) -> Result<Self> {
        let terms = names
            .iter()
            .map(|name| self.model.order_key(name))
            .collect::<Result<Vec<_>>>()?;
        self.select.ordering = Some(terms);
        Ok(self)
    }

    /// Drops duplicate rows.
    #[must_use]
    pub fn distinct(mut self) -> Self {
        self.select.distinct = true;
        self
    }

    /// The rows at positions `start..end` (`[start:end]`); slicing a slice
    /// selects within it, as the typed `slice`.
    #[must_use]
    pub fn slice(mut self, start: u64, end: Option<u64>) -> Self {
        let offset = self.select.offset.saturating_add(start);
        let mut limit = end.map(|end| end.saturating_sub(start));
        if let Some(existing) = self.select.limit {
            let remaining = existing.saturating_sub(start);
            limit = Some(limit.map_or(remaining, |limit| limit.min(remaining)));
        }
        self.select.offset = offset;
        self.select.limit = limit;
        self
    }

    fn alias(&self) -> &'static str {
        self.model.meta().db_alias
    }

    /// The SELECT of every column this query set runs, for `dialect`.
    pub fn to_sql(&self, dialect: Dialect) -> String {
        let mut builder = SqlBuilder::new(dialect, "");
        builder.push_select(&self.select, SelectList::Model);
        builder.sql
    }

    fn column_types(&self) -> Vec<&'static SqlType> {
        (0..self.model.meta().columns.len())
            .filter_map(|index| self.model.sql_type(index))
            .collect()
    }

    fn run_select(&self, db: &Db, select: &Select) -> Result<DynRows> {
        let mut connection = db.connection(self.alias())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_select(select, SelectList::Model);
        let types = self.column_types();
        let rows =
            connection.query_map(&builder.sql, &builder.params, |row| read_row(row, &types))?;
        Ok(DynRows {
            columns: self
                .model
                .meta()
                .fields
                .iter()
                .map(|f| f.name.to_owned())
                .collect(),
            rows,
        })
    }

    /// Runs the query: every matching row, every column.
    pub fn all(&self, db: &Db) -> Result<DynRows> {
        self.run_select(db, &self.select)
    }

    fn ordered_or_by_pk(&self) -> Select {
        let mut select = self.select.clone();
        if !select.has_ordering() {
            select.ordering = Some(
                self.model
                    .meta()
                    .pk_columns
                    .iter()
                    .map(|&column| (OrderKey::Column(column), false))
                    .collect(),
            );
        }
        select
    }

    /// The first row in this query set's ordering (the key when it has none).
    pub fn first(&self, db: &Db) -> Result<DynRows> {
        let mut probe = DynQuerySet {
            model: self.model,
            select: self.ordered_or_by_pk(),
        }
        .slice(0, Some(1));
        probe.select.lock = None;
        probe.all(db)
    }

    /// The last row in this query set's ordering (the key when it has none).
    pub fn last(&self, db: &Db) -> Result<DynRows> {
        let mut select = self.ordered_or_by_pk();
        if select.is_sliced() {
            let mut rows = self.run_select(db, &select)?;
            let last = rows.rows.pop();
            rows.rows = last.into_iter().collect();
            return Ok(rows);
        }
        let terms: Vec<(OrderKey, bool)> = select.ordering.take().unwrap_or_default();
        select.ordering = Some(terms.into_iter().map(|(key, d)| (key, !d)).collect());
        select.limit = Some(1);
        self.run_select(db, &select)
    }

    /// The one row matching `q`: [`Error::DoesNotExist`] when there is none,
    /// [`Error::MultipleObjectsReturned`] when there are several.
    pub fn get(&self, db: &Db, q: DynQ) -> Result<DynRows> {
        let scoped = self.clone().filter(q);
        let mut probe = scoped.select.clone();
        probe.ordering = Some(Vec::new());
        if probe.limit.is_none_or(|limit| limit > GET_READ_LIMIT) {
            probe.limit = Some(GET_READ_LIMIT);
        }
        let rows = self.run_select(db, &probe)?;
        let model = self.model.meta().name;
        match rows.rows.len() {
            1 => Ok(rows),
            0 => {
                let filter = scoped.select.filter.as_ref();
                Err(Error::does_not_exist(
                    model,
                    filter.map_or_else(|| "no filter".to_owned(), |f| f.columns()),
                    filter.map_or_else(|| "no filter".to_owned(), ToString::to_string),
                ))
            }
            read => Err(Error::MultipleObjectsReturned {
                model,
                count: if (read as u64) < GET_READ_LIMIT {
                    read as u64
                } else {
                    scoped.count(db)?
                },
            }),
        }
    }

    /// How many rows match (the typed `count`'s statement).
    pub fn count(&self, db: &Db) -> Result<u64> {
        let mut connection = db.connection(self.alias())?;
        let inner = self.select.counted_inner();
        let mut builder = SqlBuilder::new(connection.dialect(), "SELECT COUNT(*) FROM ");
        builder.push_counted(&self.select, inner.as_ref());
        let count =
            connection.query_first(&builder.sql, &builder.params, |row| row.get::<i64>(0))?;
        Ok(count.unwrap_or(0).max(0) as u64)
    }

    /// True when at least one row matches.
    pub fn exists(&self, db: &Db) -> Result<bool> {
        let mut connection = db.connection(self.alias())?;
        let mut probe = self.select.clone();
        probe.ordering = Some(Vec::new());
        probe.limit = Some(probe.limit.map_or(1, |limit| limit.min(1)));
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_select(&probe, SelectList::One);
        let found = connection.query_first(&builder.sql, &builder.params, |_| Ok(()))?;
        Ok(found.is_some())
    }

    fn column_expr(&self, name: &str) -> Result<(SqlExpr, &'static SqlType, String)> {
        match self.model.step(name)? {
            super::lookup::Step::Field(index) => Ok((
                SqlExpr::Column(self.model.column_ref(index)),
                self.model.sql_type(index).unwrap_or(&SqlType::Text),
                name.to_owned(),
            )),
            super::lookup::Step::Relation(relation) if relation.kind.is_forward() => {
                let index = relation.column_index;
                Ok((
                    SqlExpr::Column(self.model.column_ref(index)),
                    self.model.sql_type(index).unwrap_or(&SqlType::Text),
                    name.to_owned(),
                ))
            }
            super::lookup::Step::Relation(_) => Err(Error::usage(format!(
                "`{name}` holds many rows: `values` takes fields of `{}`",
                self.model.name()
            ))),
        }
    }

    /// The chosen fields of every matching row (`values("name", "email")`);
    /// no field: every field.
    pub fn values(&self, db: &Db, fields: &[&str]) -> Result<DynRows> {
        let names: Vec<&str> = if fields.is_empty() {
            self.model.meta().fields.iter().map(|f| f.name).collect()
        } else {
            fields.to_vec()
        };
        let mut exprs = Vec::with_capacity(names.len());
        let mut types = Vec::with_capacity(names.len());
        let mut columns = Vec::with_capacity(names.len());
        for name in names {
            let (expr, ty, column) = self.column_expr(name)?;
            exprs.push(expr);
            types.push(ty);
            columns.push(column);
        }
        let mut connection = db.connection(self.alias())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_select(&self.select, SelectList::Exprs(&exprs, None));
        let rows =
            connection.query_map(&builder.sql, &builder.params, |row| read_row(row, &types))?;
        Ok(DynRows { columns, rows })
    }

    /// Computes aggregates over the matching rows in one query, as the typed `aggregate`.
    pub fn aggregate(&self, db: &Db, aggregates: &[Aggregate]) -> Result<DynRows> {
        let mut exprs = Vec::with_capacity(aggregates.len());
        let mut types: Vec<&'static SqlType> = Vec::with_capacity(aggregates.len());
        for aggregate in aggregates {
            let (expr, ty) = self.aggregate_expr(aggregate)?;
            exprs.push(expr);
            types.push(ty);
        }
        let mut select = self.select.clone();
        if select.is_sliced() || select.distinct {
            let inner = std::mem::replace(&mut select.source, Source::Table);
            let mut member = select.clone();
            member.source = inner;
            select = DynQuerySet::new(self.model).select;
            select.source = Source::Compound {
                first: Box::new(member),
                rest: Vec::new(),
            };
        }
        select.ordering = Some(Vec::new());
        let mut connection = db.connection(self.alias())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "");
        builder.push_select(&select, SelectList::Exprs(&exprs, None));
        let rows =
            connection.query_map(&builder.sql, &builder.params, |row| read_row(row, &types))?;
        Ok(DynRows {
            columns: aggregates.iter().map(|a| a.name.clone()).collect(),
            rows,
        })
    }

    fn aggregate_expr(&self, aggregate: &Aggregate) -> Result<(SqlExpr, &'static SqlType)> {
        static BIGINT: SqlType = SqlType::BigInt;
        static DOUBLE: SqlType = SqlType::Double;
        if aggregate.field == "*" {
            if aggregate.func != AggregateFunc::Count {
                return Err(Error::usage("only Count takes \"*\""));
            }
            return Ok((
                SqlExpr::Aggregate {
                    func: AggFunc::Count,
                    distinct: false,
                    arg: None,
                },
                &BIGINT,
            ));
        }
        let (column, ty, _) = self.column_expr(&aggregate.field)?;
        let call = |func| SqlExpr::Aggregate {
            func,
            distinct: aggregate.distinct,
            arg: Some(Box::new(column.clone())),
        };
        let numeric = |what: &str| -> Result<&'static SqlType> {
            match ty {
                SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => Ok(&BIGINT),
                SqlType::Double => Ok(&DOUBLE),
                _ => Err(Error::usage(format!(
                    "{what} needs a numeric field (an integer or float field), and `{}` is not one",
                    aggregate.field
                ))),
            }
        };
        Ok(match aggregate.func {
            AggregateFunc::Count => (call(AggFunc::Count), &BIGINT),
            AggregateFunc::Sum => {
                let to = numeric("Sum")?;
                (
                    SqlExpr::Cast {
                        expr: Box::new(call(AggFunc::Sum)),
                        to: to.clone(),
                    },
                    to,
                )
            }
            AggregateFunc::Avg => {
                numeric("Avg")?;
                (
                    SqlExpr::Cast {
                        expr: Box::new(call(AggFunc::Avg)),
                        to: SqlType::Double,
                    },
                    &DOUBLE,
                )
            }
            AggregateFunc::Max => (call(AggFunc::Max), ty),
            AggregateFunc::Min => (call(AggFunc::Min), ty),
        })
    }

    /// Sets fields on every matching row in one statement; returns how many changed.
    pub fn update(&self, db: &Db, assignments: &[(String, Literal)]) -> Result<u64> {
        if assignments.is_empty() {
            return Ok(0);
        }
        let mut values = Vec::with_capacity(assignments.len());
        for (name, value) in assignments {
            let index = self.settable(name)?;
            values.push((
                self.model.meta().columns[index],
                SqlExpr::Value(self.model.param(index, value.clone())?),
            ));
        }
        let mut connection = db.connection(self.alias())?;
        let mut builder = SqlBuilder::new(connection.dialect(), "UPDATE ");
        builder.push_ident(self.model.meta().table);
        for (index, (column, value)) in values.iter().enumerate() {
            builder.push(if index == 0 { " SET " } else { ", " });
            builder.push_ident(column);
            builder.push(" = ");
            builder.push_expr(value);
        }
        self.push_row_selection(&mut builder);
        connection.execute(&builder.sql, &builder.params)
    }

    /// The column index of a field a write may set (a forward relation sets its key).
    fn settable(&self, name: &str) -> Result<usize> {
        match self.model.step(name)? {
            super::lookup::Step::Field(index) => Ok(index),
            super::lookup::Step::Relation(relation) if relation.kind.is_forward() => {
                Ok(relation.column_index)
            }
            super::lookup::Step::Relation(_) => Err(Error::usage(format!(
                "`{name}` is the other side of a relation: set it from the model that holds the key"
            ))),
        }
    }

    /// Deletes every matching row in one statement, refusing (and deleting
    /// nothing) when a protected row points at one, as the typed `delete`.
    pub fn delete(&self, db: &Db) -> Result<u64> {
        let meta = self.model.meta();
        let rows = || Cow::Borrowed(&self.select);
        crate::relations::delete_checked(db, self.alias(), meta, rows, |db| {
            let mut connection = db.connection(self.alias())?;
            let mut builder = SqlBuilder::new(connection.dialect(), "DELETE FROM ");
            builder.push_ident(meta.table);
            self.push_row_selection(&mut builder);
            connection.execute(&builder.sql, &builder.params)
        })
    }

    fn push_row_selection<'q>(&'q self, builder: &mut SqlBuilder<'q>) {
        let meta = self.model.meta();
        builder.push_row_selection(&self.select, meta.table, meta.pk_columns);
    }

    /// Inserts a row with these fields (the others take their defaults, as an
    /// insert form's do) and reads it back.
    pub fn create(&self, db: &Db, fields: &[(String, Literal)]) -> Result<DynRows> {
        let meta = self.model.meta();
        let now = crate::ops::now();
        let mut given: Vec<Option<Param<'static>>> = vec![None; meta.columns.len()];
        for (name, value) in fields {
            let index = self.settable(name)?;
            given[index] = Some(self.model.param(index, value.clone())?);
        }
        let mut columns = Vec::new();
        let mut params = Vec::new();
        for (index, field) in meta.fields.iter().enumerate() {
            let info = self.model.info(index);
            if meta.auto_pk && field.primary_key {
                if given[index].is_some() {
                    return Err(Error::usage(format!(
                        "`{}` is assigned by the database: leave it out of create",
                        field.name
                    )));
                }
                continue;
            }
            let value = match given[index].take() {
                Some(value) => value,
                None if info.auto_now || info.auto_now_add => now_param(&info.sql_type, now),
                None => match &info.default {
                    Some(DefaultSpec::Value(value)) => self.model.param(index, value.clone())?,
                    Some(DefaultSpec::Now) => now_param(&info.sql_type, now),
                    Some(DefaultSpec::Uuid4) => Param::Uuid(uuid::Uuid::new_v4()),
                    Some(DefaultSpec::EmptyList) => {
                        to_param(&info.sql_type, Literal::List(Vec::new())).map_err(Error::usage)?
                    }
                    Some(DefaultSpec::EmptyObject) => Param::Json(Cow::Borrowed("{}")),
                    Some(DefaultSpec::Database) => continue,
                    None if field.null => Param::Null,
                    None => {
                        return Err(Error::usage(format!(
                            "`{}.create` needs `{}` (a {} without a default)",
                            meta.name, field.name, field.field_type
                        )))
                    }
                },
            };
            columns.push(meta.columns[index]);
            params.push(value);
        }
        let mut connection = db.connection(self.alias())?;
        let dialect = connection.dialect();
        let mut sql = String::from("INSERT INTO ");
        dialect.push_ident(&mut sql, meta.table);
        sql.push_str(" (");
        for (index, column) in columns.iter().enumerate() {
            if index > 0 {
                sql.push_str(", ");
            }
            dialect.push_ident(&mut sql, column);
        }
        sql.push_str(") VALUES (");
        for index in 0..params.len() {
            if index > 0 {
                sql.push_str(", ");
            }
            dialect.push_placeholder(&mut sql, index + 1);
        }
        sql.push(')');
        let key_cond = if meta.auto_pk {
            if dialect.returns_keys_with_returning() {
                sql.push_str(" RETURNING ");
                dialect.push_ident(&mut sql, meta.pk_column);
            }
            let key = connection.insert_returning_key(&sql, &params)?;
            let index = self.model.field_index(meta.pk_column).unwrap_or(0);
            vec![Cond::Compare {
                column: self.model.column_ref(index),
                op: CmpOp::Eq,
                value: to_param(
                    self.model.sql_type(index).unwrap_or(&SqlType::BigInt),
                    Literal::Int(key),
                )
                .map_err(Error::usage)?,
            }]
        } else {
            connection.execute(&sql, &params)?;
            meta.pk_columns
                .iter()
                .map(|column| Cond::Compare {
                    column: ColumnRef {
                        table: meta.table,
                        name: column,
                        nullable: false,
                    },
                    op: CmpOp::Eq,
                    value: params_at(&columns, &params, column).unwrap_or(Param::Null),
                })
                .collect()
        };
        drop(connection);
        DynQuerySet::new(self.model).get(
            db,
            DynQ {
                cond: Cond::And(key_cond),
            },
        )
    }
}

fn params_at(columns: &[&str], params: &[Param<'static>], column: &str) -> Option<Param<'static>> {
    columns
        .iter()
        .position(|c| *c == column)
        .and_then(|index| params.get(index).cloned())
}

fn now_param(ty: &SqlType, now: chrono::DateTime<chrono::Utc>) -> Param<'static> {
    match ty {
        SqlType::Date => Param::Date(now.date_naive()),
        SqlType::Time => Param::Time(now.time()),
        _ => Param::DateTime(now),
    }
}

/// Reads one row, each column with the reader of its SQL type.
fn read_row(row: &Row<'_>, types: &[&SqlType]) -> Result<Vec<Value>> {
    types
        .iter()
        .enumerate()
        .map(|(index, ty)| read_value(row, index, ty))
        .collect()
}

fn read_value(row: &Row<'_>, index: usize, ty: &SqlType) -> Result<Value> {
    fn text<T: ToString>(value: Option<T>) -> Value {
        value.map_or(Value::Null, |v| Value::Text(v.to_string()))
    }
    Ok(match ty {
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => row
            .get::<Option<i64>>(index)?
            .map_or(Value::Null, Value::Int),
        SqlType::Double => row
            .get::<Option<f64>>(index)?
            .map_or(Value::Null, Value::Float),
        SqlType::Decimal { .. } => text(row.get::<Option<bigdecimal::BigDecimal>>(index)?),
        SqlType::Boolean => row
            .get::<Option<bool>>(index)?
            .map_or(Value::Null, Value::Bool),
        SqlType::Varchar(_) | SqlType::Char(_) | SqlType::Text | SqlType::Named(_) => row
            .get::<Option<String>>(index)?
            .map_or(Value::Null, Value::Text),
        SqlType::Uuid => text(row.get::<Option<uuid::Uuid>>(index)?),
        SqlType::Date => text(row.get::<Option<chrono::NaiveDate>>(index)?),
        SqlType::Time => text(row.get::<Option<chrono::NaiveTime>>(index)?),
        SqlType::Timestamp => row
            .get::<Option<chrono::DateTime<chrono::Utc>>>(index)?
            .map_or(Value::Null, Value::DateTime),
        SqlType::Json => text(row.get::<Option<serde_json::Value>>(index)?),
        SqlType::Bytes => row
            .get::<Option<Vec<u8>>>(index)?
            .map_or(Value::Null, Value::Bytes),
        SqlType::Array(inner) => match **inner {
            SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => {
                list(row.get::<Option<Vec<i64>>>(index)?)
            }
            SqlType::Double => list(row.get::<Option<Vec<f64>>>(index)?),
            SqlType::Boolean => list(row.get::<Option<Vec<bool>>>(index)?),
            _ => list(row.get::<Option<Vec<String>>>(index)?),
        },
    })
}

fn list<T: serde::Serialize>(items: Option<Vec<T>>) -> Value {
    items.map_or(Value::Null, |items| {
        Value::Text(serde_json::to_string(&items).unwrap_or_default())
    })
}
