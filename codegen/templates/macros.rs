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

{%- macro push_params(exprs) -%}
{%- for expr in exprs.iter() %}
out.push({{ expr }});
{%- endfor %}
{%- endmacro -%}
