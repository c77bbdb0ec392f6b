/* bohbvis deck runtime, part 1: navigation, fragments, hash, overview, help, print layout.

   html.py concatenates deck.js, charts.js, links.js and speaker.js into ONE function scope (an
   IIFE) and then calls start(), so the parts share the names they declare. Conventions follow
   reveal.js: the URL hash is `#/N` or `#/N/F` (0-based slide N, fragment F), keys as in reveal,
   `?print-pdf` prints, `?speaker` is the speaker view. Public contract (tests and other tools
   rely on it): window.bohbvis.slides, .index(), .go(i), .views, .fragment(), .ready. */

const DATA = JSON.parse(document.getElementById("bohbvis-data").textContent);
const MESSAGES = DATA.messages || {}; // English text -> the deck's language (html.py: js_messages)

/** A sentence of the runtime's own in the deck's language: `tr("{n} rows", { n: 3 })`.
    The message id is the English text; Babel extracts these calls into the catalog. */
function tr(msgid, params) {
  const text = Object.prototype.hasOwnProperty.call(MESSAGES, msgid) ? MESSAGES[msgid] : msgid;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}
// Numbers the runtime writes (row counts) with the deck's digit grouping, as the Python side does.
const NUMBER_LOCALE = DATA.numberLocale || "en-US";

function countText(n) {
  return Number(n).toLocaleString(NUMBER_LOCALE);
}
const PARAMS = new URLSearchParams(location.search);
const MODE = PARAMS.has("print-pdf") ? "print" : PARAMS.has("speaker") ? "speaker" : "deck";
const ROOT = document.documentElement;
const DECK = document.querySelector(".deck");
const SLIDES = Array.from(document.querySelectorAll("section.slide"));
const COUNT = SLIDES.length;

let current = -1;
let overviewOn = false;
let ready = Promise.resolve();
const listeners = []; // called with (index, fragment) after every change

function clamp(i) {
  return Math.max(0, Math.min(COUNT - 1, i | 0));
}

// --- fragments ------------------------------------------------------------------------------

function fragmentsOf(i) {
  return i >= 0 && i < COUNT ? Array.from(SLIDES[i].querySelectorAll(".fragment")) : [];
}

function visibleFragments(i) {
  return fragmentsOf(i).filter((f) => f.classList.contains("visible")).length;
}

function setFragments(i, count) {
  fragmentsOf(i).forEach((f, k) => f.classList.toggle("visible", k < count));
}

/** Index of the last fragment shown on the present slide (-1: none), as in reveal's hash. */
function fragment() {
  return visibleFragments(current) - 1;
}

/**
 * A list whose every item is a fragment would open as an empty slide: its first item is shown
 * with the title (reveal's own decks do this by hand). Runs once, before the first go().
 */
function showFirstItems() {
  for (const list of document.querySelectorAll("section.slide ul, section.slide ol")) {
    const items = Array.from(list.children).filter((el) => el.tagName === "LI");
    if (items.length && items.every((li) => li.classList.contains("fragment"))) {
      items[0].classList.remove("fragment");
      items[0].classList.add("shown-with-title");
    }
  }
}

// --- charts and text that follow the slide --------------------------------------------------

/* Two conventions between the steps and the deck:
   - a chart with a top-level variable param named `fragment` gets the number of fragments shown
     on its slide (principle builds up round by round as the presenter steps through);
   - an element with data-param="agg" data-when="max" is shown only while the slide's chart
     param `agg` is "max" (text that says what the chart's control shows, never the other). */
const FRAGMENT_PARAM = "fragment";
const FOLLOWED = new WeakSet(); // views whose params the text already follows

function hasParam(view, name) {
  try { view.signal(name); return true; } catch (err) { return false; }
}

function followParams(i) {
  if (i < 0 || i >= COUNT) return;
  const texts = Array.from(SLIDES[i].querySelectorAll("[data-param][data-when]"));
  const names = Array.from(new Set(texts.map((el) => el.dataset.param)));
  for (const el of chartElements(i)) {
    const view = VIEWS[el.dataset.chartId];
    if (!view) continue;
    if (hasParam(view, FRAGMENT_PARAM)) {
      const shown = MODE === "print" ? fragmentsOf(i).length : visibleFragments(i);
      if (view.signal(FRAGMENT_PARAM) !== shown) view.signal(FRAGMENT_PARAM, shown).runAsync();
    }
    if (FOLLOWED.has(view)) continue;
    FOLLOWED.add(view);
    for (const name of names) {
      if (!hasParam(view, name)) continue;
      const show = (value) => {
        for (const t of texts) if (t.dataset.param === name) t.hidden = String(value) !== t.dataset.when;
      };
      show(view.signal(name));
      view.addSignalListener(name, (_, value) => show(value));
    }
  }
}

/** "Show the table" under a chart: open or fold the table, then re-fit the slide's charts to
    the room left (the fit is remembered per slide size, so it is forgotten here). */
function onTableToggle(e) {
  const button = e.target.closest(".table-toggle");
  if (!button) return;
  const block = button.closest(".table-block");
  const open = block.classList.toggle("collapsed") === false;
  button.setAttribute("aria-expanded", String(open));
  button.textContent = open ? tr("Hide the table") : tr("Show the table");
  const slide = SLIDES.indexOf(block.closest("section.slide"));
  for (const el of chartElements(slide)) delete FITTED[el.dataset.chartId];
  ready = showSlide(slide);
}

/** showCharts (charts.js), then the params and text that follow the slide. */
function showSlide(i) {
  return showCharts(i).then(() => followParams(i));
}

// --- moving between slides ------------------------------------------------------------------

/**
 * Show slide i with its first `frag + 1` fragments (frag = -1: none, Infinity: all).
 * `history`: "push" (a slide change the back button undoes), "replace", or "none".
 */
function go(i, frag = -1, history = "push") {
  if (!COUNT) return ready;
  i = clamp(i);
  const total = fragmentsOf(i).length;
  const shown = Math.max(0, Math.min(total, frag === Infinity ? total : (frag | 0) + 1));
  const slideChanged = i !== current;
  if (!slideChanged && shown === visibleFragments(i)) return ready;
  if (slideChanged) {
    if (current >= 0) {
      SLIDES[current].classList.remove("present");
      SLIDES[current].setAttribute("aria-hidden", "true");
    }
    SLIDES[i].classList.add("present");
    SLIDES[i].removeAttribute("aria-hidden");
    current = i;
  }
  setFragments(i, shown);
  writeHash(slideChanged ? history : history === "none" ? "none" : "replace");
  updateChrome();
  if (slideChanged && !overviewOn) ready = showSlide(i);
  else if (!slideChanged) ready = ready.then(() => followParams(i));
  for (const fn of listeners) fn(current, fragment());
  return ready;
}

function next() {
  if (visibleFragments(current) < fragmentsOf(current).length) return go(current, fragment() + 1);
  if (current < COUNT - 1) return go(current + 1, -1);
  return ready;
}

function prev() {
  if (visibleFragments(current) > 0) return go(current, fragment() - 1);
  // Going back lands on the previous slide as it was left: every fragment shown (like reveal).
  if (current > 0) return go(current - 1, Infinity);
  return ready;
}

// --- the URL hash: #/N or #/N/F ---------------------------------------------------------------

function readHash() {
  const m = /^#\/(\d+)(?:\/(-?\d+))?/.exec(location.hash);
  return m ? { index: clamp(+m[1]), fragment: m[2] === undefined ? -1 : +m[2] } : null;
}

function writeHash(mode) {
  if (mode === "none" || MODE === "print") return;
  // In an <iframe srcdoc> (a notebook's display) the document has no URL of its own: a hash would
  // resolve against the notebook's address and navigate the iframe away from the deck.
  if (location.protocol === "about:") return;
  const f = fragment();
  const hash = "#/" + current + (f >= 0 ? "/" + f : "");
  if (location.hash === hash) return;
  try {
    if (mode === "push") history.pushState(null, "", hash);
    else history.replaceState(null, "", hash);
  } catch (err) {
    location.replace(hash); // where pushState is refused, the hash still survives a reload
  }
}

function followHash() {
  const h = readHash();
  if (h) go(h.index, h.fragment, "none");
}

// --- chrome: progress bar, slide number -----------------------------------------------------

function updateChrome() {
  const bar = document.querySelector(".progress span");
  if (bar) bar.style.width = (COUNT > 1 ? (100 * current) / (COUNT - 1) : 100) + "%";
  const number = document.querySelector(".slide-number");
  if (number) number.textContent = current + 1 + " / " + COUNT;
}

// --- overview (o / Esc) -----------------------------------------------------------------------

function layoutOverview() {
  const slidesBox = DECK.querySelector(".slides");
  const width = DECK.clientWidth;
  const gap = 28;
  const cols = Math.max(2, Math.min(5, Math.floor(width / 320)));
  const thumbW = (width - gap * (cols + 1)) / cols;
  const scale = thumbW / SLIDES[0].offsetWidth;
  const thumbH = SLIDES[0].offsetHeight * scale;
  SLIDES.forEach((s, i) => {
    s.style.left = gap + (i % cols) * (thumbW + gap) + "px";
    s.style.top = gap + Math.floor(i / cols) * (thumbH + gap) + "px";
    s.style.margin = "0";
    s.style.transform = "scale(" + scale + ")";
  });
  slidesBox.style.height = gap + Math.ceil(COUNT / cols) * (thumbH + gap) + "px";
}

function overview(on = !overviewOn) {
  if (on === overviewOn || MODE !== "deck" || !COUNT) return overviewOn;
  overviewOn = on;
  ROOT.classList.toggle("overview", on);
  if (on) {
    layoutOverview();
    SLIDES[current].scrollIntoView({ block: "nearest" });
    ready = embedAllCharts(); // thumbnails show charts too (embedding reads untransformed sizes)
  } else {
    for (const s of SLIDES) s.style.left = s.style.top = s.style.margin = s.style.transform = "";
    DECK.querySelector(".slides").style.height = "";
    DECK.scrollTop = 0;
    ready = showSlide(current);
  }
  return overviewOn;
}

// --- help (?), pause (b / .), fullscreen (f) ---------------------------------------------------

function help(on) {
  const el = document.querySelector(".help-overlay");
  el.hidden = on === undefined ? !el.hidden : !on;
  return !el.hidden;
}

/** `g`: a small box to type a slide number into (1-based, as the slide numbers read); Enter goes. */
function jumpTo() {
  const box = document.createElement("input");
  box.className = "jump-to";
  box.type = "text";
  box.inputMode = "numeric";
  box.placeholder = tr("Go to slide 1\u2013{count}", { count: COUNT });
  box.setAttribute("aria-label", tr("Go to slide number"));
  // Removing a focused element fires blur, whose handler would remove it again: close once.
  let closed = false;
  const close = () => { if (!closed) { closed = true; box.remove(); } };
  box.addEventListener("keydown", (e) => {
    e.stopPropagation(); // the deck's keys do not apply while typing here
    if (e.key === "Enter") {
      const n = parseInt(box.value, 10);
      close();
      if (n >= 1) go(Math.min(n, COUNT) - 1);
      e.preventDefault();
    } else if (e.key === "Escape") {
      close();
      e.preventDefault();
    }
  });
  box.addEventListener("blur", close);
  document.body.appendChild(box);
  box.focus();
}

function togglePause() {
  ROOT.classList.toggle("paused");
}

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen();
  else if (ROOT.requestFullscreen) ROOT.requestFullscreen().catch(() => {});
}

// --- input --------------------------------------------------------------------------------------

function typingInto(target) {
  return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
  const helpOpen = !document.querySelector(".help-overlay").hidden;
  let handled = true;
  switch (e.key) {
    case "ArrowRight": case "ArrowDown": case "PageDown": case "n": case "N":
      if (overviewOn) go(current + 1); else next();
      break;
    case " ":
      if (e.shiftKey) prev(); else next();
      break;
    case "ArrowLeft": case "ArrowUp": case "PageUp": case "p": case "P":
      if (overviewOn) go(current - 1); else prev();
      break;
    case "Home": go(0); break;
    case "End": go(COUNT - 1, Infinity); break;
    case "o": case "O": overview(); break;
    case "Escape":
      if (helpOpen) help(false);
      else if (ROOT.classList.contains("paused")) togglePause();
      else overview();
      break;
    case "Enter":
      if (overviewOn) overview(false); else handled = false;
      break;
    case "f": case "F": toggleFullscreen(); break;
    case "b": case "B": case ".": togglePause(); break;
    case "?": help(); break;
    case "s": case "S": openSpeakerView(); break;
    case "g": case "G": jumpTo(); break;
    default: handled = false;
  }
  if (handled) e.preventDefault();
}

function onOverviewClick(e) {
  if (!overviewOn) return;
  const slide = e.target.closest("section.slide");
  if (slide) {
    go(SLIDES.indexOf(slide));
    overview(false);
  }
}

function setUpSwipe() {
  let start = null;
  DECK.addEventListener("touchstart", (e) => {
    // Touches on a chart or a table are brushes and scrolls, not slide changes.
    start = e.touches.length === 1 && !e.target.closest(".vega-embed, .table-scroll")
      ? { x: e.touches[0].clientX, y: e.touches[0].clientY } : null;
  }, { passive: true });
  DECK.addEventListener("touchend", (e) => {
    if (!start) return;
    const t = e.changedTouches[0];
    const dx = t.clientX - start.x, dy = t.clientY - start.y;
    start = null;
    if (Math.abs(dx) > 50 && Math.abs(dx) > 1.5 * Math.abs(dy)) (dx < 0 ? next : prev)();
  });
}

function debounce(fn, ms) {
  let timer = 0;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

const onResize = debounce(() => {
  if (MODE === "speaker") sizeSpeakerStage();
  if (overviewOn) layoutOverview();
  else if (MODE !== "print") ready = showSlide(current); // re-fits charts whose box changed
}, 150);

// --- start ----------------------------------------------------------------------------------------

/** Called once, after every part of the runtime is defined (html.py appends the call). */
function start() {
  ROOT.classList.add("js");
  showFirstItems();
  setUpTables();
  if (MODE === "print") {
    ROOT.classList.add("print-pdf");
    SLIDES.forEach((s, i) => setFragments(i, Infinity));
    current = 0;
    ready = embedAllCharts().then(() => SLIDES.forEach((s, i) => followParams(i)));
  } else {
    for (const s of SLIDES) s.setAttribute("aria-hidden", "true");
    if (MODE === "speaker") startSpeakerView();
    const h = readHash();
    go(h ? h.index : 0, h ? h.fragment : -1, "replace");
    document.addEventListener("keydown", onKey);
    DECK.addEventListener("click", onOverviewClick);
    DECK.addEventListener("click", onTableToggle);
    window.addEventListener("hashchange", followHash);
    window.addEventListener("popstate", followHash);
    setUpSwipe();
  }
  window.addEventListener("resize", onResize);
  window.addEventListener("message", onMessage);
  window.bohbvis = {
    slides: COUNT,
    mode: MODE,
    views: VIEWS,
    index: () => current,
    fragment,
    go: (i, f = -1) => go(i, f),
    next,
    prev,
    overview,
    help,
    tables: TABLES,
    carried: () => JSON.parse(JSON.stringify(CARRIED)),
    format: formatCell,
    onChange: (fn) => listeners.push(fn),
    // Resolves once the present slide's charts are drawn and their dataflows are idle.
    get ready() {
      return ready.then(() => Promise.all(presentViews().map((v) => v.runAsync()))).then(() => undefined);
    },
  };
}
