/* bohbvis deck runtime, part 3: the link layer, for what Vega-Lite cannot link by itself.

   (1) Tables that follow selections. For every Link(param) of the charts a table follows, the
       deck listens to the param's signal, reads `<param>_store` once Vega has finished its update
       (view.runAfter), turns the store's tuples into a row predicate and filters the rows.
       Decision: while nothing is selected a following table shows ALL its rows; the status line
       then reads "M rows · <empty_text>" so the hint to brush is still there. When a selection
       or the filter box leaves no row, the table body shows <empty_text>.
   (2) Selections carried to later slides. A Link with carry=true remembers the keys (Link.key
       values) of the rows its selection picks. A chart on a later slide with receive="<param>"
       gets view.signal(param, keys) when shown, plus a badge. It takes the carried selection of
       the same param name if there is one, otherwise the one made most recently. A table whose
       `follows` lists "carried" shows, when its slide is shown, the rows whose key was carried
       (the most recent carried selection from an earlier slide), and all rows when none was. */

// --- the shared evaluation table (render/_shared.py) -----------------------------------------------
// Chart datasets and table rows that repeat the run's evaluations arrive as references into one
// column-wise table; they are turned back into plain row objects once, before anything reads them.

function sharedColumn(column, n) {
  if (Array.isArray(column)) return column;
  const values = column.levels ? column.codes.map((c) => (c === null ? null : column.levels[c])) : column.values;
  if (!column.at) return values;
  const out = new Array(n).fill(null);
  let k = 0;
  for (const [start, length] of column.at) for (let i = start; i < start + length; i++) out[i] = values[k++];
  return out;
}

function expandShared(data) {
  const shared = data.evaluations;
  if (!shared) return;
  const n = shared.keys.length;
  const columns = {};
  const column = (name) => columns[name] || (columns[name] = sharedColumn(shared.columns[name], n));
  const rowsOf = (value) => {
    if (!value || Array.isArray(value) || !value.$shared) return value;
    const ref = value.$shared;
    const fields = Object.keys(ref.fields).map((f) => [f, column(ref.fields[f])]);
    fields.push([shared.key, shared.keys]);
    fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); // the field order of inline rows
    const rows = [];
    for (const [start, length] of ref.rows) {
      for (let i = start; i < start + length; i++) {
        const row = {};
        for (const [f, values] of fields) row[f] = values[i];
        rows.push(row);
      }
    }
    return rows;
  };
  for (const name of Object.keys(data.datasets)) data.datasets[name] = rowsOf(data.datasets[name]);
  for (const t of Object.values(data.tables)) t.rows = rowsOf(t.rows);
  delete data.evaluations;
}

expandShared(DATA);

const TABLES = {}; // table id -> {spec, table, body, status, sortKey, sortDesc, filter, predicates}
const CARRIED = {}; // param -> {keys, key, from: slide index, chart, at}
const VALUE_LABELS = DATA.valueLabels || {}; // column -> {data value -> its words in the deck's language}
const ROW_LIMIT = 400; // rows put in the DOM at once (the status line counts all of them)
let carryClock = 0;

// --- selections -> predicates ----------------------------------------------------------------

function fieldValue(row, field) {
  if (field in row) return row[field];
  // Vega-Lite field paths: "a.b" is nested, "a\.b" is a literal dot.
  let value = row;
  for (const part of field.split(/(?<!\\)\./)) {
    if (value == null) return undefined;
    value = value[part.replace(/\\\./g, ".")];
  }
  return value;
}

function comparable(v) {
  return v instanceof Date ? +v : v;
}

function inRange(v, range, lowInclusive, highInclusive) {
  if (v === null || v === undefined || Number.isNaN(v)) return false;
  const a = comparable(range[0]), b = comparable(range[1]);
  const lo = a <= b ? a : b, hi = a <= b ? b : a;
  v = comparable(v);
  return (lowInclusive ? v >= lo : v > lo) && (highInclusive ? v <= hi : v < hi);
}

/** The same test Vega uses for a selection store (vega-selections): OR over tuples, AND over fields. */
function storePredicate(store) {
  if (!store || !store.length) return null;
  const tests = store.map((tuple) => {
    const fields = tuple.fields || [];
    const values = tuple.values || [];
    return (row) => fields.every((f, k) => {
      const v = fieldValue(row, f.field), want = values[k];
      switch (f.type) {
        case "E": return Array.isArray(want) ? want.some((w) => w === v || String(w) === String(v)) : want === v || String(want) === String(v);
        case "R": return inRange(v, want, true, true);
        case "R-RE": return inRange(v, want, true, false);
        case "R-LE": return inRange(v, want, false, true);
        case "R-E": return inRange(v, want, false, false);
        default: return true;
      }
    });
  });
  return (row) => tests.some((test) => test(row));
}

function watchSelections(chartId) {
  const view = VIEWS[chartId];
  for (const link of DATA.charts[chartId].links) {
    try {
      // The listener fires in the middle of Vega's update: read the store after it (runAfter).
      view.addSignalListener(link.param, () => view.runAfter(() => selectionChanged(chartId, link)));
    } catch (err) {
      console.error("bohbvis: chart " + chartId + " has no selection param '" + link.param + "'");
      continue;
    }
    selectionChanged(chartId, link); // a redrawn chart may have restored its brush
  }
}

function selectionChanged(chartId, link) {
  const view = VIEWS[chartId];
  let store = [];
  try { store = view.data(link.param + "_store") || []; } catch (err) { store = []; }
  const predicate = storePredicate(store);
  const slot = chartId + "\u0000" + link.param;
  for (const t of Object.values(TABLES)) {
    if (!t.spec.follows.includes(chartId)) continue;
    if (!predicate && !t.predicates[slot]) continue; // nothing selected before or now
    t.predicates[slot] = predicate;
    scheduleRender(t);
  }
  if (link.carry) carry(chartId, link, predicate);
}

// --- carrying a selection to later slides ---------------------------------------------------------

function sourceRows(chartId) {
  const chart = DATA.charts[chartId];
  const data = chart.spec.data || {};
  if (data.name && DATA.datasets[data.name]) return DATA.datasets[data.name];
  if (Array.isArray(data.values)) return data.values;
  if (chart.datasets.length === 1) return DATA.datasets[chart.datasets[0]];
  const table = Object.values(TABLES).find((t) => t.spec.follows.includes(chartId));
  return table ? table.spec.rows : [];
}

function carry(chartId, link, predicate) {
  if (!predicate) {
    delete CARRIED[link.param];
    return;
  }
  const seen = new Set();
  for (const row of sourceRows(chartId)) {
    const key = row[link.key];
    if (key !== null && key !== undefined && predicate(row)) seen.add(key);
  }
  CARRIED[link.param] = { keys: Array.from(seen), key: link.key, from: DATA.charts[chartId].slide, chart: chartId, at: ++carryClock };
}

function carriedFor(chartId) {
  const chart = DATA.charts[chartId];
  if (!chart.receive) return null;
  const same = CARRIED[chart.receive];
  if (same && same.from < chart.slide) return same;
  return latestCarried(chart.slide);
}

function latestCarried(slide) {
  let latest = null;
  for (const c of Object.values(CARRIED)) if (c.from < slide && (!latest || c.at > latest.at)) latest = c;
  return latest;
}

/** Tables on slide i that follow "carried": filter by the keys carried from earlier slides. */
function updateCarriedTables(i) {
  for (const t of Object.values(TABLES)) {
    if (t.spec.slide !== i || !t.spec.follows.includes("carried")) continue;
    const c = latestCarried(i);
    let predicate = null;
    if (c) {
      const keys = new Set(c.keys.map(String));
      const field = t.spec.rows.length && !(c.key in t.spec.rows[0]) ? t.spec.key : c.key;
      predicate = (row) => keys.has(String(row[field]));
    }
    t.predicates["carried"] = predicate;
    renderTable(t);
  }
}

function updateBadges(i) {
  for (const el of chartElements(i)) {
    const badge = el.parentElement.querySelector(".carry-badge");
    if (!badge) continue;
    const c = carriedFor(el.dataset.chartId);
    badge.hidden = !c;
    if (c) {
      const n = c.keys.length;
      badge.textContent = n === 1
        ? tr("{n} configuration carried from slide {slide}", { n: countText(n), slide: c.from + 1 })
        : tr("{n} configurations carried from slide {slide}", { n: countText(n), slide: c.from + 1 });
    }
  }
}

async function applyCarried(i) {
  for (const el of chartElements(i)) {
    const id = el.dataset.chartId;
    const chart = DATA.charts[id];
    if (!chart.receive || !VIEWS[id]) continue;
    const c = carriedFor(id);
    try {
      VIEWS[id].signal(chart.receive, c ? c.keys.slice() : []);
      await VIEWS[id].runAsync();
    } catch (err) {
      console.error("bohbvis: chart " + id + " cannot receive '" + chart.receive + "':", err);
    }
  }
}

// --- tables --------------------------------------------------------------------------------------

function isMissing(x) {
  return x === null || x === undefined || (typeof x === "number" && Number.isNaN(x));
}

/** Python's "{:.Ng}" (what bohbvis.model.format uses). */
function formatG(x, digits) {
  if (x === 0) return "0";
  const exp = Number(x.toExponential(digits - 1).split("e")[1]);
  if (exp < -4 || exp >= digits) return formatE(x, digits - 1).replace(/\.?0+e/, "e");
  return x.toFixed(Math.max(0, digits - 1 - exp)).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** Python's "{:.Ne}": a two-digit exponent with its sign. */
function formatE(x, decimals) {
  const [mantissa, exp] = x.toExponential(decimals).split("e");
  const n = Number(exp);
  return mantissa + "e" + (n < 0 ? "-" : "+") + String(Math.abs(n)).padStart(2, "0");
}

const NUMBER_FORMATS = []; // Intl formatters by number of decimals (making one is slow)

function grouped(x, decimals) {
  if (!NUMBER_FORMATS[decimals]) {
    NUMBER_FORMATS[decimals] = new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }
  return NUMBER_FORMATS[decimals].format(x);
}

function formatNum(x, digits = 3) {
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return formatE(x, digits - 1);
  if (Math.abs(x) < 1) return formatG(x, digits);
  return grouped(x, Math.max(digits - String(Math.trunc(Math.abs(x))).length, 0));
}

/** Python's round(): halves go to the even neighbour (round(0.5) == 0, round(1.5) == 2). */
function roundHalfEven(x) {
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
}

const FORMATS = {
  pct: (x) => (x * 100).toFixed(1) + "%",
  num: (x) => formatNum(x),
  int: (x) => grouped(roundHalfEven(x) + 0, 0), // + 0 turns -0 into 0
  budget: (x) => (Number.isInteger(x) ? grouped(x, 0) : formatG(x, 3)),
  value: (x) => (typeof x === "number" ? (Number.isInteger(x) ? String(x) : formatNum(x)) : String(x)),
};

/** A cell as text, mirroring bohbvis.model.format (pct, num, int, budget; "" = value). */
function formatCell(x, format) {
  if (isMissing(x)) return "\u2013";
  if (typeof x === "boolean") return x ? tr("yes") : tr("no"); // in words, as bohbvis.model.format.value
  const fmt = FORMATS[format] ? format : "value";
  if (fmt !== "value" && typeof x !== "number") {
    const n = Number(x);
    if (!Number.isFinite(n)) return String(x); // text in a number column is shown as it is
    x = n;
  }
  return FORMATS[fmt](x);
}

/** What a table cell shows: a data word (sample type, status) in the deck's language, else
    the formatted value. The row keeps the data's value: links and sorting use it. */
function cellText(x, column) {
  const labels = VALUE_LABELS[column.key];
  if (labels && typeof x === "string" && Object.prototype.hasOwnProperty.call(labels, x)) return labels[x];
  return formatCell(x, column.format);
}

function compareValues(a, b) {
  const na = typeof a === "number", nb = typeof b === "number";
  if (na && nb) return a - b;
  if (na !== nb) return na ? -1 : 1; // numbers before text
  return String(a).localeCompare(String(b), "en", { numeric: true });
}

function sortRows(rows, key, descending) {
  if (!key) return rows;
  const present = rows.filter((r) => !isMissing(r[key]));
  const missing = rows.filter((r) => isMissing(r[key])); // always last, whatever the direction
  present.sort((a, b) => (descending ? -1 : 1) * compareValues(a[key], b[key]));
  return present.concat(missing);
}

function setUpTables() {
  for (const block of document.querySelectorAll(".table-block[data-table-id]")) {
    const spec = DATA.tables[block.dataset.tableId];
    if (!spec) continue;
    const t = {
      spec,
      table: block.querySelector("table.data-table"),
      body: block.querySelector("tbody"),
      status: block.querySelector(".table-status"),
      sortKey: spec.sort ? spec.sort.replace(/^-/, "") : null,
      sortDesc: !!spec.sort && spec.sort.startsWith("-"),
      filter: "",
      predicates: {},
      numeric: {},
      pending: false,
    };
    for (const c of spec.columns) {
      const values = spec.rows.map((r) => r[c.key]).filter((v) => !isMissing(v));
      t.numeric[c.key] = values.length > 0 && values.every((v) => typeof v === "number");
    }
    for (const th of t.table.querySelectorAll("thead th")) {
      th.classList.toggle("num", !!t.numeric[th.dataset.key]);
      th.querySelector("button").addEventListener("click", () => {
        t.sortDesc = t.sortKey === th.dataset.key ? !t.sortDesc : false;
        t.sortKey = th.dataset.key;
        renderTable(t);
      });
    }
    const input = block.querySelector(".table-filter");
    if (input) input.addEventListener("input", () => { t.filter = input.value; renderTable(t); });
    TABLES[spec.id] = t;
    renderTable(t);
  }
}

function scheduleRender(t) {
  // A brush drag changes the selection on every mouse move: draw the table once per frame.
  if (t.pending) return;
  t.pending = true;
  requestAnimationFrame(() => { t.pending = false; renderTable(t); });
}

function renderTable(t) {
  const { spec } = t;
  const predicates = Object.values(t.predicates).filter(Boolean);
  const needle = t.filter.trim().toLowerCase();
  let rows = spec.rows;
  if (predicates.length) rows = rows.filter((r) => predicates.every((p) => p(r)));
  if (needle) rows = rows.filter((r) => spec.columns.some((c) => cellText(r[c.key], c).toLowerCase().includes(needle)));
  rows = sortRows(rows.slice(), t.sortKey, t.sortDesc);

  const out = document.createDocumentFragment();
  for (const row of rows.slice(0, ROW_LIMIT)) {
    const line = document.createElement("tr");
    if (!isMissing(row[spec.key])) line.dataset.key = String(row[spec.key]);
    for (const c of spec.columns) {
      const td = document.createElement("td");
      td.textContent = cellText(row[c.key], c);
      if (t.numeric[c.key]) td.className = "num";
      line.appendChild(td);
    }
    out.appendChild(line);
  }
  const note = rows.length > ROW_LIMIT
    ? tr("\u2026 {n} more rows (filter or sort to see others)", { n: countText(rows.length - ROW_LIMIT) })
    : rows.length ? "" : spec.empty_text;
  if (note) {
    const line = document.createElement("tr");
    line.className = "more-rows";
    const td = document.createElement("td");
    td.colSpan = spec.columns.length;
    td.textContent = note;
    line.appendChild(td);
    out.appendChild(line);
  }
  t.body.replaceChildren(out);
  t.table.dataset.count = String(rows.length);
  t.table.dataset.total = String(spec.rows.length);
  for (const th of t.table.querySelectorAll("thead th")) {
    const on = th.dataset.key === t.sortKey;
    th.setAttribute("aria-sort", on ? (t.sortDesc ? "descending" : "ascending") : "none");
  }
  const total = countText(spec.rows.length);
  if (predicates.length || needle) t.status.textContent = tr("{n} of {total} rows", { n: countText(rows.length), total });
  else {
    // While nothing is selected, a table that follows a chart says how to fill it.
    const hint = spec.rows.length && spec.follows.some((f) => f !== "carried") ? " \u00b7 " + spec.empty_text : "";
    t.status.textContent = (spec.rows.length === 1 ? tr("{n} row", { n: total }) : tr("{n} rows", { n: total })) + hint;
  }
}
