// Small helpers: build elements without innerHTML, format emulator times and credits.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

// "2026-01-01T00:00:12.345Z" -> "2026-01-01 00:00:12"
export function when(isoText) {
  if (!isoText) return "";
  return isoText.replace("T", " ").replace(/\.\d+Z$/, "");
}

export function clockTime(isoText) {
  return isoText ? isoText.slice(11, 19) : "";
}

export function credits(n) {
  if (n === null || n === undefined) return "";
  return Number(n).toLocaleString("en-US");
}

export function short(id, n = 8) {
  return id && id.length > n ? id.slice(0, n) : id || "";
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}

// Replace a tbody's rows, keeping the element (focus inside a row is restored by key).
export function fillRows(tbody, rows) {
  const active = document.activeElement;
  const key = active && tbody.contains(active) ? active.dataset.key : null;
  tbody.replaceChildren(...rows);
  if (key) {
    const again = tbody.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

export function statusClass(status) {
  return `badge s-${String(status).toLowerCase()}`;
}
