// citedex's web page: search as you type, read a passage in its section, see a work with
// every passage citing it, copy citations. The state lives in the URL (/?q=…, /p/{id},
// /w/{key}); every text from the index goes into the page as a text node, never as HTML.
"use strict";

const PAGE = 10;
const $ = (sel) => document.querySelector(sel);
const view = () => $("#view");
const status = (text, isError) => {
  const s = $("#status");
  s.textContent = text;
  s.classList.toggle("error", !!isError);
};

// An element with attributes and children (strings become text nodes).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    e.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return e;
}

// Ids and keys hold slashes: each part is encoded, the slashes kept.
const enc = (id) => id.split("/").map(encodeURIComponent).join("/");
const dec = (path) => path.split("/").map(decodeURIComponent).join("/");
const passageUrl = (id) => "/p/" + enc(id);
const workUrl = (key) => "/w/" + enc(key);

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
  return body;
}

async function text(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.text();
}

// A link that the page follows itself (the back button then works).
function link(href, ...children) {
  return el("a", { href, onclick: (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    go(href);
  } }, ...children);
}

function go(href, replace) {
  if (replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  route();
}

// The snippet with its highlights (ranges of characters) as <mark>s.
function marked(snippet, ranges) {
  const chars = Array.from(snippet);
  const out = [];
  let at = 0;
  for (const [a, b] of ranges || []) {
    if (a > at) out.push(chars.slice(at, a).join(""));
    out.push(el("mark", {}, chars.slice(a, b).join("")));
    at = b;
  }
  if (at < chars.length) out.push(chars.slice(at).join(""));
  return out;
}

function place(p) {
  const section = (p.section || []).join(" › ");
  return [p.document, section || null, p.paragraph ? `¶${p.paragraph}` : null].filter(Boolean).join(" › ");
}

function citationItems(p) {
  return (p.citations || []).map((c) => {
    const r = c.reference;
    if (!r) return el("li", {}, c.text);
    const who = (r.authors || []).map((a) => a.family || a.literal || "").filter(Boolean).join(", ");
    const label = `${who || "?"} (${r.year || "n.d."}) ${r.title || ""}`.trim();
    return el("li", {}, c.text, " → ", link(passageUrl(r.id), label));
  });
}

async function copy(label, value) {
  try {
    await navigator.clipboard.writeText(value);
  } catch (_) {
    const t = el("textarea", { "aria-hidden": "true" });
    t.value = value;
    document.body.append(t);
    t.select();
    document.execCommand("copy");
    t.remove();
  }
  const c = $("#copied");
  c.textContent = `Copied ${label}`;
  c.dataset.text = value;
  clearTimeout(copy.timer);
  copy.timer = setTimeout(() => { c.textContent = ""; }, 4000);
}

// ---- search ----
let selected = -1;
let searchSeq = 0;

async function showSearch(q, offset) {
  const box = $("#q");
  if (document.activeElement !== box) box.value = q;
  document.title = q ? `${q} — citedex` : "citedex";
  const v = view();
  if (!q.trim()) {
    v.replaceChildren(el("p", {}, "Type to search passages; each hit cites its document, section, paragraph, file and line."));
    status("");
    return;
  }
  const seq = ++searchSeq;
  status("Searching…");
  let r;
  try {
    r = await api(`/api/search?q=${encodeURIComponent(q)}&limit=${PAGE}&offset=${offset}`);
  } catch (e) {
    if (seq === searchSeq) { v.replaceChildren(); status(e.message, true); }
    return;
  }
  if (seq !== searchSeq) return; // a newer search answered first
  const total = r.total_hits_relation === "gte" ? `at least ${r.total_hits}` : String(r.total_hits);
  const fixed = (r.corrections || []).map((c) => `${c.from} → ${c.to}`).join(", ");
  status(r.hits.length
    ? `${total} passage${r.total_hits === 1 ? "" : "s"} match${r.total_hits === 1 ? "es" : ""}` + (fixed ? `; showing results for ${fixed}` : "")
    : offset ? "No more hits." : "No passage matches.");
  selected = -1;
  const hits = r.hits.map((h) => el("li", { class: "hit", "data-id": h.id },
    el("h2", {}, link(passageUrl(h.id), `${h.rank}. ${place(h)}`)),
    el("p", { class: "snippet" }, marked(h.snippet, h.highlights_chars)),
    el("p", { class: "cite-as" }, h.cite_as),
    h.citations && h.citations.length ? el("ul", { class: "refs", "aria-label": "References it cites" }, citationItems(h)) : null));
  const pager = el("nav", { class: "pager", "aria-label": "Pages of results" },
    offset > 0 ? link(`/?q=${encodeURIComponent(q)}&offset=${Math.max(0, offset - PAGE)}`, "← Previous") : null,
    offset + r.hits.length < r.total_hits ? link(`/?q=${encodeURIComponent(q)}&offset=${offset + PAGE}`, "Next →") : null);
  v.replaceChildren(el("ol", { class: "hits", start: offset + 1 }, hits), pager);
}

function moveSelection(step) {
  const hits = Array.from(document.querySelectorAll(".hit"));
  if (!hits.length) return false;
  selected = Math.max(0, Math.min(hits.length - 1, selected + step));
  hits.forEach((h, i) => h.classList.toggle("selected", i === selected));
  const a = hits[selected].querySelector("a");
  a.focus();
  return true;
}

// ---- reading view ----
async function showPassage(id) {
  status("Loading…");
  let p;
  try {
    p = await api(`/api/passages/${enc(id)}`);
  } catch (e) {
    view().replaceChildren();
    status(e.message, true);
    return;
  }
  status("");
  document.title = `${place(p)} — citedex`;
  const context = (p.context && p.context.length ? p.context : [p]).map((q) => q.id === p.id
    ? el("p", { class: "current", id: "current", "aria-current": "true" }, q.text)
    : el("p", {}, link(passageUrl(q.id), q.text)));
  const actions = el("div", { class: "actions" },
    el("button", { type: "button", id: "copy-cite", onclick: () => copy("citation", p.cite_as) }, "Copy citation"),
    p.work ? link(workUrl(p.work), "Work page") : null,
    p.before ? link(passageUrl(p.before), "← Before") : null,
    p.after ? link(passageUrl(p.after), "After →") : null);
  view().replaceChildren(el("article", { class: "reading" },
    el("h1", {}, p.document),
    el("p", { class: "section-path" }, (p.section || []).join(" › ") || "Lead"),
    el("p", { class: "cite-as" }, p.cite_as),
    actions,
    context,
    p.citations && p.citations.length ? [el("h2", {}, "What it cites"), el("ul", { class: "refs" }, citationItems(p))] : null));
  const cur = $("#current");
  if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: "center" });
}

// ---- work page ----
async function showWork(key) {
  status("Loading…");
  let w;
  try {
    w = await api(`/api/works/${enc(key)}`);
  } catch (e) {
    view().replaceChildren();
    status(e.message, true);
    return;
  }
  status("");
  const who = (w.authors || []).map((a) => [a.given, a.family].filter(Boolean).join(" ") || a.literal).join("; ");
  document.title = `${w.title || w.raw} — citedex`;
  const copyFrom = (label, suffix) => async () => {
    try { await copy(label, await text(`/api/works/${enc(w.id)}${suffix}`)); } catch (e) { status(e.message, true); }
  };
  view().replaceChildren(el("article", { class: "work" },
    el("h1", {}, w.title || w.raw),
    el("p", {}, [who, w.year, w.container, w.publisher].filter(Boolean).join(" · ")),
    el("div", { class: "actions" },
      el("button", { type: "button", id: "copy-bib", onclick: copyFrom("BibTeX", ".bib") }, "Copy BibTeX"),
      el("button", { type: "button", id: "copy-csl", class: "secondary", onclick: copyFrom("CSL-JSON", ".json") }, "Copy CSL-JSON"),
      el("button", { type: "button", id: "copy-apa", class: "secondary", onclick: copyFrom("APA citation", ".txt?style=apa") }, "Copy APA")),
    el("h2", {}, "Listed in"),
    el("ul", { class: "listed" }, (w.listed || []).map((l) => el("li", {}, link(passageUrl(l.id), `${l.document} — ${l.path}:${l.line}`)))),
    el("h2", {}, `Cited by ${(w.citations || []).length} passage${(w.citations || []).length === 1 ? "" : "s"}`),
    el("ul", { class: "cited-by" }, (w.citations || []).map((c) => el("li", {}, link(passageUrl(c.id), c.cite_as), el("br"), el("span", { class: "cite-as" }, c.text))))));
}

// ---- routing ----
function route() {
  const path = location.pathname;
  const params = new URLSearchParams(location.search);
  if (path.startsWith("/p/")) return showPassage(dec(path.slice(3)));
  if (path.startsWith("/w/")) return showWork(dec(path.slice(3)));
  return showSearch(params.get("q") || "", parseInt(params.get("offset") || "0", 10) || 0);
}

let typing;
document.addEventListener("DOMContentLoaded", () => {
  const box = $("#q");
  box.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      const q = box.value;
      const onSearch = location.pathname === "/";
      go(q.trim() ? `/?q=${encodeURIComponent(q)}` : "/", onSearch);
    }, 200);
  });
  $("#search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(typing);
    go(`/?q=${encodeURIComponent(box.value)}`);
  });
  $("#home").addEventListener("click", (ev) => { ev.preventDefault(); box.value = ""; go("/"); });
  document.addEventListener("keydown", (ev) => {
    const inBox = document.activeElement === box;
    if (ev.key === "/" && !inBox && !(document.activeElement instanceof HTMLTextAreaElement)) {
      ev.preventDefault();
      box.focus();
      box.select();
    } else if (ev.key === "ArrowDown" && location.pathname === "/") {
      if (moveSelection(selected < 0 ? 1 : 1)) ev.preventDefault();
    } else if (ev.key === "ArrowUp" && location.pathname === "/" && !inBox) {
      if (selected <= 0) { box.focus(); selected = -1; ev.preventDefault(); }
      else if (moveSelection(-1)) ev.preventDefault();
    } else if (ev.key === "Escape" && inBox) {
      box.value = "";
      go("/", location.pathname === "/");
    }
  });
  window.addEventListener("popstate", route);
  if (location.pathname === "/" && new URLSearchParams(location.search).get("q")) box.value = new URLSearchParams(location.search).get("q");
  route();
});
