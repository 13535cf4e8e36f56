#[doc = {{ model.module_doc }}]
#[allow(non_upper_case_globals)]
pub mod {{ model.module }} {
{%- for handle in model.handles %}
    #[doc = {{ handle.doc }}]
    pub const {{ handle.ident }}: ::pookie::Column<super::{{ model.ident }}, {{ handle.ty }}> = ::pookie::Column::new({{ handle.table }}, {{ handle.column }});
{%- endfor %}
{%- for handle in model.relation_handles %}
    #[doc = {{ handle.doc }}]
    pub const {{ handle.ident }}: {{ handle.ty }} = ::pookie::{{ handle.handle }}::new({{ handle.index }});
{%- endfor %}
{%- if !model.form.missing.is_empty() %}
    /// The types of the required fields of [`{{ model.form.ident }}`](super::{{ model.form.ident }})
    /// not set yet: one in the form's type is a field still missing.
    #[allow(non_camel_case_types)]
    pub mod missing {
{%- for field in model.form.missing %}
        /// The field `{{ field }}`, not set yet.
        #[derive(Debug, Clone)]
        pub struct {{ field }};
{%- endfor %}
    }
{%- endif %}
}
