#[doc = {{ model.module_doc }}]
#[allow(non_upper_case_globals, non_camel_case_types)]
pub mod {{ model.module }} {
{%- for handle in model.handles %}
    #[doc = {{ handle.doc }}]
    pub const {{ handle.ident }}: ::pookie::Column<super::{{ model.ident }}, {{ handle.ty }}> = ::pookie::Column::new({{ handle.table }}, {{ handle.column }});
{%- endfor %}
{%- for handle in model.relation_handles %}
    #[doc = {{ handle.doc }}]
    pub const {{ handle.ident }}: {{ handle.ty }} = ::pookie::{{ handle.handle }}::new({{ handle.index }});
{%- endfor %}
    /// The unique keys of [`{{ model.ident }}`](super::{{ model.ident }}), for [`OnConflict::on`](::pookie::OnConflict::on).
    pub mod unique {
{%- for key in model.unique_keys %}
        #[doc = {{ key.doc }}]
        pub const {{ key.ident }}: ::pookie::UniqueKey<super::super::{{ model.ident }}> = ::pookie::UniqueKey::new({{ key.columns }});
{%- endfor %}
    }
{%- if !model.search_handles.is_empty() %}
    /// The full-text search indexes of [`{{ model.ident }}`](super::{{ model.ident }}): `Model::objects().search(index, query)`.
    pub mod search {
{%- for handle in model.search_handles %}
        #[doc = {{ handle.doc }}]
        pub const {{ handle.ident }}: ::pookie::SearchIndex<super::super::{{ model.ident }}> = ::pookie::SearchIndex::new({{ handle.table }}, {{ handle.name }}, {{ handle.config }}, {{ handle.key }}, &[{{ handle.columns|join(", ") }}]);
{%- endfor %}
    }
{%- endif %}
{%- for marker in model.form.missing %}
    /// In the type of [`{{ model.form.ident }}`](super::{{ model.form.ident }}): a required field not set yet.
    #[derive(Debug, Clone)]
    pub struct {{ marker }};
{%- endfor %}
}
