{# The explicit reporting date (var as_of), validated: it must be a month end 'YYYY-MM-DD'.
    Returns the ISO string, or none when the var is not given. Fails the run with a clear message otherwise. #}
{% macro as_of_var() -%}
    {%- set raw = var('as_of', none) -%}
    {%- if raw is none or (raw | string | trim) in ('', 'none', 'None', 'null') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error("var 'as_of' must be a month-end date 'YYYY-MM-DD', got '" ~ text ~ "'") }}
    {%- endif -%}
    {%- set parts = text.split('-') | map('int') | list -%}
    {%- set y = parts[0] -%}{%- set m = parts[1] -%}{%- set d = parts[2] -%}
    {%- if m < 1 or m > 12 or d < 1 -%}
        {{ exceptions.raise_compiler_error("var 'as_of' is not a valid date: '" ~ text ~ "'") }}
    {%- endif -%}
    {%- set next_first = modules.datetime.date(y + (1 if m == 12 else 0), 1 if m == 12 else m + 1, 1) -%}
    {%- set last = (next_first - modules.datetime.timedelta(days=1)).day -%}
    {%- if d != last -%}
        {{ exceptions.raise_compiler_error("var 'as_of' must be the last day of a month (e.g. " ~ text[:8] ~ (last | string) ~ "), got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{#- SQL literal for the explicit as_of, or the given fallback expression. -#}
{% macro as_of_literal() -%}
    {%- set v = as_of_var() -%}
    {%- if v is none -%}null{%- else -%}cast('{{ v }}' as date){%- endif -%}
{%- endmacro %}
