//! `pookie graph`: an entity-relationship diagram of the schema or of a live
//! database, as Mermaid `erDiagram` (for Markdown) or DOT (for Graphviz).
//!
//! Every concrete model is an entity with its columns (type, and PK / FK / UK
//! keys); every relation is an edge with its cardinality: a ForeignKey is
//! many-to-one, a OneToOneField one-to-one, a ManyToManyField many-to-many,
//! and a nullable key makes the "one" side "zero or one".

use std::collections::BTreeSet;
use std::fmt::Write;
use std::process::ExitCode;

use pookie_grammar::ir::{Field, FieldKind, Model, Module};

use crate::project::{CommandError, CommandResult};

/// The diagram language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Mermaid `erDiagram`, which Markdown viewers draw.
    Mermaid,
    /// Graphviz DOT (`pookie graph --format dot | dot -Tsvg > schema.svg`).
    Dot,
}

/// An entity of the diagram.
#[derive(Debug)]
struct Entity {
    name: String,
    table: String,
    attributes: Vec<Attribute>,
}

#[derive(Debug)]
struct Attribute {
    name: String,
    kind: String,
    keys: Vec<&'static str>,
}

/// How many rows of one side go with a row of the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    ZeroOrOne,
    ExactlyOne,
    ZeroOrMore,
}

/// A relation: `from` (the model declaring the field) to `to`.
#[derive(Debug)]
struct Relationship {
    from: String,
    to: String,
    label: String,
    /// How many `from` rows a `to` row has.
    from_side: Side,
    /// How many `to` rows a `from` row has.
    to_side: Side,
}

/// Runs the command: prints the diagram of `modules`, restricted to `only`
/// when it names models.
pub fn run(modules: &[Module], format: Format, only: &[String]) -> CommandResult<ExitCode> {
    out!("{}", render(modules, format, only)?);
    Ok(ExitCode::SUCCESS)
}

/// The diagram's text.
pub fn render(modules: &[Module], format: Format, only: &[String]) -> CommandResult<String> {
    let models: Vec<&Model> = modules
        .iter()
        .flat_map(|module| &module.models)
        .filter(|model| !model.is_abstract)
        .collect();
    let known: BTreeSet<&str> = models.iter().map(|m| m.name.as_str()).collect();
    for name in only {
        if !known.contains(name.as_str()) {
            return Err(CommandError(format!(
                "--models names `{name}`, which is not a model of the schema; the models are {}",
                known.iter().copied().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let selected = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let mut entities = Vec::new();
    let mut relationships = Vec::new();
    for model in models.iter().filter(|m| selected(&m.name)) {
        entities.push(entity(model));
        for field in &model.fields {
            if let Some(relationship) = relationship(model, field) {
                if selected(&relationship.to) && known.contains(relationship.to.as_str()) {
                    relationships.push(relationship);
                }
            }
        }
    }
    Ok(match format {
        Format::Mermaid => mermaid(&entities, &relationships),
        Format::Dot => dot(&entities, &relationships),
    })
}

fn entity(model: &Model) -> Entity {
    let unique_alone: BTreeSet<&str> = model
        .meta
        .unique_together
        .iter()
        .filter(|set| set.len() == 1)
        .map(|set| set[0].as_str())
        .collect();
    let composite_key = &model.meta.primary_key;
    let attributes = model
        .fields
        .iter()
        .filter_map(|field| {
            let column = field.column_name()?;
            let mut keys = Vec::new();
            if field.options.primary_key || composite_key.contains(&field.name) {
                keys.push("PK");
            }
            if matches!(
                field.kind,
                FieldKind::ForeignKey(_) | FieldKind::OneToOneField(_)
            ) {
                keys.push("FK");
            }
            let unique = field.options.unique
                || matches!(field.kind, FieldKind::OneToOneField(_))
                || unique_alone.contains(field.name.as_str());
            if unique && !keys.contains(&"PK") {
                keys.push("UK");
            }
            Some(Attribute {
                name: column,
                kind: kind_name(&field.kind),
                keys,
            })
        })
        .collect();
    Entity {
        name: model.name.clone(),
        table: model.table_name(),
        attributes,
    }
}

fn kind_name(kind: &FieldKind) -> String {
    match kind {
        FieldKind::ArrayField { base } => format!("{}Array", kind_name(base)),
        other => other.type_name().to_owned(),
    }
}

fn relationship(model: &Model, field: &Field) -> Option<Relationship> {
    let one = if field.options.null {
        Side::ZeroOrOne
    } else {
        Side::ExactlyOne
    };
    let (to, from_side, to_side) = match &field.kind {
        FieldKind::ForeignKey(relation) => (&relation.to, Side::ZeroOrMore, one),
        FieldKind::OneToOneField(relation) => (&relation.to, Side::ZeroOrOne, one),
        FieldKind::ManyToManyField(m2m) => (&m2m.to, Side::ZeroOrMore, Side::ZeroOrMore),
        _ => return None,
    };
    Some(Relationship {
        from: model.name.clone(),
        to: to.clone(),
        label: field.name.clone(),
        from_side,
        to_side,
    })
}

/// A name Mermaid and DOT accept unquoted: letters, digits and `_`.
fn identifier(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    id
}

fn mermaid(entities: &[Entity], relationships: &[Relationship]) -> String {
    let mut out = String::from("erDiagram\n");
    for entity in entities {
        let _ = writeln!(out, "    {} {{", identifier(&entity.name));
        for attribute in &entity.attributes {
            let _ = write!(
                out,
                "        {} {}",
                identifier(&attribute.kind),
                identifier(&attribute.name)
            );
            if !attribute.keys.is_empty() {
                let _ = write!(out, " {}", attribute.keys.join(", "));
            }
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    for r in relationships {
        let left = match r.from_side {
            Side::ZeroOrOne => "|o",
            Side::ExactlyOne => "||",
            Side::ZeroOrMore => "}o",
        };
        let right = match r.to_side {
            Side::ZeroOrOne => "o|",
            Side::ExactlyOne => "||",
            Side::ZeroOrMore => "o{",
        };
        let _ = writeln!(
            out,
            "    {} {left}--{right} {} : \"{}\"",
            identifier(&r.from),
            identifier(&r.to),
            r.label.replace('"', "'")
        );
    }
    out
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn dot(entities: &[Entity], relationships: &[Relationship]) -> String {
    let mut out = String::from(
        "digraph schema {\n    graph [rankdir=LR, fontname=\"Helvetica\"];\n    \
         node [shape=plaintext, fontname=\"Helvetica\"];\n    \
         edge [fontname=\"Helvetica\", fontsize=10, dir=both];\n",
    );
    for entity in entities {
        let _ = write!(
            out,
            "    {} [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">\
             <tr><td bgcolor=\"lightgrey\" colspan=\"2\"><b>{}</b> ({})</td></tr>",
            identifier(&entity.name),
            html(&entity.name),
            html(&entity.table)
        );
        for attribute in &entity.attributes {
            let keys = if attribute.keys.is_empty() {
                String::new()
            } else {
                format!(" {}", attribute.keys.join(", "))
            };
            let _ = write!(
                out,
                "<tr><td align=\"left\">{}</td><td align=\"left\">{}{}</td></tr>",
                html(&attribute.name),
                html(&attribute.kind),
                keys
            );
        }
        out.push_str("</table>>];\n");
    }
    for r in relationships {
        let arrow = |side: Side| match side {
            Side::ZeroOrOne => "teeodot",
            Side::ExactlyOne => "teetee",
            Side::ZeroOrMore => "crowodot",
        };
        let _ = writeln!(
            out,
            "    {} -> {} [label=\"{}\", arrowtail={}, arrowhead={}];",
            identifier(&r.from),
            identifier(&r.to),
            html(&r.label),
            arrow(r.from_side),
            arrow(r.to_side)
        );
    }
    out.push_str("}\n");
    out
}
