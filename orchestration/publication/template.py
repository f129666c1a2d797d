"""The Jinja2 template of a pack's ``index.html`` (self-contained: inline CSS and SVG, no scripts, no links out)."""

from __future__ import annotations

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ region_name }}: drug and alcohol treatment, {{ month_label }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 2rem auto; max-width: 1100px;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
svg.chart { border: 1px solid #ddd; background: #fff; max-width: 100%; height: auto; }
svg .chart-title { font-size: 14px; font-weight: 600; } svg .legend, svg .tick { font-size: 11px; fill: #333; }
svg .grid { stroke: #e3e3e3; stroke-width: 1; } svg .suppressed { font-size: 16px; font-weight: 700; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .85rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .45rem; } th { background: #f2f2f2; }
td.number, td.suppressed, td.missing { text-align: right; } td.suppressed { font-weight: 700; }
tr.national td, tr.region td { background: #f7f9fc; font-weight: 600; }
.note { font-size: .9rem; }
</style>
</head>
<body>
<h1>{{ region_name }} ({{ region_code }}): drug and alcohol treatment</h1>
<p>Regional publication pack for {{ month_label }}: England, the region and its local authorities.</p>
<dl class="facts">
<dt>Region</dt><dd>{{ region_name }} ({{ region_code }}), {{ la_count }} local authorities</dd>
<dt>Reporting month</dt><dd>{{ month_label }}</dd>
<dt>Months covered</dt><dd>{{ first_month_label }} to {{ month_label }} ({{ months_back }} months)
 and the financial year {{ fy_label }}</dd>
<dt>Data as of</dt><dd>{{ data_as_of }}</dd>
<dt>Pack format</dt><dd>{{ pack_format }}, written by {{ generator }}</dd>
{% if generated_at %}<dt>Generated</dt><dd>{{ generated_at }}</dd>{% endif %}
</dl>

<h2>Trends: {{ region_name }} beside England</h2>
<div class="charts">
{% for chart in charts %}<figure>{{ chart | safe }}</figure>
{% endfor %}</div>
<p class="note">Rates are shown as percentages. A gap means no figure for that month; "*" marks a figure that is
not available because of disclosure control.</p>

{% for table in tables %}
<table>
<caption>{{ table.caption }}</caption>
<thead>
<tr><th rowspan="2" scope="col">Area</th>
{%- for label, span in table.groups %}<th colspan="{{ span }}" scope="colgroup">{{ label }}</th>{% endfor %}</tr>
<tr>{% for header in table.headers %}<th scope="col">{{ header }}</th>{% endfor %}</tr>
</thead>
<tbody>
{% for row in table.rows %}<tr class="{{ 'national' if loop.index == 1 else ('region' if loop.index == 2 else 'la') }}">
{%- for cell in row %}<td class="{{ cell.css }}"
{%- if cell.title %} title="{{ cell.title }}"{% endif %}>{{ cell.text }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% endfor %}
<p class="note">* not available: the figure is suppressed for disclosure control. – no data, or no one to count
(a rate with no denominator).</p>

<h2>Methods</h2>
<ul class="note">
<li><strong>QS8 (a)</strong>: of the people in treatment in the period, the share receiving a formal psychosocial
intervention (contingency management, family and social network interventions, cognitive-behavioural relapse
prevention, psychodynamic therapy). <strong>QS8 (b)</strong>: of the people in treatment with co-existing depression
or anxiety, the share receiving psychological treatment for it. Both count distinct people; England counts each
person once, while a person treated in two local authorities counts in each.</li>
<li><strong>Retention at 12 weeks</strong>: of the treatment journeys starting in a month (new presentations), the
share retained for at least 84 days or completing treatment earlier. Journeys still open and under 84 days, or just
transferred, are pending and left out of the rate, so the latest cohorts are incomplete.</li>
<li><strong>Transfers</strong>: episodes ending in a transfer, by month of discharge; picked up when the person
started with a service within 21 days; the pick-up rate leaves out transfers still within the 21 days.</li>
<li><strong>NICE concordance</strong>: of the journeys with a psychosocial intervention, the share whose first one
was a second-line intervention (cognitive-behavioural relapse prevention or psychodynamic therapy) with no
first-line intervention before it.</li>
<li>Journeys and transfers are placed in the local authority of their first (transferring) episode.</li>
</ul>

<h2>Disclosure control</h2>
<ul class="note">
<li>Any count from 1 to 4 is suppressed, and so is any rate whose numerator or denominator is suppressed.
Zeros are published.</li>
<li>So that a suppressed figure cannot be worked out by subtraction, further figures are suppressed: when exactly
one local authority's figure is suppressed, the smallest other non-zero local authority figure for the same measure
and month is suppressed too (or, if there is none, the regional figure). The same rule protects regions within
England and, within one row, the columns that add up to a total (new presentations = retained + not retained +
pending; transfers = picked up + lost + pending).</li>
<li>Suppressed figures are shown as "*" here and left empty in the CSV files, with a
<code>&lt;column&gt;_suppressed</code> marker set to true. The pack does not say which rule suppressed a figure.</li>
<li>The files hold aggregate figures only: no identifiers of people or of treatment records.</li>
</ul>

<h2>Files</h2>
<table>
<thead><tr><th scope="col">File</th><th scope="col">Rows</th><th scope="col">Suppressed cells</th></tr></thead>
<tbody>
{% for f in files %}<tr><td>{{ f.name }}</td><td class="number">{{ f.rows }}</td>
<td class="number">{{ f.suppressed }}</td></tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""
