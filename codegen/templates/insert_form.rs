{%- import "macros.rs" as m -%}
{%- let form = model.form -%}
{%- call m::doc(form.doc) %}{%- endcall %}
#[derive(Debug, Clone)]
#[must_use = "an insert form does nothing until it is passed to `create`"]
pub struct {{ form.ident }}{{ form.generics_decl }} {
{%- for field in form.fields %}
    {{ field.ident }}: {{ field.ty }},
{%- endfor %}
}

// Each unset required field's type is its marker in `{{ model.module }}::missing`.
#[allow(clippy::type_complexity)]
impl {{ form.empty }} {
    /// An empty form: every required field unset, every other field at its default.
    pub fn new() -> Self {
        {{ form.ident }} {
{%- for field in form.fields %}
            {{ field.ident }}: {{ field.empty }},
{%- endfor %}
        }
    }
}

#[allow(clippy::type_complexity)]
impl ::core::default::Default for {{ form.empty }} {
    fn default() -> Self {
        Self::new()
    }
}

// A form with many required fields has a long type; it is spelled out on purpose.
#[allow(clippy::type_complexity)]
impl{{ form.generics }} {{ form.ident }}{{ form.generics }} {
{%- for setter in form.setters %}
    #[doc = {{ setter.doc }}]
{%- if setter.required %}
    pub fn {{ setter.ident }}(self, value: impl {{ setter.bound }}) -> {{ setter.returns }} {
        {{ form.ident }} {
{%- call m::struct_fields(setter.moved) %}{%- endcall %}
        }
    }
{%- else %}
    pub fn {{ setter.ident }}(mut self, value: impl {{ setter.bound }}) -> Self {
        self.{{ setter.ident }} = ::core::option::Option::Some({{ setter.convert }});
        self
    }
{%- endif %}
{%- endfor %}
{%- for setter in form.instance_setters %}
    #[doc = {{ setter.doc }}]
    pub fn {{ setter.ident }}(self, value: &{{ setter.target }}) -> {{ setter.returns }} {
        self.{{ setter.key_setter }}(::core::clone::Clone::clone(&value.{{ setter.key_field }}))
    }
{%- endfor %}
    /// Inserts the row this form describes and returns it: the same as
    /// `{{ model.ident }}::objects().create(db, form)`, on the model's database.
    pub fn save(self, db: &::pookie::Db) -> ::pookie::Result<{{ model.ident }}>
{%- if !form.missing.is_empty() %}
    where
        Self: ::pookie::Insert<Model = {{ model.ident }}>,
{%- endif %}
    {
        ::pookie::QuerySet::new().create(db, self)
    }
}

impl ::pookie::Insert for {{ form.complete }} {
    type Model = {{ model.ident }};
    fn into_model(self, now: ::pookie::chrono::DateTime<::pookie::chrono::Utc>) -> {{ model.ident }} {
{%- if !form.uses_now %}
        let _ = now;
{%- endif %}
        {{ model.ident }} {
{%- call m::struct_fields(form.into_model) %}{%- endcall %}
            __loaded: ::pookie::Loaded::new(),
        }
    }
    fn sets_column(&self, column: usize) -> bool {
{%- if form.sets_column.is_empty() %}
{%- if form.always_set == "false" %}
        let _ = column;
{%- endif %}
        {{ form.always_set }}
{%- else %}
        match column {
{%- for arm in form.sets_column %}
            {{ arm.ident }} => {{ arm.expr }},
{%- endfor %}
            _ => {{ form.always_set }},
        }
{%- endif %}
    }
}
