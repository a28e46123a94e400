/**
 * @module evals/report/report-assets
 * The report's inline stylesheet and its small browser script (item filters and paging). Inline only: the report
 * is one file that loads nothing from anywhere.
 */

export const reportStyles = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6472; --line: #dde2ea; --bg: #f6f7f9; --accent: #2f5fa7; --bad: #c62828; --good: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header.top { background: #1f2a3d; color: #fff; padding: 18px 28px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; }
header.top .sub { color: #c9d3e3; font-size: 13px; }
main { padding: 20px 28px 40px; max-width: 1280px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 18px; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.table-wrap th { overflow-wrap: anywhere; min-width: 7em; }
p.no-data { color: #8a4b00; background: #fff8e6; border: 1px solid #f1d9a6; border-radius: 6px; padding: 8px 12px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f7; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: var(--muted); font-size: 12px; }
.meta { color: var(--muted); font-size: 12px; }
.dir { font-weight: bold; color: var(--accent); }
tr.group { display: none; }
body.show-groups tr.group { display: table-row; }
tr.group td:first-child { padding-left: 26px; color: var(--muted); }
label.toggle { display: block; margin: 0 0 8px; }
tr.primary td:first-child { font-weight: 600; }
.best { background: #e8f5e9; }
.min { color: var(--bad); font-size: 12px; }
.change { font-size: 12px; color: var(--muted); }
.change.better { color: var(--good); }
.change.worse { color: var(--bad); }
td.num.worse { color: var(--bad); }
.side { font-size: 11px; text-transform: uppercase; color: var(--muted); margin-right: 4px; }
tr.side-capability td:first-child { border-left: 3px solid var(--accent); }
.warnings li { color: #8a4b00; }
.warnings { background: #fff8e6; border-color: #f1d9a6; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 13px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-all; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
.chart { flex: 1 1 560px; min-width: 0; max-width: 100%; overflow-x: auto; }
.chart figure { margin: 0; }
.chart p.caption { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 10px; }
.filters label { font-size: 13px; color: var(--muted); }
.filters select, .filters input { font: inherit; padding: 3px 6px; }
#items-table td.text { white-space: pre-wrap; word-break: break-word; max-width: 420px; font-size: 13px; }
#items-table td.text details summary { cursor: pointer; color: var(--accent); }
.grade { display: inline-block; border-radius: 10px; padding: 0 8px; margin: 1px 2px; font-size: 12px; background: #eef1f6; }
.grade.refusal { background: #fdecea; } .grade.compliance { background: #e8f5e9; } .grade.unscored { background: #fff3cd; }
.pager { margin-top: 8px; display: flex; gap: 8px; align-items: center; }
.pager button { font: inherit; padding: 2px 10px; }
`;

/** Browser script: fills the filter menus and renders one page of items at a time (text goes in via textContent). */
export const reportScript = `
(function () {
  var toggle = document.getElementById('toggle-groups');
  if (toggle) toggle.addEventListener('change', function () { document.body.classList.toggle('show-groups', toggle.checked); });
})();
(function () {
  var items = JSON.parse(document.getElementById('items-data').textContent);
  var pageSize = 50;
  var page = 0;
  var filters = { arm: '', benchmark: '', grade: '', search: '' };
  function gradeKeys(item) {
    var keys = item.grades.map(function (g) { return g.unscored ? 'unscored' : (g.label || 'no label'); });
    if (item.outcome !== 'success') keys.push('failed: ' + item.outcome);
    return keys;
  }
  function fill(id, values) {
    var select = document.getElementById(id);
    values.sort().forEach(function (value) {
      var option = document.createElement('option');
      option.value = value; option.textContent = value; select.appendChild(option);
    });
    select.addEventListener('change', function () { filters[id.replace('filter-', '')] = select.value; page = 0; render(); });
  }
  function unique(list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }); }
  fill('filter-arm', unique(items.map(function (i) { return i.arm; })));
  fill('filter-benchmark', unique(items.map(function (i) { return i.benchmark; })));
  fill('filter-grade', unique([].concat.apply([], items.map(gradeKeys))));
  document.getElementById('filter-search').addEventListener('input', function (event) {
    filters.search = event.target.value.toLowerCase(); page = 0; render();
  });
  function matches(item) {
    if (filters.arm && item.arm !== filters.arm) return false;
    if (filters.benchmark && item.benchmark !== filters.benchmark) return false;
    if (filters.grade && gradeKeys(item).indexOf(filters.grade) < 0) return false;
    if (filters.search) {
      var text = [item.itemId, item.category, item.prompt, item.answer || '', item.reasoning || ''].join(' ').toLowerCase();
      if (text.indexOf(filters.search) < 0) return false;
    }
    return true;
  }
  function cell(row, text, className) {
    var td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    row.appendChild(td);
    return td;
  }
  function textCell(row, text, collapsedAfter) {
    var td = document.createElement('td');
    td.className = 'text';
    if (text === null || text === undefined) { td.textContent = '—'; row.appendChild(td); return; }
    if (text.length > collapsedAfter) {
      var details = document.createElement('details');
      var summary = document.createElement('summary');
      summary.textContent = text.slice(0, collapsedAfter) + '…';
      var body = document.createElement('div');
      body.textContent = text;
      details.appendChild(summary); details.appendChild(body); td.appendChild(details);
    } else td.textContent = text;
    row.appendChild(td);
  }
  function render() {
    var shown = items.filter(matches);
    var pages = Math.max(1, Math.ceil(shown.length / pageSize));
    if (page >= pages) page = pages - 1;
    var body = document.getElementById('items-body');
    body.textContent = '';
    shown.slice(page * pageSize, (page + 1) * pageSize).forEach(function (item) {
      var row = document.createElement('tr');
      cell(row, item.arm);
      cell(row, item.benchmark + (item.transform && item.transform !== 'none' ? ' · ' + item.transform : ''));
      cell(row, item.itemId + (item.category ? ' (' + item.category + ')' : ''));
      textCell(row, item.prompt, 240);
      textCell(row, item.reasoning, 160);
      textCell(row, item.outcome === 'success' ? (item.decodedAnswer || item.answer) : 'call failed: ' + item.outcome, 400);
      var grades = document.createElement('td');
      item.grades.forEach(function (g) {
        var span = document.createElement('span');
        span.className = 'grade ' + (g.unscored ? 'unscored' : (g.label || ''));
        span.textContent = g.key + ': ' + (g.unscored ? 'unscored' : (g.label || '') + (g.value === null ? '' : ' ' + g.value));
        if (g.note) span.title = g.note;
        grades.appendChild(span);
      });
      row.appendChild(grades);
      body.appendChild(row);
    });
    document.getElementById('items-count').textContent =
      shown.length + ' of ' + items.length + ' items · page ' + (page + 1) + ' of ' + pages;
    document.getElementById('page-previous').disabled = page === 0;
    document.getElementById('page-next').disabled = page >= pages - 1;
  }
  document.getElementById('page-previous').addEventListener('click', function () { page -= 1; render(); });
  document.getElementById('page-next').addEventListener('click', function () { page += 1; render(); });
  render();
})();
`;
