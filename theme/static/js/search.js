/* Search as you type on the "Tìm kiếm" page, with Pagefind's static index (plugins/cchc_search).
   Loaded only on that page; everything else on the site works without JavaScript. The query is
   kept in the address (?q=…) so results can be shared and the web-server logs show searches. */
const form = document.querySelector("form[data-pagefind]");
const input = document.getElementById("cc-search-input");
const status = document.getElementById("cc-search-status");
const list = document.getElementById("cc-search-results");
const MAX = 10;
const WINDOW = 30; /* words in an excerpt */
/* Pagefind's text of a page begins with the hidden folded search terms (data-tim, see
   plugins/cchc_search); the templates end them with this mark, and the excerpt is taken only from
   the page's own text after it. */
const TERMS_END = "\u2042";
let pagefind = null;
let folding = null; /* fold.js, the same folding as cchc/vn.py */
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

function render(query, results, total) {
  list.replaceChildren();
  if (!query) {
    status.textContent = "";
    return;
  }
  if (!total) {
    status.textContent = `Không tìm thấy kết quả nào cho “${query}”. Thử gõ ít từ hơn, kiểm tra chính tả, hoặc tra theo danh mục bên dưới.`;
    return;
  }
  status.textContent = total > MAX
    ? `Tìm thấy ${total} kết quả cho “${query}”; hiển thị ${MAX} kết quả phù hợp nhất.`
    : `Tìm thấy ${total} kết quả cho “${query}”.`;
  for (const data of results) {
    const item = element("li", "cc-search__result");
    const heading = element("h2", "cc-search__title");
    const link = element("a", null, data.meta.title || data.url);
    link.href = data.url;
    heading.append(link);
    const facts = [data.meta.muc, data.meta.ma ? `Mã ${data.meta.ma}` : "", data.meta.muc_do, data.meta.bai_bo,
                   data.meta.date].filter(Boolean);
    const meta = element("p", "cc-search__meta", facts.join(" · "));
    const text = element("p", "cc-search__excerpt");
    text.append(excerpt(data.content || "", query));
    item.append(heading, meta, text);
    list.append(item);
  }
}

async function search(raw) {
  const query = raw.trim();
  const ticket = ++latest;
  const url = new URL(window.location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
  if (!query) return render("", [], 0);
  if (!pagefind) {
    status.textContent = "Đang tải chỉ mục tìm kiếm…";
    [pagefind, folding] = await Promise.all([import(form.dataset.pagefind), import(form.dataset.fold)]);
  }
  const found = await pagefind.search(prepare(query));
  if (ticket !== latest) return; /* a newer query is on its way */
  const results = await Promise.all(found.results.slice(0, MAX).map((r) => r.data()));
  if (ticket === latest) render(query, results, found.results.length);
}

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
