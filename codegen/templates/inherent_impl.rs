{%- import "macros.rs" as m -%}
impl {{ model.ident }} {
    #[doc = {{ model.method_docs.objects }}]
    pub fn objects() -> ::pookie::QuerySet<Self> {
        ::pookie::QuerySet::new()
    }

{%- if model.get_params.is_empty() %}
    /// Fetches the row with this primary key, or [`Error::DoesNotExist`](::pookie::Error::DoesNotExist).
    pub fn get(db: &::pookie::Db, pk: {{ model.pk_type }}) -> ::pookie::Result<Self> {
        ::pookie::ops::get_by_pk(db, &pk)
    }
{%- else %}
    /// Fetches the row with this primary key, given as a tuple of the key's
    /// fields in key order, or [`Error::DoesNotExist`](::pookie::Error::DoesNotExist).
    pub fn get(db: &::pookie::Db, pk: {{ model.pk_type }}) -> ::pookie::Result<Self> {
        ::pookie::ops::get_by_key(db, &[{% for param in model.get_params %}{{ param }}, {% endfor %}])
    }
{%- endif %}

    /// Writes every editable field of this row back to the database, by primary key.
    pub fn save(&mut self, db: &::pookie::Db) -> ::pookie::Result<()> {
        ::pookie::ops::save(db, self)
    }

    /// Writes only the listed columns of this row back to the database
    /// (`save(update_fields = …)`): one column handle, or a tuple of them.
    pub fn save_update_fields(
        &mut self,
        db: &::pookie::Db,
        fields: impl ::pookie::Projection<Self>,
    ) -> ::pookie::Result<()> {
        ::pookie::ops::save_update_fields(db, self, fields)
    }

    /// Reads this row again from the database, replacing every field.
    pub fn refresh_from_db(&mut self, db: &::pookie::Db) -> ::pookie::Result<()> {
        ::pookie::ops::refresh_from_db(db, self)
    }

    /// Deletes this row.
    pub fn delete(&self, db: &::pookie::Db) -> ::pookie::Result<()> {
        ::pookie::ops::delete(db, self)
    }

    /// Creates the table and its indexes if they do not exist.
    pub fn create_table(db: &::pookie::Db) -> ::pookie::Result<()> {
        ::pookie::ops::create_table::<Self>(db)
    }

{%- for accessor in model.accessors %}
{%- call m::doc(accessor.doc) %}{%- endcall %}
{%- if accessor.takes_db %}
    pub fn {{ accessor.ident }}(&self, db: &::pookie::Db) -> {{ accessor.returns }} {
{%- else %}
    pub fn {{ accessor.ident }}(&self) -> {{ accessor.returns }} {
{%- endif %}
        {{ accessor.body }}
    }
{%- endfor %}

    /// Drops the table if it exists (on PostgreSQL, with the foreign keys of
    /// other tables that point at it).
    pub fn drop_table(db: &::pookie::Db) -> ::pookie::Result<()> {
        ::pookie::ops::drop_table::<Self>(db)
    }

    /// The model's metadata, for the relations of other models that point here.
    #[doc(hidden)]
    pub fn __pookie_meta() -> &'static ::pookie::ModelMeta {
        &<Self as ::pookie::Model>::META
    }
}
