/* The ward's procedures, matched as residents type: by name, code ("1.001193" or "1001193"),
   lĩnh vực, or the words residents use (content/data/tu-khoa-thu-tuc.yaml), with or without
   diacritics. One module for the finder (finder.js) and the search page (search.js), which shows
   these matches first: the data (plugins/cchc_finder, CCHC_FINDER_SAVE_AS) is about
   26 KB at 1,000 procedures, a fraction of a full-text index.
   load(dataUrl, foldUrl) → { match(raw) }: match gives [{ item, score }], best first, or null for
   a query shorter than two letters. Each item: { code, slug, name, level, fee, fields }. */

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

export async function load(dataUrl, foldUrl) {
  const [fold, data] = await Promise.all([import(foldUrl), fetch(dataUrl).then((r) => {
    if (!r.ok) throw new Error(`${dataUrl}: ${r.status}`);
    return r.json();
  })]);
  const fields = data.linh_vuc;
  const index = data.thu_tuc.map(([code, slug, name, key, level, fieldNumbers, fee]) => ({
    code, slug, name, key, words: key.split(" "), digits: code.replace(/\D/g, ""),
    level: data.muc_do[level], fee: data.phi[fee],
    fields: fieldNumbers.map((n) => fields[n][1]), fieldNames: fieldNumbers.map((n) => fields[n][0]), phrases: [],
  }));
  for (const [phrase, targets] of data.tu_khoa) for (const n of targets) index[n].phrases.push(phrase);
  return {
    fold,
    match(raw) {
      const query = fold.searchKey(raw);
      if (query.replace(/\s/g, "").length < 2) return null;
      const tokens = query.split(" ");
      const found = [];
      index.forEach((item, order) => {
        const s = score(item, query, tokens);
        if (s) found.push({ score: s, order, item });
      });
      return found.sort((a, b) => b.score - a.score || a.order - b.order);
    },
  };
}
