{#- The root: one generated file per schema module. The `@generated` header is
    added after formatting (comments do not survive the parser). -#}
{%- for e in enums %}
{% include "enum.rs" %}
{%- endfor %}
{%- for model in models %}
{% include "model_struct.rs" %}
{% include "column_module.rs" %}
{% include "insert_form.rs" %}
{% include "model_impl.rs" %}
{% include "inherent_impl.rs" %}
{% include "validate_impl.rs" %}
{%- endfor %}

/// Creates the tables of every model of this schema, each after the tables it refers to.
pub fn create_tables(db: &::pookie::Db) -> ::pookie::Result<()> {
{%- if create_order.is_empty() && join_tables.is_empty() %}
    let _ = db;
{%- endif %}
{%- for model in create_order %}
    {{ model }}::create_table(db)?;
{%- endfor %}
{%- for join in join_tables %}
    ::pookie::relations::create_join_table(db, {{ join.alias }}, [{% for statements in join.statements %}&[{% for s in statements %}{{ s }}, {% endfor %}], {% endfor %}])?;
{%- endfor %}
    ::core::result::Result::Ok(())
}

/// Every model of this schema module, in source order: give it to
/// `pookie::registry!` (or `pookie::registry::Registry::new`) with the other
/// modules' lists to list the models a program includes and find them by name.
pub const MODELS: ::pookie::registry::Models = ::pookie::registry::Models {
    module: {{ module_name }},
    models: &[{% for model in models %}&<{{ model.ident }} as ::pookie::Model>::META, {% endfor %}],
};
