/* Output-size explorer: one renderer, live (anywidget) and static (precomputed states).
   view.size = [out or null, before, after, padded, count, error code or null]
   (cnnlib.shapes.conv_output_size, same_padding) and view.params (cnnlib.shapes.conv_params);
   the formulas' templates come in spec.templates; window k is drawn at column k*S. */
import { esc, fill, frame, message, start } from "./core.js";

const W = 300;
function num(v) { return Number(v.toFixed(2)).toString(); }

function lanes(starts, f) {
  const ends = [], out = [];
  starts.forEach((s) => {
    for (let k = 0; k < ends.length; k++) {
      if (ends[k] <= s) { ends[k] = s + f; out.push(k); return; }
    }
    ends.push(s + f);
    out.push(ends.length - 1);
  });
  return { lane: out, count: Math.max(ends.length, 1) };
}

function svgs(v, maxCells) {
  const m = v.padded, c = W / m, lines = m <= maxCells, starts = [], covered = [];
  for (let k = 0; k < v.count; k++) { starts.push(k * v.stride); }
  for (let q = 0; q < m; q++) { covered.push(false); }
  starts.forEach((st) => { for (let r = st; r < Math.min(st + v.f, m); r++) { covered[r] = true; } });
  const g = [`<svg class="cnnx-svg" viewBox="0 0 ${num(W)} ${num(W)}" role="img" aria-label="padded input, ${m} by ${m} cells">`,
    `<rect class="cnnx-pad" x="0" y="0" width="${num(W)}" height="${num(W)}"/>`,
    `<rect class="cnnx-in" x="${num(v.before * c)}" y="${num(v.before * c)}" width="${num(v.n * c)}" height="${num(v.n * c)}"/>`];
  for (let q = 0; q < m; q++) {
    if (!covered[q] && v.count) {
      g.push(`<rect class="cnnx-left" x="${num(q * c)}" y="0" width="${num(c)}" height="${num(W)}"/>`);
    }
  }
  let d;
  if (lines) {
    d = "";
    for (let q = 1; q < m; q++) { d += `M${num(q * c)} 0V${num(W)}M0 ${num(q * c)}H${num(W)}`; }
    g.push(`<path class="cnnx-lines" d="${d}"/>`);
  }
  if (v.count) {
    const fw = Math.min(v.f, m) * c;
    g.push(`<rect class="cnnx-win" x="0" y="0" width="${num(fw)}" height="${num(fw)}"/>`);
    if (v.count > 1) {
      g.push(`<rect class="cnnx-win2" x="${num(starts[starts.length - 1] * c)}" y="0" width="${num(fw)}" height="${num(fw)}"/>`);
    }
  }
  g.push("</svg>");
  const ln = lanes(starts, v.f), h = 14 + ln.count * 13 + 2;
  const t = [`<svg class="cnnx-svg" viewBox="0 0 ${num(W)} ${h}" role="img" aria-label="${v.count} filter positions along one row">`];
  for (let q = 0; q < m; q++) {
    let cls = (q < v.before || q >= v.before + v.n) ? "cnnx-pad" : "cnnx-in";
    if (!covered[q]) { cls = "cnnx-left"; }
    t.push(`<rect class="${cls}" x="${num(q * c)}" y="0" width="${num(c)}" height="12"/>`);
  }
  if (lines) {
    d = "";
    for (let q = 1; q < m; q++) { d += `M${num(q * c)} 0V12`; }
    t.push(`<path class="cnnx-lines" d="${d}M0 0H${num(W)}M0 12H${num(W)}"/>`);
  }
  starts.forEach((st, k) => {
    const y = 14 + ln.lane[k] * 13;
    t.push(`<rect class="${k ? "cnnx-bar" : "cnnx-bar cnnx-first"}" x="${num(st * c)}" y="${y}" width="${num(v.f * c)}" height="11"/>`);
    if (v.f * c >= 14) {
      t.push(`<text class="cnnx-barlab" x="${num((st + v.f / 2) * c)}" y="${y + 8.5}">${k + 1}</text>`);
    }
  });
  t.push("</svg>");
  return [g.join(""), t.join("")];
}

function viewHtml(v, spec) {
  const pics = svgs(v, spec.max_cells);
  const padWord = v.kind === "int" ? "P = " + v.padding : "'" + v.kind + "'";
  const parts = ['<div class="cnnx-figs">',
    '<figure class="cnnx-fig cnnx-square"><div class="cnnx-frame">', pics[0], "</div>",
    `<figcaption>Padded input (${padWord}): ${v.before} + ${v.n} + ${v.after} cells a side (grey: zeros). ` +
      `Blue: the first ${v.f}×${v.f} filter position; dashed: the last one along the row.</figcaption></figure>`,
    '<figure class="cnnx-fig cnnx-wide"><div class="cnnx-frame">', pics[1], "</div>",
    `<figcaption>One row of the padded input and the filter's <b data-cnnx="count">${v.count}</b> positions ` +
      `(stride ${v.stride}). Red: cells no position covers.</figcaption></figure>`,
    "</div>", '<div class="cnnx-math">'];
  const res = v.out !== null ? `<b class="cnnx-result" data-cnnx="out">${v.out}</b>` :
    '<b class="cnnx-result cnnx-bad" data-cnnx="out">not a whole number of positions</b>';
  parts.push(`<p><span class="cnnx-key">Output size</span> <span class="cnnx-formula">${esc(v.formula)}</span> = ` +
    `<span class="cnnx-formula" data-cnnx="substituted">${esc(v.substituted)}</span> = ${res}</p>`);
  if (v.kind === "same") {
    parts.push(`<p class="cnnx-note">'same' adds ${v.before} zero(s) before and ${v.after} after ` +
      "(cnnlib.same_padding: an odd one goes after).</p>");
  }
  const shape = v.out !== null ? `${v.out} × ${v.out} × ${v.k}` : "—";
  parts.push(`<p><span class="cnnx-key">Output volume</span> <span data-cnnx="shape">${shape}</span></p>`);
  parts.push(`<p><span class="cnnx-key">Parameters</span> <span class="cnnx-formula">${esc(v.paramsFormula)}</span> = ` +
    `<span class="cnnx-formula">${esc(v.paramsSubstituted)}</span> = ` +
    `<b class="cnnx-result" data-cnnx="params">${v.params.toLocaleString("en-US")}</b></p>`);
  if (v.error) {
    parts.push('<div class="cnnx-error"><b>✗ Invalid setting.</b> cnnlib says: <span data-cnnx="error">' +
      esc(v.error) + "</span></div>");
  } else if (v.kind === "int") {
    parts.push('<div class="cnnx-ok">✓ The filter tiles the padded input exactly.</div>');
  }
  parts.push("</div>");
  return parts.join("");
}

/* The numbers of one setting, in words and formulas (text only: every number is from the view). */
export function describe(spec, view) {
  const st = view.at, rec = view.size;
  const kind = (st.padding === "valid" || st.padding === "same") ? st.padding : "int";
  const names = { n: st.n, f: st.f, s: st.stride, p: kind === "int" ? st.padding : 0, d: st.d, k: st.k };
  return {
    n: Number(st.n), f: Number(st.f), stride: Number(st.stride), k: st.k, padding: st.padding, kind,
    out: rec[0], before: rec[1], after: rec[2], padded: rec[3], count: rec[4],
    error: rec[5] && message({ code: rec[5], n: Number(st.n), f: Number(st.f), stride: Number(st.stride), p: Number(names.p) }),
    formula: spec.templates[kind][0], substituted: fill(spec.templates[kind][1], names),
    params: view.params, paramsFormula: spec.params_template[0], paramsSubstituted: fill(spec.params_template[1], names),
  };
}

export default {
  render({ model, el }) {
    const f = frame(model, el), spec = model.get("spec");
    function draw() {
      const view = model.get("view");
      if (!view || !view.size) { return; }
      const v = describe(spec, view);
      f.body.innerHTML = viewHtml(v, spec);
      f.status.textContent = v.error ? "Invalid setting: " + v.error :
        `Output size ${v.out}, output volume ${v.out} × ${v.out} × ${v.k}, ${v.params.toLocaleString("en-US")} parameters.`;
    }
    start(model, el, draw, f);
  },
};
