{%- import "macros.rs" as m -%}
impl ::pookie::Model for {{ model.ident }} {
    const META: ::pookie::ModelMeta = ::pookie::ModelMeta {
        name: {{ model.meta.name }},
        table: {{ model.meta.table }},
        db_alias: {{ model.meta.db_alias }},
        pk_column: {{ model.meta.pk_column }},
        pk_columns: &[{% for column in model.meta.pk_columns %}{{ column }}, {% endfor %}],
        auto_pk: {{ model.auto_pk }},
        columns: &[{% for column in model.meta.columns %}{{ column }}, {% endfor %}],
        text_columns: &[{% for column in model.meta.text_columns %}{{ column }}, {% endfor %}],
        ordering: &[
{%- for term in model.meta.ordering %}
            ::pookie::OrderTerm { column: {{ term.column }}, descending: {{ term.descending }} },
{%- endfor %}
        ],
        verbose_name: {{ model.meta.verbose_name }},
        verbose_name_plural: {{ model.meta.verbose_name_plural }},
        fields: &[
{%- for field in model.meta.fields %}
            ::pookie::FieldMeta {
                name: {{ field.name }},
                column: {{ field.column }},
                field_type: {{ field.field_type }},
                verbose_name: {{ field.verbose_name }},
                help_text: {{ field.help_text }},
                null: {{ field.null }},
                blank: {{ field.blank }},
                editable: {{ field.editable }},
                primary_key: {{ field.primary_key }},
                unique: {{ field.unique }},
            },
{%- endfor %}
        ],
        relations: &[
{%- for relation in model.relations %}
            ::pookie::RelationMeta {
                name: {{ relation.name }},
                kind: ::pookie::RelationKind::{{ relation.kind }},
                column: {{ relation.column }},
                column_index: {{ relation.column_index }},
                target: {{ relation.target }},
                target_table: {{ relation.target_table }},
                target_column: {{ relation.target_column }},
                target_column_index: {{ relation.target_column_index }},
                through: {{ relation.through }},
                nullable: {{ relation.nullable }},
                on_delete: ::pookie::OnDelete::{{ relation.on_delete }},
            },
{%- endfor %}
        ],
    };
    const SQL: [::pookie::ModelSql; {{ model.dialects }}] = [
{%- for sql in model.sql %}
        ::pookie::ModelSql {
            select: {{ sql.select }},
            get_by_pk: {{ sql.get_by_pk }},
            insert: {{ sql.insert }},
            update_by_pk: {{ sql.update_by_pk }},
            delete_by_pk: {{ sql.delete_by_pk }},
            create_table: &[{% for statement in sql.create_table %}{{ statement }}, {% endfor %}],
            drop_table: {{ sql.drop_table }},
        },
{%- endfor %}
    ];

    fn from_row(row: &::pookie::Row<'_>) -> ::pookie::Result<Self> {
        ::core::result::Result::Ok({{ model.ident }} {
{%- for field in model.fields %}
            {{ field.ident }}: {{ field.read }},
{%- endfor %}
            __loaded: ::pookie::Loaded::new(),
        })
    }

    fn from_partial_row(
        row: &::pookie::Row<'_>,
        indices: &[::core::option::Option<usize>],
    ) -> ::pookie::Result<Self> {
        ::core::result::Result::Ok({{ model.ident }} {
{%- for field in model.fields %}
            {{ field.ident }}: match ::pookie::__private::loaded_index(indices, {{ loop.index0 }}) {
                ::core::option::Option::Some(index) => {{ field.read_partial }},
                ::core::option::Option::None => {{ field.placeholder }},
            },
{%- endfor %}
            __loaded: ::pookie::Loaded::new(),
        })
    }

    fn field_any(&self, column: usize) -> ::core::option::Option<&dyn ::core::any::Any> {
        match column {
{%- for field in model.fields %}
            {{ loop.index0 }} => ::core::option::Option::Some(&self.{{ field.ident }}),
{%- endfor %}
            _ => ::core::option::Option::None,
        }
    }

    fn field_any_mut(&mut self, column: usize) -> ::core::option::Option<&mut dyn ::core::any::Any> {
        match column {
{%- for field in model.fields %}
            {{ loop.index0 }} => ::core::option::Option::Some(&mut self.{{ field.ident }}),
{%- endfor %}
            _ => ::core::option::Option::None,
        }
    }

    fn swap_field(&mut self, other: &mut Self, column: usize) {
        match column {
{%- for field in model.fields %}
            {{ loop.index0 }} => ::core::mem::swap(&mut self.{{ field.ident }}, &mut other.{{ field.ident }}),
{%- endfor %}
            _ => {}
        }
    }

    fn push_insert_params<'a>(&'a self, out: &mut ::std::vec::Vec<::pookie::Param<'a>>) {
{%- if model.insert_params.is_empty() %}
        let _ = out;
{%- endif %}
{%- call m::push_params(model.insert_params) %}{%- endcall %}
    }

    fn push_update_params<'a>(&'a self, out: &mut ::std::vec::Vec<::pookie::Param<'a>>) {
{%- if model.update_params.is_empty() %}
        let _ = out;
{%- endif %}
{%- call m::push_params(model.update_params) %}{%- endcall %}
    }

    fn pk_param(&self) -> ::pookie::Param<'_> {
        ::pookie::ToParam::to_param(&self.{{ model.pk_ident }})
    }
{%- if !model.key_params.is_empty() %}

    fn push_pk_params<'a>(&'a self, out: &mut ::std::vec::Vec<::pookie::Param<'a>>) {
{%- call m::push_params(model.key_params) %}{%- endcall %}
    }
{%- endif %}

    fn column_param(&self, column: usize) -> ::pookie::Param<'_> {
        match column {
{%- for param in model.column_params %}
            {{ loop.index0 }} => {{ param }},
{%- endfor %}
            _ => ::pookie::Param::Null,
        }
    }

    fn loaded(&self) -> &::pookie::Loaded {
        &self.__loaded
    }

    fn loaded_mut(&mut self) -> &mut ::pookie::Loaded {
        &mut self.__loaded
    }

    fn set_auto_pk(&mut self, pk: i64) -> ::pookie::Result<()> {
{%- if model.auto_pk %}
        self.{{ model.pk_ident }} = ::pookie::ops::auto_pk(pk)?;
{%- else %}
        let _ = pk;
{%- endif %}
        ::core::result::Result::Ok(())
    }

    fn touch_auto_now(&mut self, now: ::pookie::chrono::DateTime<::pookie::chrono::Utc>) {
{%- if model.touch.is_empty() %}
        let _ = now;
{%- endif %}
{%- for assign in model.touch %}
        self.{{ assign.ident }} = {{ assign.expr }};
{%- endfor %}
    }

    fn hooks() -> ::pookie::HookFns<Self> {
        #[allow(unused_imports)]
        use ::pookie::__hooks::{NoHooks as _, UserHooks as _};
        // Method resolution on `&Probe` picks the user's `Hooks` impl when there is one.
        let probe = &::pookie::__hooks::Probe::<Self>::new();
        probe.hook_fns()
    }
}
