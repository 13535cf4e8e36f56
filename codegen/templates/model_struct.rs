{%- import "macros.rs" as m -%}
{%- call m::doc(model.doc) %}{%- endcall %}
#[derive(Debug, Clone, PartialEq)]
pub struct {{ model.ident }} {
{%- for field in model.fields %}
{%- call m::doc(field.doc) %}{%- endcall %}
    pub {{ field.ident }}: {{ field.ty }},
{%- endfor %}
    /// The related rows loaded with this instance (`select_related`, `prefetch_related`).
    #[doc(hidden)]
    pub __loaded: ::pookie::Loaded,
}
