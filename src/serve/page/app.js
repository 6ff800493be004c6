// The what-if page: levers from GET /api/levers; every move re-runs
// POST /api/run (the previous request is aborted and cancelled on the
// server), then refines with more runs while nothing moves.
"use strict";

const page = {
  info: null, changes: {}, result: null, request: null, generation: 0,
  timings: [], movedAt: 0, selected: null,
};
window.whatIf = page; // read by the browser test and for measuring

const $ = (id) => document.getElementById(id);
const pct = (x) => (100 * x).toFixed(1);
const pts = (x) => (x > 0 ? "+" : x < 0 ? "\u2212" : "\u00b1") + Math.abs(100 * x).toFixed(1);

function status(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

async function post(path, body, signal) {
  const response = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body), signal,
  });
  const data = await response.json();
  if (!response.ok) { const e = new Error(data.error); e.cancelled = data.cancelled; throw e; }
  return data;
}

function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

function leverControl(lever) {
  const box = document.createElement("div");
  box.className = "lever";
  const id = "lever-" + lever.path.replace(/[^a-zA-Z0-9_-]/g, "_");
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = lever.label;
  label.title = lever.help;
  box.append(label);
  let input;
  const current = lever.path in page.changes ? page.changes[lever.path] : lever.value;
  if (lever.kind === "number") {
    const out = document.createElement("output");
    out.htmlFor = id;
    input = document.createElement("input");
    Object.assign(input, { type: "range", min: lever.min, max: lever.max, step: lever.step });
    input.value = current;
    out.textContent = current;
    box.append(out, input);
    input.addEventListener("input", () => { out.textContent = input.value; });
  } else if (lever.kind === "choice") {
    input = document.createElement("select");
    for (const o of lever.options) input.add(new Option(o, o));
    input.value = current;
    box.append(input);
  } else {
    input = document.createElement("input");
    input.type = "checkbox";
    input.checked = current;
    box.append(input);
  }
  input.id = id;
  input.dataset.path = lever.path;
  input.title = lever.help;
  if (lever.written) {
    const note = document.createElement("small");
    note.textContent = "file: " + lever.written + " (a value here fixes it)";
    box.append(note);
  }
  const read = () => lever.kind === "number" ? Number(input.value)
    : lever.kind === "choice" ? input.value : input.checked;
  input.addEventListener(lever.kind === "number" ? "input" : "change", () => {
    const value = read();
    if (same(value, lever.value)) delete page.changes[lever.path];
    else page.changes[lever.path] = value;
    box.classList.toggle("changed", lever.path in page.changes);
    leverMoved();
  });
  box.classList.toggle("changed", lever.path in page.changes);
  return box;
}

function showLevers() {
  const levers = page.info.levers;
  const fill = (target, list) => { $(target).replaceChildren(...list.map(leverControl)); };
  fill("global-levers", levers.filter((l) => l.group === "global"));
  fill("package-levers", levers.filter((l) => l.group === "packages" && l.entry === $("package-pick").value));
  fill("scenario-levers", levers.filter((l) => l.group === "scenarios" && l.entry === $("scenario-pick").value));
}

let timer = null;
function leverMoved() {
  page.movedAt = performance.now();
  if (page.request) page.request.abort();
  clearTimeout(timer);
  const movedAt = page.movedAt;
  timer = setTimeout(() => runBatch(page.info.quick_runs, movedAt), 60);
}

// `movedAt`: when the lever moved (0 for the first answer and refinements).
async function runBatch(runs, movedAt) {
  const generation = ++page.generation;
  if (page.request) page.request.abort();
  const controller = new AbortController();
  page.request = controller;
  status(`Running ${runs.toLocaleString("en")} runs per package and scenario…`);
  try {
    const started = performance.now();
    const result = await post("/api/run", { changes: page.changes, runs }, controller.signal);
    if (generation !== page.generation) return;
    page.result = result;
    render();
    const now = performance.now();
    const page_ms = now - (movedAt || started);
    page.timings.push({ runs, server_ms: result.elapsed_ms, page_ms, after_move: Boolean(movedAt) });
    const how = movedAt ? `${Math.round(page_ms)} ms from the move to this page`
      : runs === page.info.quick_runs ? `${Math.round(page_ms)} ms to this page` : "refined while nothing moved";
    status(`${result.runs.toLocaleString("en")} runs per package and scenario, seed ${result.seed}: ` +
      `${Math.round(result.elapsed_ms)} ms on the server, ${how}.`);
    document.body.dataset.runs = String(result.runs);
    document.body.dataset.updates = String(page.timings.length);
    page.movedAt = 0;
    if (runs < page.info.refined_runs) {
      setTimeout(() => { if (generation === page.generation) runBatch(page.info.refined_runs, 0); }, 300);
    }
  } catch (e) {
    if (e.name === "AbortError" || e.cancelled) return;
    if (generation === page.generation) status(e.message, true);
  }
}

function cellOf(scenario, packageId) { return scenario.cells.find((c) => c.package === packageId); }

function render() {
  const r = page.result;
  const packages = page.info.packages;
  const grid = $("grid");
  const head = document.createElement("tr");
  head.append(Object.assign(document.createElement("th"), { textContent: "package" }));
  for (const s of r.scenarios) head.append(Object.assign(document.createElement("th"), { textContent: s.id, title: s.name }));
  const rows = [head];
  for (const p of packages) {
    const tr = document.createElement("tr");
    tr.append(Object.assign(document.createElement("th"), { textContent: p.id, title: p.name }));
    for (const s of r.scenarios) {
      const td = document.createElement("td");
      const c = cellOf(s, p.id);
      if (c) {
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.package = p.id; b.dataset.scenario = s.id;
        b.setAttribute("aria-label", `${p.id} in ${s.id}: hold ${pct(c.hold.value)}%; tell one run`);
        b.innerHTML = `<span class="rate">${pct(c.hold.value)}%</span> [${pct(c.hold.lower)}, ${pct(c.hold.upper)}]<br>` + change(c);
        b.addEventListener("click", () => explain(p.id, s.id));
        td.append(b);
      } else td.textContent = "infeasible";
      tr.append(td);
    }
    rows.push(tr);
  }
  grid.replaceChildren(...rows);
  renderScenario();
  $("changes").replaceChildren(...(r.changes.length ? r.changes : ["nothing yet: the file as loaded"])
    .map((t) => Object.assign(document.createElement("li"), { textContent: t })));
  $("infeasible").textContent = r.infeasible.length
    ? "Infeasible (never simulated): " + r.infeasible.map((i) => `${i.package}: ${i.reasons}`).join("; ") : "";
  $("summary").textContent = summary(r);
}

function change(c) {
  const d = c.hold_change;
  if (c.unchanged || !d) return `<span class="noise">unchanged</span>`;
  const text = `${pts(d.value)} pts [${pts(d.lower)}, ${pts(d.upper)}]`;
  if (d.within_noise) return `<span class="noise">${text} within noise</span>`;
  return `<span class="${d.value > 0 ? "up" : "down"}">${text}</span>`;
}

function summary(r) {
  if (!r.changes.length) return "Move a lever: every package is re-run on the same random numbers and compared with the file as loaded.";
  const effects = [];
  for (const s of r.scenarios) for (const c of s.cells) {
    const d = c.hold_change;
    if (d && !c.unchanged && !d.within_noise) effects.push({ s: s.id, p: c.package, d });
  }
  effects.sort((a, b) => Math.abs(b.d.value) - Math.abs(a.d.value));
  const what = r.changes.join("; ");
  if (!effects.length) return `${what}: every difference in hold rates is within noise.`;
  return `${what}: ` + effects.slice(0, 3).map((e) =>
    `${e.p} ${pts(e.d.value)} points [${pts(e.d.lower)}, ${pts(e.d.upper)}] in ${e.s}`).join("; ") +
    (effects.length > 3 ? `; ${effects.length - 3} more differences beyond noise in the table.` : ".");
}

function renderScenario() {
  const r = page.result;
  if (!r) return;
  const s = r.scenarios.find((x) => x.id === $("scenario-pick").value) || r.scenarios[0];
  $("ranking-scenario").textContent = s.id;
  $("ranking").replaceChildren(...s.ranking.map((id) => {
    const c = cellOf(s, id);
    return Object.assign(document.createElement("li"), { textContent: `${id}: ${pct(c.hold.value)}% [${pct(c.hold.lower)}, ${pct(c.hold.upper)}]` });
  }));
  $("chart").innerHTML = barChart(s);
}

const esc = (t) => String(t).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);

function barChart(s) {
  const rowH = 22, left = 170, width = 560, plot = width - left - 20;
  const cells = s.ranking.map((id) => cellOf(s, id));
  const height = cells.length * rowH + 30;
  const x = (v) => left + v * plot;
  let svg = `<svg role="img" aria-label="Hold rates in ${esc(s.id)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">`;
  svg += `<title>Hold rate with 95% interval in ${esc(s.id)}; faint bar: as loaded</title>`;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg += `<line x1="${x(t)}" x2="${x(t)}" y1="0" y2="${height - 20}" stroke="#ddd"/><text x="${x(t)}" y="${height - 5}" text-anchor="middle">${t * 100}%</text>`;
  }
  cells.forEach((c, i) => {
    const y = i * rowH + 4;
    const base = c.hold_change ? c.hold.value - c.hold_change.value : c.hold.value;
    svg += `<text x="${left - 6}" y="${y + 13}" text-anchor="end">${esc(c.package)}</text>`;
    svg += `<rect class="bar" data-package="${esc(c.package)}" x="${left}" y="${y}" width="${(c.hold.value * plot).toFixed(1)}" height="16" fill="#2f6db5"/>`;
    svg += `<rect x="${left}" y="${y + 12}" width="${(base * plot).toFixed(1)}" height="4" fill="#999"/>`;
    svg += `<line x1="${x(c.hold.lower)}" x2="${x(c.hold.upper)}" y1="${y + 8}" y2="${y + 8}" stroke="#000"/>`;
  });
  return svg + "</svg>";
}

function survivalChart(curves, horizon) {
  const width = 560, height = 220, left = 40, bottom = 30, plotW = width - left - 10, plotH = height - bottom - 10;
  const x = (m) => left + (m / Math.max(1, horizon)) * plotW;
  const y = (v) => 10 + (1 - v) * plotH;
  let svg = `<svg role="img" aria-label="Survival curve" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">`;
  svg += `<title>Share of runs with no major offensive yet, by month (a rejection of the terms counts at month 0)</title>`;
  for (const t of [0, 0.5, 1]) svg += `<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/><text x="${left - 4}" y="${y(t) + 4}" text-anchor="end">${t * 100}%</text>`;
  svg += `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle">months since ceasefire</text>`;
  for (const [points, colour, name, dash] of curves) {
    if (!points || !points.length) continue;
    let band = "", line = "";
    points.forEach((p, i) => {
      const next = i + 1 < points.length ? points[i + 1].month : horizon;
      line += `${i ? "L" : "M"}${x(p.month).toFixed(1)},${y(p.value).toFixed(1)} H${x(next).toFixed(1)} `;
      band += `M${x(p.month).toFixed(1)},${y(p.upper).toFixed(1)} H${x(next).toFixed(1)} V${y(p.lower).toFixed(1)} H${x(p.month).toFixed(1)} Z `;
    });
    svg += `<path d="${band}" fill="${colour}" opacity="0.15"/><path class="curve" d="${line}" fill="none" stroke="${colour}" stroke-width="2" ${dash ? 'stroke-dasharray="5 3"' : ""}><title>${name}</title></path>`;
  }
  svg += `<text x="${width - 12}" y="24" text-anchor="end" fill="#2f6db5">what-if</text><text x="${width - 12}" y="40" text-anchor="end" fill="#777">as loaded (dashed)</text>`;
  return svg + "</svg>";
}

async function explain(packageId, scenarioId) {
  page.selected = { package: packageId, scenario: scenarioId };
  $("explain").hidden = false;
  $("explain-title").textContent = `One run of ${packageId} in ${scenarioId}, month by month`;
  $("story").textContent = "Telling the run…";
  try {
    const run = Math.max(0, Math.floor(Number($("run-index").value) || 0));
    const e = await post("/api/explain", {
      changes: page.changes, package: packageId, scenario: scenarioId, run, runs: page.info.quick_runs,
    });
    $("story").textContent = e.story;
    const horizon = Math.max(...e.survival.map((p) => p.month), 1);
    $("survival").innerHTML = survivalChart([[e.survival, "#2f6db5", "what-if", false], [e.survival_as_loaded, "#777", "as loaded", true]], horizon);
    document.body.dataset.explained = `${packageId}/${scenarioId}`;
    $("explain").scrollIntoView({ block: "nearest" });
  } catch (err) {
    $("story").textContent = "";
    status(err.message, true);
  }
}

async function save() {
  try {
    const runs = page.result ? page.result.runs : page.info.quick_runs;
    const saved = await post("/api/save", { changes: page.changes, runs });
    $("saved").hidden = false;
    $("command").textContent = saved.command;
    $("saved-text").textContent = saved.text;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([saved.text], { type: "application/toml" }));
    link.download = saved.file_name;
    document.body.append(link);
    link.click();
    link.remove();
  } catch (e) { status(e.message, true); }
}

async function start() {
  const response = await fetch("/api/levers");
  page.info = await response.json();
  $("file").textContent = page.info.file;
  for (const p of page.info.packages) $("package-pick").add(new Option(`${p.id}: ${p.name}`, p.id));
  for (const s of page.info.scenarios) $("scenario-pick").add(new Option(`${s.id}: ${s.name}`, s.id));
  $("package-pick").addEventListener("change", showLevers);
  $("scenario-pick").addEventListener("change", () => { showLevers(); renderScenario(); });
  $("reset").addEventListener("click", () => { page.changes = {}; showLevers(); leverMoved(); });
  $("save").addEventListener("click", save);
  $("explain-again").addEventListener("click", () => { if (page.selected) explain(page.selected.package, page.selected.scenario); });
  const preferred = page.info.packages.find((p) => p.id !== page.info.packages[0].id);
  if (preferred) $("package-pick").value = preferred.id;
  showLevers();
  runBatch(page.info.quick_runs, 0);
}

start().catch((e) => status("Could not load the levers: " + e.message, true));
