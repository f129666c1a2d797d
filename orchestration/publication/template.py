"""The Jinja2 template of a pack's ``index.html`` (self-contained: inline CSS and SVG, no scripts, no links out)."""

from __future__ import annotations

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
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
svg .axis { stroke: #555; stroke-width: 1; } svg .axis-title { font-size: 11px; fill: #1b1b1b; }
.banner { border-left: 6px solid #b35806; background: #fff4e5; padding: .6rem 1rem; margin: 1rem 0; }
.no-data { border-left: 6px solid #505a5f; background: #f3f2f1; padding: .6rem 1rem; margin: 1rem 0; }
td.no-data { text-align: left; font-style: italic; }
.status { text-transform: uppercase; font-size: .8rem; letter-spacing: .05em; font-weight: 700; color: #505a5f; }
figure { margin: 0; } figcaption { font-size: .85rem; max-width: 660px; }
</style>
</head>
<body>
<p class="status">{{ status }}</p>
<h1>{{ title }}</h1>
{% if synthetic %}<div class="banner" role="note"><strong>Synthetic data.</strong> {{ statement }}</div>
{% else %}<p>{{ statement }}</p>
{% endif %}
<dl class="facts">
<dt>Published</dt><dd>{{ published }}</dd>
<dt>Next release</dt><dd>{{ next_release }} (provisional date)</dd>
<dt>Statistics status</dt><dd>{{ status }}</dd>
<dt>Area</dt><dd>{{ region_name }} ({{ region_code }}) and its {{ la_count }} local authorities, beside England</dd>
<dt>Period covered</dt><dd>{{ first_month_label }} to {{ month_label }} ({{ months_back }} months) and the financial
 year {{ fy_label }}{% if fy_note %} (year to date){% endif %}</dd>
<dt>Data as of</dt><dd>{{ data_as_of }}</dd>
<dt>Source</dt><dd>{{ source }}</dd>
<dt>Revisions</dt><dd>{{ revisions_policy }}</dd>
<dt>Contact</dt><dd>{{ contact }}</dd>
<dt>Indicators</dt><dd>{{ measures | join("; ") }}</dd>
<dt>Pack format</dt><dd>{{ pack_format }}, written by {{ generator }}</dd>
{% if generated_at %}<dt>Generated</dt><dd>{{ generated_at }}</dd>{% endif %}
</dl>
{% if not facts.region_has_data %}<div class="no-data" role="note"><strong>No data for {{ region_name }}.</strong>
No treatment provider in this region has submitted data for the period covered, so there are no figures for the
region or its local authorities. England is shown for reference.</div>
{% endif %}{% if las_without_data and facts.region_has_data %}<p class="note" id="las-without-data">Local authorities
without data for this period (not shown in the tables): {{ las_without_data | join(", ") }}.</p>
{% endif %}
<h2>Trends: {% if facts.region_has_data %}{{ region_name }} beside {% endif %}England</h2>
<div class="charts">
{% for chart in charts %}<figure>{{ chart.svg | safe }}
<figcaption>Denominator: {{ chart.denominator }}. Percentages to {{ decimals }} decimal place; the figures behind
each point are in its tooltip and in the CSV files.{% if chart.has_provisional %} Hollow or pale points are
provisional: the period's figures can still change.{% endif %}{% if chart.has_suppressed %} "*" below the axis:
the figure is suppressed for disclosure control (it is not zero and is not drawn).{% endif %}</figcaption></figure>
{% endfor %}</div>
<p class="note">A gap means no figure for that period (no one to count).</p>

{% for table in tables %}
<table>
<caption>{{ table.caption }}{% if table.note %}<br><span class="note">{{ table.note }}</span>{% endif %}</caption>
<thead>
<tr><th rowspan="2" scope="col">Area</th>
{%- for label, span in table.groups %}<th colspan="{{ span }}" scope="colgroup">{{ label }}</th>{% endfor %}</tr>
<tr>{% for header in table.headers %}<th scope="col">{{ header }}</th>{% endfor %}</tr>
</thead>
<tbody>
{% for row in table.rows %}<tr class="{{ 'national' if loop.index == 1 else ('region' if loop.index == 2 else 'la') }}">
{%- for cell in row %}<td class="{{ cell.css }}"
{%- if cell.colspan > 1 %} colspan="{{ cell.colspan }}"{% endif %}
{%- if cell.title %} title="{{ cell.title }}"{% endif %}>{{ cell.text }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% endfor %}
<p class="note">* suppressed for disclosure control (the figure is withheld, not zero). – no figure: no one to count
(a percentage with no denominator). Percentages are of the denominator named in the column header.</p>

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
<li><strong>Transfers picked up within 21 days</strong>: episodes ending in a transfer, by month of discharge;
picked up when the person started with a service within 21 days; the pick-up rate leaves out transfers still
within the 21 days.</li>
<li><strong>Second-line first (NICE first-line concordance)</strong>: of the journeys with a psychosocial
intervention, the share whose first one was a second-line intervention (cognitive-behavioural relapse prevention or
psychodynamic therapy) with no first-line intervention before it.</li>
<li><strong>Waits within 3 weeks</strong> (when published): of the journeys starting in a month that have
started an intervention, the share whose first intervention came within 21 days of referral.</li>
<li><strong>Successful completions not re-presenting within 6 months</strong> (when published): of the people in
treatment in a 12-month window, the share who completed treatment successfully in it and did not start again within
6 months.</li>
<li><strong>Provisional and year to date</strong>: a cohort or month whose journeys or transfers are still pending
in England is provisional and will change; a financial year that has not ended is a year to date.</li>
<li>Journeys and transfers are placed in the local authority of their first (transferring) episode.</li>
</ul>

<h2>Disclosure control</h2>
<ul class="note">
<li>Any count from 1 to 4 is suppressed, and so is any percentage whose numerator or denominator is suppressed.
Zeros are published, except a zero that would give a suppressed percentage away (a numerator of 0 means 0%; when
the rest of the denominator is 0 the percentage is 100%): such a zero is suppressed too.</li>
<li>So that a suppressed figure cannot be worked out by subtraction, further figures are suppressed: when exactly
one local authority's figure is suppressed, the smallest other non-zero local authority figure for the same measure
and month is suppressed too (or, if there is none, the regional figure). The same rule protects regions within
England and, within one row, the columns that add up to a total (new presentations = retained + not retained +
pending; transfers = picked up + lost + pending; and the v2 indicators' identities). It also applies when the
suppressed figures of a total are all zeros.</li>
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
<p class="note">Every column of every file (meaning, type, unit, rounding) is described in
<code>data_dictionary.csv</code>; <code>manifest.json</code> lists the files with checksums and this release's
metadata.</p>
</body>
</html>
"""
