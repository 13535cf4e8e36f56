{%- import "macros.rs" as m -%}
{%- call m::doc(e.doc) %}{%- endcall %}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum {{ e.ident }} {
{%- for variant in e.variants %}
{%- call m::doc(variant.doc) %}{%- endcall %}
    {{ variant.ident }},
{%- endfor %}
}

impl {{ e.ident }} {
    /// Every variant, in declaration order.
    pub const ALL: [{{ e.ident }}; {{ e.variants.len() }}] = [{% for variant in e.variants %}{{ e.ident }}::{{ variant.ident }}, {% endfor %}];

    /// The string stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
{%- for variant in e.variants %}
            {{ e.ident }}::{{ variant.ident }} => {{ variant.value }},
{%- endfor %}
        }
    }

    /// The variant stored as `value`, if any.
    pub fn from_value(value: &str) -> ::core::option::Option<Self> {
        match value {
{%- for variant in e.variants %}
            {{ variant.value }} => ::core::option::Option::Some({{ e.ident }}::{{ variant.ident }}),
{%- endfor %}
            _ => ::core::option::Option::None,
        }
    }
}

impl ::pookie::Choice for {{ e.ident }} {
    const NAME: &'static str = {{ e.name }};
    const VALUES: &'static [&'static str] = &[{{ e.values }}];
    fn value(self) -> &'static str {
        self.as_str()
    }
    fn from_value(value: &str) -> ::core::option::Option<Self> {
        {{ e.ident }}::from_value(value)
    }
}

impl ::core::fmt::Display for {{ e.ident }} {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ::core::str::FromStr for {{ e.ident }} {
    type Err = ::pookie::InvalidChoice;
    fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
        <Self as ::pookie::Choice>::parse(value)
    }
}

impl ::pookie::ToParam for {{ e.ident }} {
    fn to_param(&self) -> ::pookie::Param<'_> {
        ::pookie::Param::Text(::std::borrow::Cow::Borrowed(self.as_str()))
    }
}

impl ::core::convert::From<{{ e.ident }}> for ::pookie::Param<'static> {
    fn from(value: {{ e.ident }}) -> Self {
        ::pookie::Param::Text(::std::borrow::Cow::Borrowed(value.as_str()))
    }
}

impl ::pookie::FromSql for {{ e.ident }} {
    fn from_sqlite(value: ::pookie::__private::SqliteValueRef<'_>) -> ::core::result::Result<Self, ::std::string::String> {
        ::pookie::__private::choice_from_sqlite(value)
    }
    fn from_postgres(row: &::pookie::__private::PgRow, index: usize) -> ::core::result::Result<Self, ::std::string::String> {
        ::pookie::__private::choice_from_postgres(row, index)
    }
}

impl ::pookie::FieldType for {{ e.ident }} {
    type Inner = {{ e.ident }};
    const NULLABLE: bool = false;
}
