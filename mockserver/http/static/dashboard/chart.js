// The balance over emulator time as an inline SVG step chart, drawn here (no library).
const NS = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function hms(seconds) {
  const d = new Date(seconds * 1000).toISOString();
  return d.slice(11, 19);
}

function niceCredits(n) {
  return Math.round(n).toLocaleString("en-US");
}

// points: [{at, balance, kind, credits, iso}], now: epoch seconds.
// width: the pixels the chart gets, so its text keeps its size on a phone.
export function balanceChart(points, now, width = 560) {
  const W = Math.max(280, Math.round(width)), H = W < 420 ? 170 : 200, L = 58, R = 12, T = 14, B = 28;
  const svg = s("svg", {
    viewBox: `0 0 ${W} ${H}`, class: "balance-svg", role: "img",
    "data-points": points.length,
    "data-last": points.length ? points[points.length - 1].balance : "",
  });
  const first = points.length ? points[0] : null;
  const last = points.length ? points[points.length - 1] : null;
  svg.append(s("title", {}, last
    ? `Balance over emulator time: ${niceCredits(first.balance)} to ${niceCredits(last.balance)} credits in ${points.length - 1} movements`
    : "No ledger movements yet"));
  if (!points.length) return svg;

  const t0 = points[0].at;
  const t1 = Math.max(now, last.at, t0 + 1);
  const values = points.map((p) => p.balance);
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi === lo) { hi += 1; lo = Math.max(0, lo - 1); }
  const pad = (hi - lo) * 0.12;
  lo = Math.max(0, lo - pad); hi += pad;
  const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);

  // grid and axis labels
  const ticks = [...new Set([0, 1, 2, 3].map((i) => Math.round(lo + ((hi - lo) * i) / 3)))];
  for (const v of ticks) {
    svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(s("text", { x: L - 6, y: y(v) + 4, class: "axis", "text-anchor": "end" }, niceCredits(v)));
  }
  svg.append(s("text", { x: L, y: H - 8, class: "axis" }, hms(t0)));
  svg.append(s("text", { x: W - R, y: H - 8, class: "axis", "text-anchor": "end" }, hms(t1)));

  // step line: the balance holds until the next movement, and until now after the last
  let d = `M${x(points[0].at)},${y(points[0].balance)}`;
  for (let i = 1; i < points.length; i++) {
    d += ` H${x(points[i].at)} V${y(points[i].balance)}`;
  }
  d += ` H${x(t1)}`;
  const area = `${d} V${y(lo)} H${x(points[0].at)} Z`;
  svg.append(s("path", { d: area, class: "area" }));
  svg.append(s("path", { d, class: "line" }));

  for (const p of points.slice(1)) {
    const dot = s("circle", { cx: x(p.at), cy: y(p.balance), r: 3.5, class: `dot k-${p.kind}` });
    const sign = p.kind === "charge" ? "-" : "+";
    dot.append(s("title", {}, `${p.iso}: ${p.kind} ${sign}${Math.abs(p.credits)} -> ${niceCredits(p.balance)}`));
    svg.append(dot);
  }
  return svg;
}
