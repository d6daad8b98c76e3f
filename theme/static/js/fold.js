/* Folding for search in the browser: the same rule as fold() in cchc/vn.py, the site's one home of
   Vietnamese text rules (shared/design/VIETNAMESE.md §3). Invisible characters removed, Ð (eth)
   read as Đ, then NFD, combining marks dropped, đ/Đ → d, lower case: "Đăng Ký" → "dang ky".
   tests/test_finder.py::test_javascript_folds_like_python compares both on the same strings.
   Used by search.js (marks in excerpts) and finder.js (the query). */
const INVISIBLE = /[\u200b-\u200f\u2060\ufeff\u00ad]/g;
const MARKS = /\p{Mn}/gu;

export function fold(text) {
  return text.replace(INVISIBLE, "").replace(/\u00d0/g, "\u0110").normalize("NFC").normalize("NFD")
    .replace(MARKS, "").replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D")).toLowerCase();
}

/* fold() with punctuation and runs of spaces turned into one space: search_key() in cchc/vn.py. */
export function searchKey(text) {
  return fold(text).replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/* Words of a query, folded; a 7-digit code ("1001193") also as written on paper ("1.001193"). */
export function queryTerms(query) {
  const terms = new Set();
  for (const word of fold(query).split(/[^\p{L}\p{N}.\-]+/u)) {
    const term = word.replace(/^[.\-]+|[.\-]+$/g, "");
    if (!term) continue;
    terms.add(term);
    const code = term.match(/^(\d)[.\-]?(\d{6})$/);
    if (code) terms.add(`${code[1]}.${code[2]}`);
  }
  return [...terms];
}
