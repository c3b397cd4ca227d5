// The dashboard: polls the control API and draws tasks, credits, the journal and faults.
import { Refused, del, get, post, setToken, token } from "./api.js";
import { balanceChart } from "./chart.js";
import { $, clockTime, credits, fillRows, h, json, short, statusClass, when } from "./dom.js";

const POLL_MS = 1000;
const state = {
  tab: "tasks",
  tenant: "",
  tenants: [],
  openTask: null,
  openEntry: null,
  journal: [],
  clock: null,
  locked: false,
  busy: false,
};

// ---------------------------------------------------------------------------
// Status line and access

let sayTimer = null;

function say(text, kind = "") {
  const el = $("#status");
  el.textContent = text;
  el.className = `status ${kind}`;
  clearTimeout(sayTimer);
  if (kind === "good") sayTimer = setTimeout(() => say(""), 4000);
}

function lock(err) {
  state.locked = true;
  document.body.classList.add("locked");
  $("#login").hidden = false;
  $("main").hidden = true;
  $(".tabs").hidden = true;
  const msg = err.status === 401
    ? (token()
      ? "Refused: that is not this emulator's admin token (a tenant's API key never opens the control API)."
      : "This emulator needs its admin token.")
    : err.message;
  $("#login-error").textContent = msg;
  say(err.status === 403 ? "disabled" : "locked", "bad");
  if (err.status === 403) $("#login-form").hidden = true;
}

function unlock() {
  state.locked = false;
  document.body.classList.remove("locked");
  $("#login").hidden = true;
  $("main").hidden = false;
  $(".tabs").hidden = false;
}

function report(err, where) {
  if (err instanceof Refused && (err.status === 401 || err.status === 403)) {
    lock(err);
    return;
  }
  if (where) where.textContent = err.message;
  else say(err.message, "bad");
}

async function act(fn, errEl) {
  if (errEl) errEl.textContent = "";
  try {
    await fn();
    await refresh();
  } catch (err) {
    report(err, errEl);
  }
}

// ---------------------------------------------------------------------------
// Tabs (arrow keys move between them, as the ARIA tabs pattern has it)

function showTab(name, focus = false) {
  state.tab = name;
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on && focus) tab.focus();
    $(`#${tab.getAttribute("aria-controls")}`).hidden = !on;
  }
  history.replaceState(null, "", `#${name}`);
  refresh();
}

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => showTab(tab.id.slice(4)));
    tab.addEventListener("keydown", (e) => {
      let j = null;
      if (e.key === "ArrowRight") j = (i + 1) % tabs.length;
      if (e.key === "ArrowLeft") j = (i - 1 + tabs.length) % tabs.length;
      if (e.key === "Home") j = 0;
      if (e.key === "End") j = tabs.length - 1;
      if (j !== null) {
        e.preventDefault();
        showTab(tabs[j].id.slice(4), true);
      }
    });
  });
}

// ---------------------------------------------------------------------------
// Header: clock and tenants

function drawClock(c) {
  state.clock = c;
  $("#clock-now").textContent = when(c.iso);
  $("#clock-now").title = c.iso;
  const mode = c.frozen ? "frozen" : `×${c.rate}`;
  $("#clock-mode").textContent = mode;
  $("#clock-mode").className = `chip ${c.frozen ? "warn" : ""}`;
  $("#clock-detail").textContent = `${c.iso} · ${c.frozen ? "frozen" : "running"} · rate ${c.rate}`;
  const freeze = $("#clock-freeze");
  freeze.textContent = c.frozen ? "Unfreeze" : "Freeze";
  freeze.setAttribute("aria-pressed", String(c.frozen));
}

function drawTenants(list) {
  state.tenants = list;
  if (!state.tenant && list.length) state.tenant = list[0].tenant;
  const sel = $("#tenant");
  const jf = $("#jf-tenant");
  const names = list.map((t) => t.tenant);
  if (state.tenant && !names.includes(state.tenant)) names.unshift(state.tenant);
  const shown = sel.dataset.names;
  if (shown !== names.join()) {
    sel.dataset.names = names.join();
    sel.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
    if (!names.length) sel.append(h("option", { value: "" }, "no tenants yet"));
    const keep = jf.value;
    jf.replaceChildren(h("option", { value: "" }, "any"),
      ...names.map((n) => h("option", { value: n }, n)));
    jf.value = keep;
  }
  sel.value = state.tenant;
  fillRows($("#tenants-table tbody"), list.map((t) => h("tr", { class: t.tenant === state.tenant ? "current" : "" },
    h("td", { "data-label": "Tenant" }, h("button", {
      type: "button", class: "link", "data-key": `tenant-${t.tenant}`,
      "aria-label": `Show tenant ${t.tenant}`,
      onclick: () => { state.tenant = t.tenant; refresh(); },
    }, h("code", {}, t.tenant))),
    h("td", { class: "num", "data-label": "Balance" }, credits(t.balance)),
    h("td", { class: "num", "data-label": "Tier" }, t.tier),
    h("td", { class: "num", "data-label": "Tasks" }, t.tasks),
    h("td", { class: "num", "data-label": "Active" }, t.active))));
}

// ---------------------------------------------------------------------------
// Tasks

function progressBar(t) {
  const pct = t.progress === null || t.progress === undefined ? null : Math.round(t.progress * 100);
  const bar = h("div", {
    class: `bar ${pct === null ? "idle" : ""}`, role: "progressbar",
    "aria-label": `Progress of task ${short(t.id)}`,
    "aria-valuemin": 0, "aria-valuemax": 100,
    "aria-valuenow": pct === null ? undefined : pct,
  }, h("span"));
  bar.firstChild.style.width = `${pct === null ? 0 : pct}%`; // CSSOM: allowed by the CSP
  return h("div", { class: "progress" }, bar, h("span", { class: "pct" }, pct === null ? "" : `${pct}%`));
}

function taskActions(t) {
  const out = [];
  const live = !["SUCCEEDED", "FAILED", "CANCELLED"].includes(t.status);
  if (t.held) {
    out.push(h("button", {
      type: "button", class: "small", "data-key": `release-${t.id}`,
      "aria-label": `Release task ${short(t.id)}`,
      onclick: () => act(async () => {
        await post(`/tasks/${t.id}/release`, { tenant: t.tenant });
        say(`task ${short(t.id)} released`, "good");
      }),
    }, "Release"));
  }
  if (live) {
    out.push(h("button", {
      type: "button", class: "small danger", "data-key": `cancel-${t.id}`,
      "aria-label": `Cancel task ${short(t.id)}`,
      onclick: () => act(async () => {
        await post(`/tasks/${t.id}/cancel`, { tenant: t.tenant });
        say(`task ${short(t.id)} cancelled`, "good");
      }),
    }, "Cancel"));
  }
  return out;
}

function taskRow(t) {
  return h("tr", { "data-id": t.id, "data-status": t.status, class: state.openTask === t.id ? "current" : "" },
    h("td", { "data-label": "Task" }, h("button", {
      type: "button", class: "link", "data-key": `open-${t.id}`,
      "aria-label": `Show task ${t.id}`, title: t.id,
      onclick: () => openTask(t.id, t.tenant),
    }, h("code", {}, short(t.id)))),
    h("td", { "data-label": "Status" }, h("span", { class: statusClass(t.status) }, t.status),
      t.held ? h("span", { class: "chip warn" }, "held") : null),
    h("td", { "data-label": "Progress" }, progressBar(t)),
    h("td", { "data-label": "Endpoint" }, t.endpoint),
    h("td", { "data-label": "Model" }, t.model),
    h("td", { "data-label": "Estimated", class: "num" }, credits(t.estimated)),
    h("td", { "data-label": "Cost", class: "num" }, t.cost === null ? "–" : credits(t.cost)),
    h("td", { "data-label": "Created", title: t.createdIso }, clockTime(t.createdIso)),
    h("td", { "data-label": "Finished", title: t.finishedIso || "" }, clockTime(t.finishedIso) || "–"),
    h("td", { class: "actions" }, taskActions(t)));
}

async function drawTasks() {
  const all = $("#tasks-all").checked;
  if (!all && !state.tenant) {
    fillRows($("#tasks-table tbody"), []);
    $("#tasks-empty").hidden = false;
    return;
  }
  const data = await get("/tasks", all ? {} : { tenant: state.tenant });
  fillRows($("#tasks-table tbody"), data.tasks.map(taskRow));
  $("#tasks-empty").hidden = data.tasks.length > 0;
  if (state.openTask) await drawTaskDetail();
}

function media(o, i) {
  if (!o.url) return h("p", { class: "muted" }, `output ${i + 1}: ${o.kind} .${o.ext} (when it succeeds)`);
  const label = `Output ${i + 1} (${o.kind}, ${o.ext})`;
  let el;
  if (o.kind === "video") el = h("video", { src: o.url, controls: true, preload: "metadata", muted: true, "aria-label": label });
  else if (o.kind === "image") el = h("img", { src: o.url, alt: label, loading: "lazy" });
  else if (o.kind === "audio") el = h("audio", { src: o.url, controls: true, preload: "metadata", "aria-label": label });
  const size = o.width && o.height ? ` ${o.width}×${o.height}` : "";
  const secs = o.seconds ? ` ${o.seconds} s` : "";
  return h("figure", { class: "output" }, el || null,
    h("figcaption", {}, h("a", { href: o.url, target: "_blank", rel: "noopener" }, `${o.kind} .${o.ext}`), size, secs));
}

function dl(pairs) {
  return h("dl", { class: "kv" }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

async function drawTaskDetail() {
  const box = $("#task-detail");
  let t;
  try {
    t = await get(`/tasks/${state.openTask}`, { tenant: state.openTenant });
  } catch (err) {
    if (err.status === 404) {
      $("#task-detail-body").replaceChildren(h("p", { class: "muted" }, "This task no longer exists (deleted)."));
      return;
    }
    throw err;
  }
  const sig = JSON.stringify([t.status, t.progress, t.held, t.outputs.map((o) => !!o.url)]);
  if (box.dataset.sig === sig) return; // do not restart playing media on every poll
  box.dataset.sig = sig;
  $("#task-detail-title").textContent = `Task ${t.id}`;
  $("#task-detail-body").replaceChildren(
    h("div", { class: "detail-grid" },
      h("div", {},
        dl([["Status", h("span", { class: statusClass(t.status) }, t.status)],
          ["Tenant", h("code", {}, t.tenant)],
          ["Endpoint", t.endpoint], ["Model", t.model],
          ["Estimated", `${credits(t.estimated)} credits`],
          ["Cost", t.cost === null ? "–" : `${credits(t.cost)} credits`],
          ["Created", when(t.createdIso)], ["Starts", when(t.pendingIso)],
          ["Runs", when(t.runningIso)], ["Ends", when(t.doneIso)],
          ["Finished", when(t.finishedIso)],
          ["Failure", t.failureCode ? `${t.failureCode}: ${t.failure}` : t.failure],
          ["Transition", h("code", {}, JSON.stringify(t.transition))]]),
        h("div", { class: "row" }, taskActions(t))),
      h("div", {},
        h("h4", {}, "Request body"),
        h("pre", { class: "code", tabindex: 0, "aria-label": "Request body" }, json(t.request)))),
    h("h4", {}, "Outputs"),
    h("div", { class: "outputs" }, t.outputs.map(media)));
}

function openTask(id, tenant) {
  state.openTask = id;
  state.openTenant = tenant;
  const box = $("#task-detail");
  box.hidden = false;
  delete box.dataset.sig;
  drawTaskDetail().then(() => box.focus()).catch((err) => report(err));
}

// ---------------------------------------------------------------------------
// Credits

async function drawCredits() {
  if (!state.tenant) return;
  const [c, hist, tier] = await Promise.all([
    get("/credits", { tenant: state.tenant, limit: 200 }),
    get("/credits/history", { tenant: state.tenant }),
    get("/tier", { tenant: state.tenant }),
  ]);
  const totals = $("#credit-totals");
  totals.dataset.balance = c.balance;
  totals.replaceChildren(
    ...[["Balance", c.balance, "balance"], ["Funded", c.funded], ["Charged", c.charged],
      ["Refunded", c.refunded], ["Bought in 30 days", c.purchased30d],
      ["Monthly purchase cap", c.maxMonthlyCreditSpend]]
      .map(([k, v, id]) => h("div", { class: id ? "big" : "" }, h("dt", {}, k),
        h("dd", { id: id ? "balance-value" : undefined }, credits(v)))));
  state.history = hist;
  drawChart();
  fillRows($("#ledger-table tbody"), [...c.ledger].reverse().map((e) => h("tr", {},
    h("td", { class: "num", "data-label": "#" }, e.seq),
    h("td", { title: e.at, "data-label": "When" }, clockTime(e.at)),
    h("td", { "data-label": "Kind" }, h("span", { class: `badge k-${e.kind}` }, e.kind)),
    h("td", { class: "num", "data-label": "Credits" },
      `${e.kind === "charge" || e.credits < 0 ? "−" : "+"}${credits(Math.abs(e.credits))}`),
    h("td", { "data-label": "Model" }, e.model || "–"),
    h("td", { "data-label": "Reason" }, h("span", {}, e.reason, e.taskId ? [" ", h("code", {}, short(e.taskId))] : "")))));
  $("#tier-line").textContent = `Tier ${tier.tier}` +
    (Object.keys(tier.overrides || {}).length ? ` with overrides for ${Object.keys(tier.overrides).join(", ")}` : "");
  fillRows($("#limits-table tbody"), Object.entries(tier.models).map(([m, l]) => h("tr", {},
    h("td", {}, m), h("td", { class: "num" }, l.maxConcurrentGenerations ?? "∞"),
    h("td", { class: "num" }, l.maxDailyGenerations ?? "∞"))));
}

function drawChart() {
  const box = $("#balance-chart");
  if (!state.history || !box.clientWidth) return;
  box.replaceChildren(balanceChart(state.history.points, state.history.now, box.clientWidth));
}

// ---------------------------------------------------------------------------
// Journal

function journalParams() {
  const f = new FormData($("#journal-filters"));
  return {
    tenant: f.get("tenant"), method: f.get("method"), path: f.get("path").trim(),
    status: f.get("status").trim(), fault: f.get("fault"), limit: 200,
  };
}

// Record/replay marks entries with a source (replayed, emulated, unmatched); the plain
// emulator does not, and everything it answers is emulated.
function sourceOf(e) {
  return e.source || (e.replayed ? "replayed" : "emulated");
}

async function drawJournal() {
  const params = journalParams();
  if (params.status && !/^\d+$/.test(params.status)) {
    say("status must be a number", "bad");
    return;
  }
  const data = await get("/journal", params);
  const source = new FormData($("#journal-filters")).get("source");
  let entries = data.entries;
  if (source) entries = entries.filter((e) => sourceOf(e) === source);
  entries = entries.reverse();
  state.journal = entries;
  fillRows($("#journal-table tbody"), entries.map((e) => h("tr", {
    class: `${e.fault ? "faulted" : ""} ${state.openEntry === e.seq ? "current" : ""}`, "data-seq": e.seq,
  },
  h("td", { "data-label": "#", class: "num" }, h("button", {
    type: "button", class: "link", "data-key": `entry-${e.seq}`,
    "aria-label": `Show journal entry ${e.seq}`, onclick: () => openEntry(e.seq),
  }, String(e.seq))),
  h("td", { "data-label": "At" }, clockTime(isoOf(e.at))),
  h("td", { "data-label": "Method" }, h("span", { class: `method m-${e.method.toLowerCase()}` }, e.method)),
  h("td", { "data-label": "Path", class: "path" }, e.path),
  h("td", { "data-label": "Status", class: "num" }, h("span", { class: `code-${String(e.status)[0]}` }, e.status === 0 ? "dropped" : e.status)),
  h("td", { "data-label": "Tenant" }, e.tenant ? h("code", {}, short(e.tenant)) : "–"),
  h("td", { "data-label": "Fault" }, e.fault ? h("span", { class: "chip bad" }, `${e.fault.rule} (${e.fault.type})`) : ""),
  h("td", { "data-label": "Source" }, h("span", { class: `chip ${{ replayed: "info", unmatched: "warn" }[sourceOf(e)] || ""}`, title: e.recording || "" }, sourceOf(e))),
  h("td", { "data-label": "ms", class: "num" }, e.ms !== undefined ? e.ms.toFixed(1) : ""))));
  $("#journal-empty").hidden = entries.length > 0;
  if (state.openEntry) drawEntry();
}

function isoOf(epoch) {
  return typeof epoch === "number" ? new Date(epoch * 1000).toISOString() : "";
}

function drawEntry() {
  const e = state.journal.find((x) => x.seq === state.openEntry);
  if (!e) return;
  const box = $("#journal-detail");
  if (box.dataset.seq === String(e.seq)) return;
  box.dataset.seq = String(e.seq);
  $("#journal-detail-title").textContent = `Entry ${e.seq}: ${e.method} ${e.path}`;
  const { request, response, ...meta } = e;
  const parts = [h("div", { class: "detail-grid" },
    h("div", {}, h("h4", {}, "Request (scrubbed)"),
      h("pre", { class: "code", tabindex: 0, "aria-label": "Scrubbed request" },
        request === undefined ? "(no body recorded)" : json(request))),
    h("div", {}, h("h4", {}, "Response (scrubbed)"),
      h("pre", { class: "code", tabindex: 0, "aria-label": "Scrubbed response" },
        response === undefined ? "(no body recorded)" : json(response)))),
  h("h4", {}, "Entry"), h("pre", { class: "code", tabindex: 0, "aria-label": "Journal entry" }, json(meta))];
  $("#journal-detail-body").replaceChildren(...parts);
}

function openEntry(seq) {
  state.openEntry = seq;
  const box = $("#journal-detail");
  box.hidden = false;
  delete box.dataset.seq;
  drawEntry();
  box.focus();
}

// ---------------------------------------------------------------------------
// Faults, policies, clock, etiquette

function describe(obj) {
  if (!obj || !Object.keys(obj).length) return "every call";
  return Object.entries(obj).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("|") : typeof v === "object" ? JSON.stringify(v) : v}`).join(" ");
}

async function drawFaults() {
  const [f, p, et] = await Promise.all([
    get("/faults"), get("/policies"),
    state.tenant ? get("/etiquette", { tenant: state.tenant }) : Promise.resolve(null),
  ]);
  fillRows($("#faults-table tbody"), f.rules.map((r) => h("tr", { "data-rule": r.id, class: r.exhausted ? "spent" : "" },
    h("td", { "data-label": "Rule" }, h("code", {}, r.id), r.note ? h("div", { class: "muted" }, r.note) : null),
    h("td", { "data-label": "Match" }, describe(r.match)),
    h("td", { "data-label": "Effect" }, describe(r.effect)),
    h("td", { "data-label": "Calls", class: "num" }, r.calls),
    h("td", { "data-label": "Fired", class: "num" }, r.fired),
    h("td", { "data-label": "Left", class: "num" }, r.remaining === null ? "∞" : r.remaining),
    h("td", { class: "actions" }, h("button", {
      type: "button", class: "small danger", "data-key": `rm-${r.id}`, "aria-label": `Remove rule ${r.id}`,
      onclick: () => act(() => del(`/faults/${encodeURIComponent(r.id)}`), $("#fault-error")),
    }, "Remove")))));
  $("#faults-empty").hidden = f.rules.length > 0;
  const policyRows = Object.entries(p);
  if (!policyRows.length) {
    fillRows($("#policies-table tbody"), [h("tr", {}, h("td", { colspan: 4, class: "muted" },
      "No policies: tasks take their model's realistic time and succeed."))]);
  } else fillRows($("#policies-table tbody"), policyRows.map(([key, pol]) => h("tr", {},
    h("td", {}, h("code", {}, key)), h("td", {}, describe(pol.transition)),
    h("td", {}, pol.outcome ? describe(pol.outcome) : ""),
    h("td", { class: "actions" }, h("button", {
      type: "button", class: "small danger", "data-key": `rmp-${key}`, "aria-label": `Remove policy ${key}`,
      onclick: () => act(() => del(`/policies/${encodeURIComponent(key)}`), $("#policy-error")),
    }, "Remove")))));
  drawEtiquette(et);
}

function drawEtiquette(et) {
  const box = $("#etiquette");
  if (!et) {
    box.replaceChildren(h("p", { class: "muted" }, "No tenant selected."));
    return;
  }
  box.replaceChildren(
    h("p", {}, h("span", { class: `chip ${et.ok ? "good" : "bad"}` }, et.ok ? "well behaved" : "findings"),
      ` ${et.requests} requests judged`),
    h("ul", { class: "checks" }, Object.entries(et.checks).map(([name, c]) => h("li", { class: c.ok ? "ok" : "bad" },
      h("span", { class: "mark", "aria-hidden": "true" }, c.ok ? "✓" : "✗"),
      h("code", {}, name), ` ${c.description}`, c.count ? h("strong", {}, ` · ${c.count}`) : null))));
}

function numberOrNull(v) {
  const t = String(v ?? "").trim();
  if (!t) return null;
  const n = Number(t);
  if (!Number.isFinite(n)) throw new Error(`${t} is not a number`);
  return n;
}

function faultFromForm(form) {
  const f = new FormData(form);
  const raw = String(f.get("json") || "").trim();
  if (raw) return JSON.parse(raw);
  const rule = { match: {}, effect: { type: f.get("type") } };
  if (f.get("id").trim()) rule.id = f.get("id").trim();
  if (f.get("method")) rule.match.method = f.get("method");
  if (f.get("path").trim()) rule.match.path = f.get("path").trim();
  const e = rule.effect;
  if (e.type === "status") {
    e.status = numberOrNull(f.get("status"));
    const ra = numberOrNull(f.get("retryAfterMs"));
    if (ra !== null) e.retryAfterMs = ra;
  }
  if (e.type === "latency") e.seconds = numberOrNull(f.get("seconds")) ?? 1;
  if (e.type === "fail" && f.get("failureCode").trim()) e.failureCode = f.get("failureCode").trim();
  const times = f.get("times").trim();
  if (times) rule.times = /^\d+$/.test(times) ? Number(times) : times;
  return rule;
}

function policyFromForm(form) {
  const f = new FormData(form);
  const body = { key: f.get("key").trim() };
  const kind = f.get("kind");
  const n = numberOrNull(f.get("n"));
  if (kind) {
    body.transition = { kind };
    if (kind === "timed" && n !== null) body.transition.seconds = n;
    if (kind === "after_polls") body.transition.polls = n ?? 3;
    if (kind === "hold") body.transition.status = f.get("hold");
  }
  if (f.get("outcome")) {
    body.outcome = { status: f.get("outcome") };
    if (f.get("outcome") === "FAILED" && f.get("failureCode").trim()) body.outcome.failureCode = f.get("failureCode").trim();
  }
  return body;
}

// ---------------------------------------------------------------------------
// Polling

async function refresh() {
  if (state.busy) return;
  state.busy = true;
  try {
    const [clock, tenants] = await Promise.all([get("/clock"), get("/tenants")]);
    if (state.locked) unlock();
    drawClock(clock);
    drawTenants(tenants.tenants);
    if (state.tab === "tasks") await drawTasks();
    if (state.tab === "credits") await drawCredits();
    if (state.tab === "journal") await drawJournal();
    if (state.tab === "faults") await drawFaults();
    // The time of the last poll is not announced (it changes every second); messages are.
    $("#updated").textContent = `updated ${clockTime(clock.iso)}`;
    if ($("#status").classList.contains("bad")) say("");
  } catch (err) {
    report(err);
  } finally {
    state.busy = false;
  }
}

function setupForms() {
  $("#login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    setToken($("#token").value.trim());
    $("#token").value = "";
    refresh();
  });
  $("#tenant").addEventListener("change", (e) => { state.tenant = e.target.value; refresh(); });
  $("#tasks-all").addEventListener("change", () => refresh());
  $("#task-detail-close").addEventListener("click", () => {
    state.openTask = null;
    $("#task-detail").hidden = true;
  });
  $("#journal-detail-close").addEventListener("click", () => {
    state.openEntry = null;
    $("#journal-detail").hidden = true;
  });
  $("#journal-filters").addEventListener("input", () => refresh());
  $("#journal-filters").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  $("#journal-clear").addEventListener("click", () => act(() => post("/journal/clear")));
  $("#fault-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const errEl = $("#fault-error");
    let rule;
    try {
      rule = faultFromForm(e.target);
    } catch (err) {
      errEl.textContent = err.message;
      return;
    }
    act(async () => {
      await post("/faults", rule);
      errEl.textContent = "";
      say(`rule added`, "good");
    }, errEl);
  });
  $("#faults-clear").addEventListener("click", () => act(() => del("/faults"), $("#fault-error")));
  $("#policy-form").addEventListener("submit", (e) => {
    e.preventDefault();
    let body;
    try {
      body = policyFromForm(e.target);
    } catch (err) {
      $("#policy-error").textContent = err.message;
      return;
    }
    act(() => post("/policies", body), $("#policy-error"));
  });
  $("#clock-advance").addEventListener("submit", (e) => {
    e.preventDefault();
    act(() => post("/clock", { advance: numberOrNull($("#advance-by").value) ?? 0 }), $("#clock-error"));
  });
  $("#clock-rate").addEventListener("submit", (e) => {
    e.preventDefault();
    act(() => post("/clock", { rate: numberOrNull($("#rate").value) }), $("#clock-error"));
  });
  $("#clock-freeze").addEventListener("click", () =>
    act(() => post("/clock", { freeze: !(state.clock && state.clock.frozen) }), $("#clock-error")));
  $("#credits-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!state.tenant) return;
    act(() => post("/credits", { tenant: state.tenant, [$("#credits-action").value]: numberOrNull($("#credits-amount").value) }));
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    for (const id of ["task-detail", "journal-detail"]) {
      const box = $(`#${id}`);
      if (!box.hidden && box.contains(document.activeElement)) $(`#${id}-close`).click();
    }
  });
}

function start() {
  new ResizeObserver(() => drawChart()).observe($("#balance-chart"));
  setupTabs();
  setupForms();
  const initial = location.hash.slice(1);
  if (["tasks", "credits", "journal", "faults"].includes(initial)) showTab(initial);
  else refresh();
  setInterval(() => {
    if ($("#live").checked && document.visibilityState === "visible" && !state.locked) refresh();
  }, POLL_MS);
}

start();
