/* Search as you type on the "Tìm kiếm" page. Loaded only on that page; everything else on the site
   works without JavaScript. The query is kept in the address (?q=…) so results can be shared and
   the web-server logs show searches. A search costs a phone as little as it can, in three steps:
   1. the ward's procedures, by name, code, lĩnh vực or residents' words (procedures.js with the
      finder's data, about 30 KB at 1,000 procedures), shown first;
   2. Pagefind's headline index (pagefind/, plugins/cchc_search): the titles, summaries and tags
      of articles, and the ordinary pages;
   3. the full text of every article and procedure (the bundles of pagefind/toan-van/), merged into
      the same Pagefind when the resident asks for it, or at once when steps 1 and 2 found nothing.
   benchmarks/results.md has what each step costs. */
const form = document.querySelector("form[data-pagefind]");
const input = document.getElementById("cc-search-input");
const status = document.getElementById("cc-search-status");
const list = document.getElementById("cc-search-results");
const more = document.getElementById("cc-search-more");
const MAX = 10;
const PROCEDURES = 5; /* procedure matches shown before the other results */
const WINDOW = 30; /* words in an excerpt */
/* Pagefind's text of a page begins with the hidden folded search terms (data-tim, see
   plugins/cchc_search); the templates end them with this mark, and the excerpt is taken only from
   the page's own text after it. */
const TERMS_END = "\u2042";
let pagefind = null;
let folding = null; /* fold.js, the same folding as cchc/vn.py */
let procedures = null; /* a promise: procedures.js with the finder's data */
let fullText = null; /* a promise: the full-text bundles merged into pagefind */
let latest = 0;

/* Pagefind folds tone and vowel marks but not đ: the index also holds folded words ("dang"),
   so the query is folded the same way. */
function prepare(text) {
  return text.normalize("NFC").replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D")).trim();
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/* The page's own words, with diacritics, around the words that matched; matches are found on the
   folded text ("dang ky" marks "đăng ký", "1001193" marks "1.001193") and marked in the original. */
function excerpt(content, query) {
  const at = content.indexOf(TERMS_END);
  const text = (at >= 0 ? content.slice(at + 1) : content).replace(/^[\s.·]+/, "");
  const { fold, queryTerms } = folding;
  let folded = "";
  const origin = []; /* origin[i]: index in text of folded[i] */
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i);
    const ch = String.fromCodePoint(cp);
    const f = cp < 128 ? ch.toLowerCase() : fold(ch);
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  origin.push(text.length);
  const wordChar = /[\p{L}\p{N}]/u;
  const matches = [];
  for (const term of queryTerms(query)) {
    for (let i = folded.indexOf(term); i >= 0; i = folded.indexOf(term, i + 1)) {
      if (i > 0 && wordChar.test(folded[i - 1])) continue;
      let end = i + term.length;
      while (end < folded.length && wordChar.test(folded[end])) end++;
      matches.push({ start: origin[i], end: origin[end], term });
    }
  }
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const words = [...text.matchAll(/\S+/g)].map((m) => m.index);
  const wordAt = (pos) => { let lo = 0, hi = words.length - 1; while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (words[mid] <= pos) lo = mid; else hi = mid - 1; } return lo; };
  /* The first stretch of text that holds the most different query words (a procedure's or an
     article's text begins with its kicker and title). */
  let first = 0, best = 0;
  for (const m of matches) {
    const start = Math.max(0, wordAt(m.start) - 5);
    const inside = matches.filter((n) => { const w = wordAt(n.start); return w >= start && w < start + WINDOW; });
    const score = new Set(inside.map((n) => n.term)).size;
    if (score > best) { best = score; first = start; }
  }
  const from = words.length ? words[first] : 0;
  const to = first + WINDOW < words.length ? words[first + WINDOW] : text.length;
  const node = document.createDocumentFragment();
  if (first > 0) node.append("… ");
  let pos = from;
  for (const m of matches) {
    if (m.start < pos || m.end > to) continue;
    node.append(text.slice(pos, m.start), element("mark", null, text.slice(m.start, m.end)));
    pos = m.end;
  }
  node.append(text.slice(pos, to).trimEnd());
  if (to < text.length) node.append(" …");
  return node;
}


/* One result: a heading with the link, a line of facts, the excerpt. */
function result(title, url, facts, content, query) {
  const item = element("li", "cc-search__result");
  item.dataset.searchResult = "";
  const heading = element("h2", "cc-search__title");
  const link = element("a", null, title);
  link.href = url;
  heading.append(link);
  const text = element("p", "cc-search__excerpt");
  text.append(excerpt(content, query));
  item.append(heading, element("p", "cc-search__meta", facts.filter(Boolean).join(" · ")), text);
  return item;
}

/* A procedure's page: the form's data-procedure (CCHC_PROCEDURE_URL, written by the template) with
   the item's {slug}. */
function procedureUrl(item) {
  return form.dataset.procedure.replace("{slug}", item.slug);
}

function procedureResult(item, query) {
  const content = `${item.name}. Lĩnh vực ${item.fieldNames.join(", ")}. Mã ${item.code}. Lệ phí: ${item.fee}.`;
  return result(item.name, procedureUrl(item), ["Thủ tục hành chính", `Mã ${item.code}`, item.level],
                content, query);
}

function pageResult(data, query) {
  const m = data.meta;
  return result(m.title || data.url, data.url, [m.muc, m.ma ? `Mã ${m.ma}` : "", m.muc_do, m.bai_bo, m.date],
                data.content || "", query);
}

function say(query, total, done) {
  if (!done) {
    status.textContent = total ? `Đã thấy ${total} kết quả cho “${query}”, đang tìm tiếp…` : "Đang tìm…";
  } else if (!total) {
    status.textContent = `Không tìm thấy kết quả nào cho “${query}”. Thử gõ ít từ hơn, kiểm tra chính tả, hoặc tra theo danh mục bên dưới.`;
  } else {
    status.textContent = total > MAX
      ? `Tìm thấy ${total} kết quả cho “${query}”; hiển thị ${MAX} kết quả phù hợp nhất.`
      : `Tìm thấy ${total} kết quả cho “${query}”.`;
  }
}

function loadProcedures() {
  procedures ??= import(form.dataset.match).then((m) => m.load(form.dataset.finder, form.dataset.fold))
    .catch(() => null); /* no procedures: the indexes still answer */
  return procedures;
}

async function loadPagefind() {
  if (!pagefind) {
    const module = await import(form.dataset.pagefind);
    /* No web worker: one file less to download; the headline index is small enough for the page. */
    await module.options({ noWorker: true });
    pagefind = module;
  }
  return pagefind;
}

function loadFullText() {
  fullText ??= (async () => {
    const base = form.dataset.pagefind.replace(/pagefind\.js$/, "");
    const response = await fetch(`${base}toan-van/danh-sach.json`);
    if (!response.ok) throw new Error(response.statusText);
    for (const bundle of (await response.json()).bundles) await pagefind.mergeIndex(`${base}${bundle}`);
  })().catch((error) => { fullText = null; throw error; });
  return fullText;
}

const path = (url) => new URL(url, window.location.href).pathname;

async function search(raw, wholeText = false) {
  const query = raw.trim();
  const ticket = ++latest;
  const url = new URL(window.location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
  list.replaceChildren();
  more.hidden = true;
  if (!query) {
    status.textContent = "";
    return;
  }
  say(query, 0, false);
  /* 1. Procedures: every match counts, the best few are shown first. */
  const matcher = await loadProcedures();
  if (ticket !== latest) return;
  folding ??= matcher ? matcher.fold : await import(form.dataset.fold);
  const matched = (matcher && matcher.match(query)) || [];
  const known = new Set(matched.map(({ item }) => path(procedureUrl(item))));
  for (const { item } of matched.slice(0, PROCEDURES)) list.append(procedureResult(item, query));
  if (matched.length) say(query, matched.length, false);
  /* 2. The headline index; 3. with the full text when asked for. */
  let found;
  try {
    await loadPagefind();
    if (wholeText) await loadFullText();
    if (ticket !== latest) return;
    found = await pagefind.search(prepare(query));
  } catch {
    if (ticket === latest) say(query, matched.length, true);
    return;
  }
  if (ticket !== latest) return;
  const pages = await Promise.all(found.results.slice(0, MAX).map((r) => r.data()));
  if (ticket !== latest) return;
  const procedurePaths = new Set(known);
  for (const data of pages) {
    if (known.has(path(data.url))) continue;
    known.add(path(data.url));
    if (list.children.length < MAX) list.append(pageResult(data, query));
  }
  /* Every procedure match, and every page Pagefind found that is not one of them (those beyond the
     ones loaded are counted as Pagefind counts them). */
  const total = matched.length + found.results.length - pages.filter((d) => procedurePaths.has(path(d.url))).length;
  if (!list.children.length && !wholeText) return search(raw, true);
  say(query, total, true);
  more.hidden = wholeText || fullText !== null; /* once merged, every search reads the full text */
}

more.addEventListener("click", () => {
  more.disabled = true;
  status.textContent = "Đang tải toàn văn tin bài và thủ tục…";
  search(input.value, true).finally(() => { more.disabled = false; });
});

let timer = null;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => search(input.value), 180);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  search(input.value);
});
const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
