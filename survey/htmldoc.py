"""The pieces both HTML reports are made of: one self-contained, printable document.

Plotly's JavaScript is inlined once in the head and nothing is fetched from
anywhere, so a report opens offline. Every `page` is one printed page (A4 or
Letter): charts have a fixed width that fits both papers, and the print CSS
never lets a section break across pages. Callers escape text from outside the
code; these helpers escape what they are given as text.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache

import plotly.graph_objects as go
import plotly.offline

from survey import theme as themes

# px: fits the printable width of A4 (186 mm) and Letter (192 mm) with 12 mm margins.
CHART_WIDTH = 700


def section(name: str, heading: str, text: str, fig: go.Figure) -> str:
    return page(name, heading, f"<p>{text}</p>{chart(name, fig)}")


def page(name: str, title: str, body: str, h1: str = "") -> str:
    # One <section> per printed page; `data-section` names it for tests and print CSS.
    head = f"<h1>{html.escape(h1)}</h1>" if h1 else ""
    if title:
        head += f"<h2>{html.escape(title)}</h2>"
    return f'<section class="page" data-section="{name}">{head}{body}</section>'


def chart(name: str, fig: go.Figure) -> str:
    """A placeholder div and the figure's JSON; one script at the end draws them all."""
    fig.update_layout(width=CHART_WIDTH)
    # "</" inside JSON strings is escaped, so no text can close the script element early.
    data = fig.to_json().replace("</", "<\\/")
    return (
        f'<div class="chart" id="chart-{name}"></div>'
        f'<script type="application/json" data-figure="chart-{name}">{data}</script>'
    )


def stat(key: str, value: object, room: str | None = None) -> str:
    # Machine-readable numbers: the comparison test reads these back from both reports.
    where = f' data-room="{html.escape(room)}"' if room else ""
    return f'<span data-stat="{key}"{where}>{html.escape(str(value))}</span>'


def facts(pairs: Sequence[tuple[str, object]]) -> str:
    # Values are markup (numbers wrapped by _stat, <code>); plain text is escaped by the caller.
    items = "".join(f"<dt>{html.escape(a)}</dt><dd>{b}</dd>" for a, b in pairs)
    return f'<dl class="facts">{items}</dl>'


def table(head: Sequence[str], rows: Sequence[Sequence[str]], small: bool = False) -> str:
    cls = ' class="small"' if small else ""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{cls}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def few(k: int, group: str, what: str) -> str:
    return (
        f'<p class="few">Fewer than {k} {html.escape(group)}, so {html.escape(what)} not shown.</p>'
    )


def demo_left_out(n: int) -> str:
    """The note for demo rows a report did not count (text of our own, no user input)."""
    return (
        f"{stat('demo_left_out', n)} demo responses (synthetic rehearsal data) are not "
        "counted. Include them with the export page's \u201cInclude demo responses\u201d or "
        "the command line's --include-demo."
    )


def num(x: float, digits: int) -> str:
    return "–" if x != x else f"{x:.{digits}f}"  # NaN (undefined) as a dash


def when(t: str | datetime) -> str:
    if isinstance(t, str):
        try:
            t = datetime.fromisoformat(t.replace("Z", "+00:00"))
        except ValueError:
            return t
    return t.astimezone(UTC).strftime("%-d %B %Y, %H:%M UTC")


@cache
def plotly_js() -> str:
    # ~4.8 MB, read once per process. It is inlined in a <script>, which "</script" would end.
    js = plotly.offline.get_plotlyjs()
    if "</script" in js.lower():
        raise RuntimeError("plotly.js contains </script and cannot be inlined")
    return js


DRAW = """
Promise.all(Array.from(document.querySelectorAll("script[data-figure]"), function (el) {
  var fig = JSON.parse(el.textContent);
  return Plotly.newPlot(el.dataset.figure, fig.data, fig.layout,
                        {displayModeBar: false, responsive: false});
})).then(function () { document.body.dataset.ready = "yes"; });
"""

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #F4F2F8; color: #1F1933;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; }
main { max-width: 760px; margin: 0 auto; padding: 24px 0; }
section.page { background: #fff; margin: 0 0 24px; padding: 24px 30px;
               border-radius: 8px; box-shadow: 0 1px 3px rgba(31, 25, 51, .15); }
h1 { font-size: 26px; margin: 0 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 0 0 8px; color: var(--accent, #6C2BD9); }
header.event { display: flex; align-items: center; gap: 14px; margin: 0 0 16px;
               padding: 0 0 10px; border-bottom: 4px solid var(--accent, #6C2BD9);
               font-size: 18px; font-weight: 600; overflow-wrap: anywhere; }
header.event img { max-height: 48px; max-width: 200px; }
p { margin: 6px 0 10px; }
.note { background: #FFF6DD; padding: 6px 10px; border-left: 4px solid #E6B400; }
.few { background: #EEF0F2; padding: 6px 10px; border-left: 4px solid #9AA0A6; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: #5B5570; }
dl.facts dd { margin: 0; font-weight: 600; }
.chart { width: 700px; margin: 8px 0; }
pre { background: #F4F2F8; padding: 10px; font-size: 12.5px; white-space: pre-wrap; }
code { font-size: 12.5px; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; font-size: 14px; }
table.small { font-size: 12px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #E3E0EA; }
th { background: #F4F2F8; }
@page { margin: 12mm; }
@media print {
  body { background: #fff; font-size: 13px; }
  main { max-width: none; padding: 0; }
  section.page { box-shadow: none; border-radius: 0; margin: 0; padding: 0;
                 break-inside: avoid; page-break-inside: avoid;
                 break-after: page; page-break-after: always; }
  section.page:last-child { break-after: auto; page-break-after: auto; }
  .chart, table, pre, dl { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def document(title: str, sections: Sequence[str], theme: themes.Theme = themes.DEFAULT) -> str:
    """The whole report. With an event theme: its name (escaped text) and logo above the
    pages, and its accent colour on the headings."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style>"
        f"<style>:root {{ --accent: {_colour(theme.accent)}; }}</style>"
        f"<script>{plotly_js()}</script></head>"
        f"<body><main>{_event(theme)}{''.join(sections)}</main><script>{DRAW}</script>"
        "</body></html>"
    )


def _colour(accent: str) -> str:
    # Validated by survey.theme; anything else (never expected) falls back to the default.
    return accent if themes.HEX_COLOUR.match(accent) else themes.DEFAULT_ACCENT


def _event(theme: themes.Theme) -> str:
    """The event's name and logo as a header, or nothing when the theme has neither."""
    if not theme.event and not theme.logo_bytes:
        return ""
    logo = ""
    if theme.logo_bytes and theme.logo_type:
        data = base64.b64encode(theme.logo_bytes).decode("ascii")
        logo = f'<img src="data:{theme.logo_type};base64,{data}" alt="">'
    return f'<header class="event">{logo}<span>{html.escape(theme.event)}</span></header>'
