{#- Shared snippets. Every argument is a ready-made string from the view models. -#}

{%- macro doc(lines) -%}
{%- for line in lines.iter() %}
#[doc = {{ line }}]
{%- endfor %}
{%- endmacro -%}

{%- macro struct_fields(assigns) -%}
{%- for a in assigns.iter() %}
{{ a.ident }}: {{ a.expr }},
{%- endfor %}
{%- endmacro -%}

{%- macro push_params(idents) -%}
{%- for ident in idents.iter() %}
out.push(::pookie::ToParam::to_param(&self.{{ ident }}));
{%- endfor %}
{%- endmacro -%}
