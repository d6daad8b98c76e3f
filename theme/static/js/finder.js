/* "Tìm nhanh thủ tục" (home page and thu-tuc/): procedures only, answered as the resident types,
   from the second letter, with or without diacritics, by name, code ("1.001193" or "1001193"),
   lĩnh vực, or the words residents use (content/data/tu-khoa-thu-tuc.yaml).
   Nothing is downloaded until the box is first used: then fold.js and the finder's data
   (thu-tuc/tim-thu-tuc.<hash>.json, made by plugins/cchc_finder with cchc.vn.search_key).
   Results are plain links with a live count (role=status); ↓/↑ move between them, Esc goes back to
   the box. Enter, or no JavaScript at all, opens the search page (tim-kiem/?q=…). */
const form = document.querySelector("form[data-finder]");
const input = document.getElementById("cc-finder-q");
const status = document.getElementById("cc-finder-status");
const list = document.getElementById("cc-finder-results");
const MAX = 8;
let loading = null;
let index = null;
let searchKey = null;

function load() {
  loading ??= Promise.all([import(form.dataset.fold), fetch(form.dataset.finder).then((r) => r.json())])
    .then(([fold, data]) => {
      searchKey = fold.searchKey;
      const fields = data.linh_vuc;
      index = data.thu_tuc.map(([code, slug, name, key, level, fieldNumbers, fee]) => ({
        code, slug, name, key, words: key.split(" "), digits: code.replace(/\D/g, ""),
        level: data.muc_do[level], fee: data.phi[fee],
        fields: fieldNumbers.map((n) => fields[n][1]), phrases: [],
      }));
      for (const [phrase, targets] of data.tu_khoa) for (const n of targets) index[n].phrases.push(phrase);
    })
    .catch(() => { loading = null; status.textContent = "Chưa tải được danh sách thủ tục. Nhấn Tìm để tìm trên trang Tìm kiếm."; });
  return loading;
}

/* Every word of the query begins a word of the text. */
function allWords(words, tokens) {
  return tokens.every((t) => words.some((w) => w.startsWith(t)));
}

function score(item, query, tokens) {
  const digits = query.replace(/\s/g, "");
  if (/^\d+$/.test(digits)) { /* a code, with or without its dot (searchKey made "1.001193" "1 001193") */
    if (item.digits.startsWith(digits)) return 100;
    return digits.length >= 4 && item.digits.includes(digits) ? 50 : 0;
  }
  let best = 0;
  const padded = ` ${query} `;
  for (const phrase of item.phrases) {
    if (phrase === query) best = Math.max(best, 95);
    else if (padded.includes(` ${phrase} `)) best = Math.max(best, 85);       /* "làm giấy khai sinh" ⊃ "giấy khai sinh" */
    else if (allWords(phrase.split(" "), tokens)) best = Math.max(best, 70);  /* "so d" while typing "sổ đỏ" */
  }
  if (item.key === query) best = Math.max(best, 98);
  else if (item.key.startsWith(query)) best = Math.max(best, 90);
  else if (` ${item.key}`.includes(` ${query}`)) best = Math.max(best, 80);
  else if (allWords(item.words, tokens)) best = Math.max(best, 60);
  if (best) return best;
  if (item.fields.some((f) => allWords(f.split(" "), tokens))) return 40;
  const all = [...item.words, ...item.fields.join(" ").split(" "), ...item.phrases.join(" ").split(" ")];
  return allWords(all, tokens) ? 30 : 0;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function render(raw) {
  const query = searchKey(raw);
  list.replaceChildren();
  if (query.replace(/\s/g, "").length < 2) {
    status.textContent = "";
    return;
  }
  const tokens = query.split(" ");
  const found = [];
  index.forEach((item, order) => {
    const s = score(item, query, tokens);
    if (s) found.push([s, order, item]);
  });
  found.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const shown = raw.trim();
  if (!found.length) {
    status.textContent = `Không có thủ tục nào khớp với “${shown}”. Nhấn Tìm để tìm trong toàn bộ tin bài và thủ tục.`;
    return;
  }
  status.textContent = found.length > MAX
    ? `${found.length} thủ tục khớp với “${shown}”, hiện ${MAX} thủ tục phù hợp nhất.`
    : `${found.length} thủ tục khớp với “${shown}”.`;
  for (const [, , item] of found.slice(0, MAX)) {
    const li = element("li", "cc-finder__result");
    const link = element("a", null, item.name);
    link.href = `${form.dataset.base}thu-tuc/${item.slug}/`;
    li.append(link, " ", element("span", "cc-finder__facts", [item.code, item.level, item.fee].join(" · ")));
    list.append(li);
  }
  if (found.length > MAX) {
    const li = element("li", "cc-finder__more");
    const link = element("a", null, `Xem tất cả kết quả cho “${shown}”`);
    link.href = `${form.action}?${new URLSearchParams({ q: shown })}`;
    li.append(link);
    list.append(li);
  }
}

let latest = 0;
async function update() {
  const ticket = ++latest;
  if (!index) {
    if (searchKey === null && input.value.trim().length >= 2) status.textContent = "Đang tải danh sách thủ tục…";
    await load();
    if (!index || ticket !== latest) return;
  }
  render(input.value);
}

input.addEventListener("focus", load, { once: true });
input.addEventListener("input", update);
input.addEventListener("keydown", (event) => {
  if (event.key === "ArrowDown" && list.querySelector("a")) {
    event.preventDefault();
    list.querySelector("a").focus();
  }
});
list.addEventListener("keydown", (event) => {
  const links = [...list.querySelectorAll("a")];
  const at = links.indexOf(document.activeElement);
  if (at < 0) return;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const next = at + (event.key === "ArrowDown" ? 1 : -1);
    (next < 0 ? input : links[Math.min(next, links.length - 1)]).focus();
  } else if (event.key === "Escape") {
    input.focus();
  }
});
if (input.value) update(); /* the browser restored the box after "Back" */
