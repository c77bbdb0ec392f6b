/* bohbvis deck runtime, part 4: the speaker view (s).

   `s` opens the same file in a second window with `?speaker=<session>`. That window shows the
   present slide (live charts), the notes, a timer and the next slide. The two windows stay in
   sync both ways with postMessage (it works between file:// pages, whose origins are opaque)
   and, where the browser allows it, a BroadcastChannel named after the session (it survives a
   reload of either window). A state that arrives from the other window is never sent back. */

let speakerWindow = null;
let session = PARAMS.get("speaker") || "";
let channel = null;
let applyingRemote = false;

function openChannel() {
  if (channel || !session || typeof BroadcastChannel === "undefined") return;
  try {
    channel = new BroadcastChannel("bohbvis-speaker-" + session);
    channel.onmessage = (e) => receive(e.data);
  } catch (err) {
    channel = null; // postMessage alone still keeps the windows in sync
  }
}

function openSpeakerView() {
  if (MODE !== "deck") return;
  if (speakerWindow && !speakerWindow.closed) {
    speakerWindow.focus();
    return;
  }
  if (!session) session = Math.random().toString(36).slice(2, 10);
  openChannel();
  const f = fragment();
  const url = location.href.split(/[?#]/)[0] + "?speaker=" + session + "#/" + current + (f >= 0 ? "/" + f : "");
  speakerWindow = window.open(url, "bohbvis-speaker-" + session, "popup,width=1280,height=800");
}

function peers() {
  const out = [];
  if (speakerWindow && !speakerWindow.closed) out.push(speakerWindow);
  if (MODE === "speaker" && window.opener && !window.opener.closed) out.push(window.opener);
  return out;
}

function send(message) {
  for (const w of peers()) {
    try { w.postMessage(message, "*"); } catch (err) { /* the other window is gone */ }
  }
  if (channel) channel.postMessage(message);
}

function sendState() {
  send({ bohbvis: "state", index: current, fragment: fragment() });
}

function onMessage(e) {
  if (!e.source || (e.source !== speakerWindow && e.source !== window.opener)) return;
  receive(e.data);
}

function receive(message) {
  if (!message || typeof message !== "object") return;
  if (message.bohbvis === "hello") sendState();
  if (message.bohbvis !== "state" || typeof message.index !== "number") return;
  applyingRemote = true;
  try {
    go(message.index, typeof message.fragment === "number" ? message.fragment : -1);
  } finally {
    applyingRemote = false;
  }
}

listeners.push(() => {
  if (!applyingRemote) sendState();
});

// --- the speaker window itself -------------------------------------------------------------------

let timerStart = Date.now();

function startSpeakerView() {
  ROOT.classList.add("speaker");
  openChannel();
  const panel = document.createElement("div");
  panel.className = "speaker-panel";
  panel.innerHTML =
    '<div class="speaker-top"><button type="button" class="speaker-timer">' +
    '<span class="speaker-elapsed">0:00</span></button><span class="speaker-clock"></span>' +
    '<span class="speaker-position"></span></div>' +
    '<div class="speaker-label"></div><div class="speaker-next"></div><div class="speaker-next-title"></div>';
  // The runtime's own words go in as text, never as markup (a translation is not HTML).
  panel.querySelector(".speaker-timer").title = tr("Restart the timer");
  panel.querySelector(".speaker-label").textContent = tr("Next");
  const notes = document.createElement("div");
  notes.className = "speaker-notes";
  notes.setAttribute("aria-live", "polite");
  document.body.append(panel, notes);
  panel.querySelector(".speaker-timer").addEventListener("click", () => { timerStart = Date.now(); tick(); });
  setInterval(tick, 1000);
  tick();
  listeners.push(updateSpeakerPanel);
  sizeSpeakerStage();
  send({ bohbvis: "hello" });
}

function tick() {
  const s = Math.floor((Date.now() - timerStart) / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, "0");
  document.querySelector(".speaker-elapsed").textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + sec;
  document.querySelector(".speaker-clock").textContent = new Date().toLocaleTimeString(DATA.numberLocale ? ROOT.lang : [], { hour: "2-digit", minute: "2-digit" });
}

/** The present slide takes the left 60% of the window (at most 56% of its height); the notes
    get the rest of the left column, the timer and next slide the right. */
function sizeSpeakerStage() {
  let w = Math.max(320, window.innerWidth * 0.6 - 24);
  let h = (w * 9) / 16;
  if (h > window.innerHeight * 0.56) {
    h = window.innerHeight * 0.56;
    w = (h * 16) / 9;
  }
  Object.assign(DECK.style, { left: "12px", top: "12px", width: w + "px", height: h + "px", right: "auto", bottom: "auto" });
  ROOT.style.fontSize = w / 80 + "px";
  const notes = document.querySelector(".speaker-notes");
  Object.assign(notes.style, { top: h + 24 + "px", width: w + "px" });
  document.querySelector(".speaker-panel").style.left = w + 36 + "px";
  previewFor = -1; // the frame changed size: draw the preview again
  updateSpeakerPanel();
}

let previewViews = []; // the next-slide preview's charts (never in VIEWS: they are pictures)
let previewFor = -1;

function updateSpeakerPanel() {
  const frame = document.querySelector(".speaker-next");
  if (!frame || current < 0) return;
  const upcoming = SLIDES[current + 1];
  if (previewFor !== current + 1 || !frame.firstChild) {
    for (const v of previewViews) v.finalize();
    previewViews = [];
    previewFor = current + 1;
    frame.replaceChildren();
    if (upcoming) frame.appendChild(previewOf(upcoming, frame));
  }
  const title = upcoming ? upcoming.querySelector(".slide-title") : null;
  document.querySelector(".speaker-next-title").textContent = upcoming
    ? current + 2 + ". " + (title ? title.textContent : upcoming.dataset.kind)
    : tr("End of the deck");
  const total = fragmentsOf(current).length;
  document.querySelector(".speaker-position").textContent = total
    ? tr("Slide {index} of {count} \u00b7 step {step} of {steps}",
      { index: current + 1, count: COUNT, step: visibleFragments(current), steps: total })
    : tr("Slide {index} of {count}", { index: current + 1, count: COUNT });
  const aside = SLIDES[current].querySelector("aside.notes");
  const notes = document.querySelector(".speaker-notes");
  if (aside) notes.innerHTML = aside.innerHTML; // our own rendered, escaped Markdown
  else {
    const empty = document.createElement("p");
    empty.className = "speaker-empty";
    empty.textContent = tr("No notes for this slide.");
    notes.replaceChildren(empty);
  }
  fitNotes(notes);
}

/** A picture of the next slide: a clone without ids (so nothing in it counts as a live chart or
    table), with its charts drawn as pictures too (no grey boxes), then scaled into the frame. */
function previewOf(slide, frame) {
  const clone = slide.cloneNode(true);
  clone.classList.add("present", "speaker-preview");
  clone.setAttribute("aria-hidden", "true");
  const charts = [];
  for (const el of [clone, ...clone.querySelectorAll("[id], [data-chart-id], [data-table-id]")]) {
    if (el.dataset.chartId) charts.push([el, el.dataset.chartId]);
    el.removeAttribute("id");
    el.removeAttribute("data-chart-id");
    el.removeAttribute("data-table-id");
  }
  for (const f of clone.querySelectorAll(".fragment")) f.classList.add("visible");
  clone.style.transform = "scale(" + frame.clientWidth / SLIDES[current].offsetWidth + ")";
  const scale = SLIDES[current].clientWidth / DATA.design.slideWidth;
  for (const [el, id] of charts) {
    el.replaceChildren();
    el.dataset.placeholder = tr("chart"); // shown (speaker.css) until the picture is drawn
    if (!DATA.charts[id]) continue;
    // Drawn a little smaller than the design size: the preview has no fitting pass.
    vegaEmbed(el, buildSpec(DATA.charts[id], scale, [0.85, 0.8], {}), EMBED_OPTIONS)
      .then((result) => {
        if (previewFor === SLIDES.indexOf(slide)) previewViews.push(result.view);
        else result.view.finalize();
      })
      .catch(() => { el.textContent = tr("chart"); });
  }
  return clone;
}

/** Notes never cut off: shrink the type (down to 13 px) until they fit their box. */
function fitNotes(notes) {
  notes.style.fontSize = "";
  let size = parseFloat(getComputedStyle(notes).fontSize);
  while (notes.scrollHeight > notes.clientHeight + 1 && size > 13) {
    size -= 1;
    notes.style.fontSize = size + "px";
  }
}
