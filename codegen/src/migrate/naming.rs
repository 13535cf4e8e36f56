//! Migration names: `0001_initial`, `0002_add_post_view_count`, or the name
//! the user gives with `--name`.

use pookie_grammar::migration::Operation;
use pookie_grammar::naming::snake_case;

/// Names longer than this (without the number) become `auto_YYYYMMDD_HHMM`.
const MAX_NAME: usize = 52;
/// More operations than this make an `auto_…` name too.
const MAX_PARTS: usize = 3;

/// The name of the next migration (without its number), from its operations:
/// `initial` for the first migration, else one part per operation joined with
/// `_and_` (`add_post_view_count`, `remove_post_legacy_and_add_post_slug`);
/// too many operations, or a name too long, give `auto_YYYYMMDD_HHMM` (UTC now).
///
/// ```
/// use pookie_grammar::migration::Operation;
///
/// let ops = [Operation::RemoveField { model: "Post".into(), name: "legacy".into() }];
/// assert_eq!(pookie_codegen::migrate::naming::suggest_name(&ops, false), "remove_post_legacy");
/// assert_eq!(pookie_codegen::migrate::naming::suggest_name(&ops, true), "initial");
/// ```
pub fn suggest_name(operations: &[Operation], first: bool) -> String {
    suggest_name_at(operations, first, chrono::Utc::now().naive_utc())
}

/// [`suggest_name`] with the time an `auto_…` name takes given.
pub fn suggest_name_at(
    operations: &[Operation],
    first: bool,
    now: chrono::NaiveDateTime,
) -> String {
    if first {
        return "initial".to_owned();
    }
    let auto = || format!("auto_{}", now.format("%Y%m%d_%H%M"));
    if operations.is_empty() || operations.len() > MAX_PARTS {
        return auto();
    }
    let parts: Option<Vec<String>> = operations.iter().map(part).collect();
    match parts {
        Some(parts) => {
            let name = parts.join("_and_");
            if name.len() > MAX_NAME || validate_name(&name).is_err() {
                auto()
            } else {
                name
            }
        }
        None => auto(),
    }
}

/// The part of a name one operation gives; `None` for raw SQL.
fn part(op: &Operation) -> Option<String> {
    let s = |name: &str| snake_case(name);
    let id = |name: &str| name.to_ascii_lowercase();
    Some(match op {
        Operation::CreateModel { model } => format!("create_{}", s(&model.name)),
        Operation::DeleteModel { name } => format!("delete_{}", s(name)),
        Operation::RenameModel { old, new } => format!("rename_{}_{}", s(old), s(new)),
        Operation::AlterModelTable { model, .. } => format!("alter_{}_table", s(model)),
        Operation::AlterModelOptions { model, .. } => format!("alter_{}_options", s(model)),
        Operation::AddField { model, field, .. } => {
            format!("add_{}_{}", s(model), id(&field.name))
        }
        Operation::RemoveField { model, name } => format!("remove_{}_{}", s(model), id(name)),
        Operation::RenameField { model, old, new } => {
            format!("rename_{}_{}_{}", s(model), id(old), id(new))
        }
        Operation::AlterField { model, field, .. } => {
            format!("alter_{}_{}", s(model), id(&field.name))
        }
        Operation::AddIndex { model, index } => match &index.name {
            Some(name) => format!("add_{}", id(name)),
            None => format!("add_{}_index", s(model)),
        },
        Operation::RemoveIndex { name, .. } => format!("remove_{}", id(name)),
        Operation::AddSearchIndex { model, index } => {
            format!("add_{}_{}_search", s(model), id(&index.name()))
        }
        Operation::RemoveSearchIndex { model, name } => {
            format!("remove_{}_{}_search", s(model), id(name))
        }
        Operation::AlterUniqueTogether { model, .. } => {
            format!("alter_{}_unique_together", s(model))
        }
        Operation::AddConstraint { model, constraint } => match &constraint.name {
            Some(name) => format!("add_{}", id(name)),
            None => format!("add_{}_check", s(model)),
        },
        Operation::RemoveConstraint { name, .. } => format!("remove_{}", id(name)),
        Operation::CreateEnum { def } => format!("create_{}", s(&def.name)),
        Operation::AlterEnum { def } => format!("alter_{}", s(&def.name)),
        Operation::DeleteEnum { name } => format!("delete_{}", s(name)),
        Operation::RunSql { .. } => return None,
        Operation::RunRust { forward, .. } => id(forward),
    })
}

/// Checks a migration name given by the user (`--name`): snake_case ASCII
/// (lowercase letters, digits, single `_` between words), at most 100 bytes.
///
/// ```
/// use pookie_codegen::migrate::naming::validate_name;
/// assert!(validate_name("add_post_slug").is_ok());
/// assert!(validate_name("Add post").unwrap_err().contains("snake_case"));
/// ```
pub fn validate_name(name: &str) -> Result<(), String> {
    let words_ok = !name.is_empty()
        && name.split('_').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !words_ok {
        return Err(format!(
            "the migration name `{name}` is not snake_case ASCII: use lowercase letters and \
             digits, words joined by single `_` (for example `add_post_slug`)"
        ));
    }
    if name.len() > 100 {
        return Err(format!(
            "the migration name `{name}` is longer than 100 characters: give a shorter `--name`"
        ));
    }
    Ok(())
}

/// The folder name of migration `number`: `0002_add_post_view_count`.
pub fn folder_name(number: u32, name: &str) -> String {
    format!("{number:04}_{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pookie_grammar::ir::{Field, FieldKind, FieldOptions, FieldOrigin};

    fn field(name: &str) -> Field {
        Field {
            name: name.into(),
            doc: None,
            kind: FieldKind::IntegerField,
            options: FieldOptions::default(),
            origin: FieldOrigin::Declared,
            comment: None,
        }
    }

    fn at() -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
            .unwrap()
            .and_hms_opt(14, 5, 0)
            .unwrap()
    }

    #[test]
    fn names_come_from_the_operations() {
        let add = Operation::AddField {
            model: "Post".into(),
            field: field("view_count"),
            once_default: None,
        };
        let remove = Operation::RemoveField {
            model: "Post".into(),
            name: "legacy".into(),
        };
        let rename = Operation::RenameModel {
            old: "Author".into(),
            new: "Writer".into(),
        };
        assert_eq!(
            suggest_name_at(std::slice::from_ref(&add), false, at()),
            "add_post_view_count"
        );
        assert_eq!(
            suggest_name_at(std::slice::from_ref(&remove), false, at()),
            "remove_post_legacy"
        );
        assert_eq!(
            suggest_name_at(std::slice::from_ref(&rename), false, at()),
            "rename_author_writer"
        );
        assert_eq!(
            suggest_name_at(&[remove.clone(), add.clone()], false, at()),
            "remove_post_legacy_and_add_post_view_count"
        );
        assert_eq!(
            suggest_name_at(std::slice::from_ref(&add), true, at()),
            "initial"
        );
        let many = [add.clone(), remove.clone(), rename.clone(), add];
        assert_eq!(suggest_name_at(&many, false, at()), "auto_20261127_1405");
        let long = [
            remove.clone(),
            Operation::RemoveField {
                model: "UserProfileSettings".into(),
                name: "a_rather_long_field_name".into(),
            },
        ];
        assert_eq!(suggest_name_at(&long, false, at()), "auto_20261127_1405");
        let sql = Operation::RunSql {
            forward: "SELECT 1".into(),
            backward: None,
            backend: None,
        };
        assert_eq!(suggest_name_at(&[sql], false, at()), "auto_20261127_1405");
        assert_eq!(suggest_name_at(&[], false, at()), "auto_20261127_1405");
    }

    #[test]
    fn user_names_are_checked() {
        assert!(validate_name("add_slug_2").is_ok());
        for bad in [
            "",
            "Add",
            "add slug",
            "add__slug",
            "_add",
            "add_",
            "ajouté",
            "a-b",
        ] {
            let error = validate_name(bad).unwrap_err();
            assert!(error.contains("snake_case"), "{bad}: {error}");
        }
        assert!(validate_name(&"a".repeat(101)).unwrap_err().contains("100"));
        assert_eq!(folder_name(2, "add_slug"), "0002_add_slug");
        assert_eq!(folder_name(12345, "x"), "12345_x");
    }
}
