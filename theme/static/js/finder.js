/* "Tìm nhanh thủ tục" (home page and the procedures' landing page): procedures only, answered as
   the resident types, from the second letter, with or without diacritics, by name, code
   ("1.001193" or "1001193"), lĩnh vực, or the words residents use
   (content/data/tu-khoa-thu-tuc.yaml).
   Nothing is downloaded until the box is first used: then procedures.js (the matching, shared with
   the search page), fold.js and the finder's data (data-finder, made by plugins/cchc_finder with
   cchc.vn.search_key). A procedure's address is the form's data-procedure with its {slug} filled
   in: the templates write it from CCHC_PROCEDURE_URL, the one place addresses are set.
   Results are plain links with a live count (role=status); ↓/↑ move between them, Esc goes back to
   the box. Enter, or no JavaScript at all, opens the search page (the form's action, ?q=…). */
const form = document.querySelector("form[data-finder]");
const input = document.getElementById("cc-finder-q");
const status = document.getElementById("cc-finder-status");
const list = document.getElementById("cc-finder-results");
const MAX = 8;
let loading = null;
let procedures = null; /* procedures.js, loaded on first use */

function load() {
  loading ??= import(form.dataset.match)
    .then((module) => module.load(form.dataset.finder, form.dataset.fold))
    .then((loaded) => { procedures = loaded; })
    .catch(() => { loading = null; status.textContent = "Chưa tải được danh sách thủ tục. Nhấn Tìm để tìm trên trang Tìm kiếm."; });
  return loading;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function render(raw) {
  list.replaceChildren();
  const matched = procedures.match(raw);
  if (matched === null) {
    status.textContent = "";
    return;
  }
  const found = matched.map((m) => [m.score, m.order, m.item]);
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
    link.href = form.dataset.procedure.replace("{slug}", item.slug);
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
  if (!procedures) {
    if (input.value.trim().length >= 2) status.textContent = "Đang tải danh sách thủ tục…";
    await load();
    if (!procedures || ticket !== latest) return;
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
