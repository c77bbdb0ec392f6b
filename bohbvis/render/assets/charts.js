/* bohbvis deck runtime, part 2: charts.

   Each chart is a Vega-Lite spec drawn for the 1280×720 design slide. It is embedded (vega-embed,
   SVG renderer) only when its slide is first shown, because a chart measured inside a hidden
   slide gets zero width. To fit the real slide, every numeric width/height in the spec tree is
   multiplied by real slide width / design width (font sizes too, so charts scale like the text);
   if the drawing still overflows its box (text above it took room), it is redrawn smaller. The
   page is never scaled with a CSS transform, so Vega's pointer math (brushes) stays exact. */

const VIEWS = {}; // chart id -> Vega View (public: window.bohbvis.views)
const FITTED = {}; // chart id -> the slide geometry the present drawing was fitted for
const PENDING = {}; // chart id -> {key, selections} between the full-size drawing and the fit
const QUEUE = {}; // chart id -> promise of the last job (jobs for one chart never overlap)
const MIN_FIT = 0.3; // never shrink a plot below this share of its design size
// How every chart is embedded; numbers in the deck's locale where it differs from Vega's (html.py).
const EMBED_OPTIONS = Object.assign({ renderer: "svg", actions: false, mode: "vega-lite" },
  DATA.formatLocale ? { formatLocale: DATA.formatLocale } : {});

function chartElements(i) {
  return Array.from(SLIDES[i].querySelectorAll(".vega-embed[data-chart-id]"));
}

function presentViews() {
  const shown = MODE === "print" || overviewOn ? SLIDES.map((_, i) => i) : current >= 0 ? [current] : [];
  return shown.flatMap((i) => chartElements(i)).map((el) => VIEWS[el.dataset.chartId]).filter(Boolean);
}

/** Embed (or re-fit) the charts of slide i, then hand them the carried selections. */
function showCharts(i) {
  if (i < 0 || i >= COUNT) return Promise.resolve();
  updateBadges(i); // before measuring: a badge takes room from the chart
  updateCarriedTables(i);
  return fitSlide(i).then(() => applyCarried(i));
}

async function embedAllCharts() {
  for (let i = 0; i < COUNT; i++) await fitSlide(i);
}

/**
 * Two phases, so charts sharing a slide share it fairly: first every chart is drawn at its
 * design size (scaled to the slide), which lets the layout hand each figure its share of the
 * room; then each drawing is shrunk until it fits the box it got.
 */
async function fitSlide(i) {
  const els = chartElements(i);
  await Promise.all(els.map((el) => queue(el, drawFull)));
  await Promise.all(els.map((el) => queue(el, fitDrawn)));
}

function queue(el, job) {
  const id = el.dataset.chartId;
  const next = (QUEUE[id] || Promise.resolve()).then(() => job(el)).catch((err) => {
    delete PENDING[id];
    console.error("bohbvis: chart " + id + " could not be drawn:", err);
    el.textContent = tr("This chart could not be drawn: {error}", { error: err && err.message ? err.message : String(err) });
  });
  QUEUE[id] = next;
  return next;
}

/** What a drawing depends on: the slide's real size and whether a badge takes room. */
function geometry(el) {
  const slide = el.closest("section.slide");
  const badge = el.parentElement.querySelector(".carry-badge");
  return [slide.clientWidth, slide.clientHeight, badge && !badge.hidden ? "badge" : ""].join(" ");
}

async function drawFull(el) {
  const id = el.dataset.chartId;
  if (!DATA.charts[id] || !el.closest("section.slide").clientWidth) return; // hidden: drawn when shown
  const key = geometry(el);
  if (FITTED[id] === key) return;
  PENDING[id] = { key, selections: VIEWS[id] ? intervalSelections(id) : {} };
  await draw(el, DATA.charts[id], slideScale(el), [1, 1], PENDING[id].selections);
}

function slideScale(el) {
  return el.closest("section.slide").clientWidth / DATA.design.slideWidth;
}

/** The room a chart may take: its figure's box minus the caption and badge beside it. */
function chartBox(el) {
  const figure = el.parentElement;
  let height = figure.clientHeight;
  for (const child of figure.children) {
    if (child === el || child.hidden) continue;
    const style = getComputedStyle(child);
    height -= child.offsetHeight + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
  }
  return [figure.clientWidth, Math.floor(height)];
}

async function fitDrawn(el) {
  const id = el.dataset.chartId;
  const pending = PENDING[id];
  delete PENDING[id];
  const hidden = () => !el.closest("section.slide").clientWidth;
  // Left before its fit (quick key presses)? Then it is fitted when its slide is shown again.
  if (!pending || hidden()) return;
  // Shrink until the drawing fits its box. Drawn size ≈ fixed part (axes, legend) + f × plot
  // size, so a first guess uses the plot size the spec asks for, later ones the secant
  // through the last two drawings. A chart whose fixed part alone is too big for the box
  // keeps its least-overflowing drawing (the box clips the rest) instead of being crushed.
  const box = chartBox(el);
  const design = designSize(DATA.charts[id].spec);
  const scale = slideScale(el);
  const tried = []; // {fit, size, overflow} per drawing
  let fit = [1, 1];
  for (let pass = 0; pass < 4; pass++) {
    if (pass > 0) await draw(el, DATA.charts[id], scale, fit, pending.selections);
    if (hidden()) return;
    const size = drawnSize(el);
    const overflow = Math.max(0, size[0] - box[0]) + Math.max(0, size[1] - box[1]);
    tried.push({ fit: fit.slice(), size, overflow });
    if (!size[0] || overflow <= 0.5) break;
    if (pass > 0 && overflow >= tried[pass - 1].overflow - 0.5) break; // no longer helping
    const prior = tried.length > 1 ? tried[tried.length - 2] : null;
    const nextFit = fit.map((f, d) => {
      if (size[d] <= box[d]) return f;
      let slope = prior && prior.fit[d] !== f ? (prior.size[d] - size[d]) / (prior.fit[d] - f) : 0;
      if (!prior && design && design[d] * scale < size[d]) slope = design[d] * scale;
      const next = slope > 0 ? f - (size[d] - box[d] + 1) / slope : f * (box[d] / size[d]);
      return Math.max(MIN_FIT, Math.min(f, next * 0.995));
    });
    if (nextFit[0] === fit[0] && nextFit[1] === fit[1]) break;
    fit = nextFit;
  }
  const best = tried.reduce((a, b) => (b.overflow < a.overflow - 0.5 ? b : a));
  const last = tried[tried.length - 1];
  if (best !== last) await draw(el, DATA.charts[id], scale, best.fit, pending.selections);
  FITTED[id] = pending.key;
  watchSelections(id);
}

/** The plot size a spec asks for at design scale ([width, height] summed over concatenated
    views), or null where it does not say (then fitting measures instead). */
function designSize(spec) {
  const own = [spec.width, spec.height];
  if (typeof own[0] === "number" && typeof own[1] === "number") return own;
  const parts = (key) => (Array.isArray(spec[key]) ? spec[key].map(designSize) : null);
  const h = parts("hconcat"), v = parts("vconcat"), layer = parts("layer");
  const sizes = h || v || layer;
  if (!sizes || !sizes.length || sizes.some((x) => !x)) return null;
  const sum = (d) => sizes.reduce((a, x) => a + x[d], 0);
  const max = (d) => Math.max(...sizes.map((x) => x[d]));
  if (h) return [sum(0), max(1)];
  if (v) return [max(0), sum(1)];
  return [max(0), max(1)];
}

/** Width and height of the drawing plus any bound controls under it (layout px, untransformed). */
function drawnSize(el) {
  const svg = el.querySelector(":scope > svg");
  if (!svg) return [0, 0];
  let w = +svg.getAttribute("width"), h = +svg.getAttribute("height");
  const controls = el.querySelector(":scope > .vega-bindings");
  if (controls) {
    const style = getComputedStyle(controls);
    w = Math.max(w, controls.offsetWidth);
    h += controls.offsetHeight + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
  }
  return [w, h];
}

async function draw(el, chart, scale, fit, selections) {
  const id = el.dataset.chartId;
  const spec = buildSpec(chart, scale, fit, selections);
  if (VIEWS[id]) VIEWS[id].finalize();
  delete VIEWS[id];
  const result = await vegaEmbed(el, spec, EMBED_OPTIONS);
  VIEWS[id] = result.view;
  return result.view;
}

/** A fresh copy of the spec: deck datasets re-attached, theme config under the spec's own. */
function buildSpec(chart, scale, fit, selections) {
  const spec = JSON.parse(JSON.stringify(chart.spec));
  if (chart.datasets.length) {
    spec.datasets = {};
    // Copies: Vega tags the row objects it ingests, so two views must never share them.
    for (const name of chart.datasets) spec.datasets[name] = JSON.parse(JSON.stringify(DATA.datasets[name]));
  }
  spec.config = mergeConfig(JSON.parse(JSON.stringify(DATA.vegaConfig)), spec.config || {});
  scaleSizes(spec, scale * fit[0], scale * fit[1], scale);
  eachParam(spec, (param) => {
    if (selections[param.name]) param.value = selections[param.name];
  });
  return spec;
}

function mergeConfig(base, over) {
  for (const [k, v] of Object.entries(over)) {
    const both = v && typeof v === "object" && !Array.isArray(v) && base[k] && typeof base[k] === "object" && !Array.isArray(base[k]);
    base[k] = both ? mergeConfig(base[k], v) : v;
  }
  return base;
}

const NOT_LAYOUT = new Set(["data", "datasets", "values"]);

/** Multiply every numeric width/height (and {step} sizes, view defaults, font sizes) in place.
    A bare `step` is left alone: under `bin` it is a data step, not a size. */
function scaleSizes(node, sx, sy, sf) {
  if (Array.isArray(node)) {
    for (const item of node) scaleSizes(item, sx, sy, sf);
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [k, v] of Object.entries(node)) {
    if (NOT_LAYOUT.has(k)) continue;
    const horizontal = k === "width" || k === "continuousWidth" || k === "discreteWidth";
    const vertical = k === "height" || k === "continuousHeight" || k === "discreteHeight";
    if (typeof v === "number") {
      if (horizontal) node[k] = v * sx;
      else if (vertical) node[k] = v * sy;
      else if (k === "fontSize" || /FontSize$/.test(k)) node[k] = v * sf;
    } else if ((horizontal || vertical) && v && typeof v.step === "number") {
      v.step *= horizontal ? sx : sy;
    } else {
      scaleSizes(v, sx, sy, sf);
    }
  }
}

/** Visit every selection/variable param in a spec tree (top level and nested views). */
function eachParam(spec, fn) {
  if (!spec || typeof spec !== "object") return;
  if (Array.isArray(spec.params)) spec.params.forEach(fn);
  for (const k of ["layer", "concat", "hconcat", "vconcat"]) if (Array.isArray(spec[k])) spec[k].forEach((s) => eachParam(s, fn));
  if (spec.spec) eachParam(spec.spec, fn);
}

/** Interval selections as Vega-Lite `value`s ({x: [lo, hi], …}), to keep a brush across a re-fit. */
function intervalSelections(id) {
  const out = {};
  eachParam(DATA.charts[id].spec, (param) => {
    const select = param.select && (param.select.type || param.select);
    if (select !== "interval") return;
    let store = [];
    try { store = VIEWS[id].data(param.name + "_store") || []; } catch (err) { return; }
    if (!store.length) return;
    const value = {};
    (store[0].fields || []).forEach((f, k) => { if (f.channel) value[f.channel] = store[0].values[k]; });
    if (Object.keys(value).length) out[param.name] = value;
  });
  return out;
}
