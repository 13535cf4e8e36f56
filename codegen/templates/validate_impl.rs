{%- let v = model.validate -%}
impl ::pookie::Validate for {{ model.ident }} {
    const UNIQUE: &'static [::pookie::validation::UniqueSet] = &[
{%- for set in v.unique %}
        ::pookie::validation::UniqueSet {
            fields: &[{{ set.fields }}],
            exists: [{{ set.exists }}],
            exists_other: [{{ set.exists_other }}],
        },
{%- endfor %}
    ];

    fn clean_fields(&self, errors: &mut ::pookie::ValidationError) {
{%- if v.checks.is_empty() %}
        let _ = errors;
{%- endif %}
{%- for check in v.checks %}
        {{ check }}
{%- endfor %}
    }

    fn push_unique_params<'a>(&'a self, set: usize, out: &mut ::std::vec::Vec<::pookie::Param<'a>>) {
{%- if v.unique.is_empty() %}
        let _ = (set, out);
{%- else %}
{%- for set in v.unique %}
        {% if !loop.first %}else {% endif %}if set == {{ loop.index0 }} {
{%- for param in set.params %}
            out.push({{ param }});
{%- endfor %}
        }
{%- endfor %}
{%- endif %}
    }
}

impl {{ model.ident }} {
    /// Runs every check of this instance: each field's built-in checks, then
    /// its [`Hooks::clean`](::pookie::Hooks::clean), then uniqueness against
    /// the database (its own row excluded). `save` runs it first.
    pub fn full_clean(&self, db: &::pookie::Db) -> ::pookie::Result<()> {
        ::pookie::validation::full_clean(self, db, false)
    }

    /// Checks only that no other row holds this instance's unique values.
    pub fn validate_unique(&self, db: &::pookie::Db) -> ::pookie::Result<()> {
        ::pookie::validation::validate_unique(self, db, false)
    }
}

#[allow(clippy::type_complexity)]
impl {{ model.form.complete }} {
    /// Runs every check of the instance this form would create, as `create`
    /// does before inserting it.
    pub fn full_clean(&self, db: &::pookie::Db) -> ::pookie::Result<()> {
        let object = ::pookie::Insert::into_model(::core::clone::Clone::clone(self), ::pookie::ops::now());
        ::pookie::validation::full_clean(&object, db, true)
    }
}
