/* Search as you type on the "Tìm kiếm" page, with Pagefind's static index (plugins/cchc_search).
   Loaded only on that page; everything else on the site works without JavaScript. The query is
   kept in the address (?q=…) so results can be shared and the web-server logs show searches. */
const form = document.querySelector("form[data-pagefind]");
const input = document.getElementById("cc-search-input");
const status = document.getElementById("cc-search-status");
const list = document.getElementById("cc-search-results");
const MAX = 10;
let pagefind = null;
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
    const excerpt = element("p", "cc-search__excerpt");
    excerpt.innerHTML = data.excerpt; /* Pagefind escapes the page text and adds only <mark> */
    item.append(heading, meta, excerpt);
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
    pagefind = await import(form.dataset.pagefind);
    await pagefind.options({ excerptLength: 24 });
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
