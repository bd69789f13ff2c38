/* Pooling explorer: one renderer, live (anywidget) and static (precomputed states).
   view.grid = {h, w, v}; view.result = {pads, ho, wo, out, mask, win} where
   win[i*wo + j] = [row0, col0, pick_row, pick_col, count] in input coordinates
   (MaxPoolCache.argmax / AvgPoolCache.counts) and mask is max_pool2d_backward /
   avg_pool2d_backward with dout = 1 (cnnlib.explorers.pooling.pooling_view); or {error: code}. */
import { errorHtml, fmt, frame, message, start } from "./core.js";

function viewHtml(g, rec, mode, k, i, j) {
  const h = g.h, w = g.w, f = (v) => fmt(v, 2);
  const [[top, bottom], [left, right]] = rec.pads;
  const [r0, c0, pr, pc, cnt] = rec.win[i * rec.wo + j];
  const picked = {};
  if (mode === "max") { rec.win.forEach((x) => { picked[x[2] + "," + x[3]] = true; }); }
  const inWin = (r, c) => r >= r0 && r < r0 + k && c >= c0 && c < c0 + k;
  const cells = ['<table class="cnnx-grid" data-cnnx="input">'];
  for (let r = -top; r < h + bottom; r++) {
    cells.push("<tr>");
    for (let c = -left; c < w + right; c++) {
      const inside = r >= 0 && r < h && c >= 0 && c < w, cls = inside ? [] : ["pad"];
      if (inWin(r, c)) { cls.push("win"); }
      if (mode === "max" && r === pr && c === pc) { cls.push("cur"); }
      else if (mode === "avg" && inside && inWin(r, c)) { cls.push("cur"); }
      if (picked[r + "," + c]) { cls.push("picked"); }
      cells.push(`<td class="${cls.join(" ")}">${inside ? f(g.v[r * w + c]) : ""}</td>`);
    }
    cells.push("</tr>");
  }
  cells.push("</table>");
  const otab = ['<table class="cnnx-grid" data-cnnx="output">'];
  for (let r = 0; r < rec.ho; r++) {
    otab.push("<tr>");
    for (let c = 0; c < rec.wo; c++) {
      otab.push(`<td class="${r === i && c === j ? "cur" : ""}">${f(rec.out[r * rec.wo + c])}</td>`);
    }
    otab.push("</tr>");
  }
  otab.push("</table>");
  const mtab = ['<table class="cnnx-grid" data-cnnx="mask">'];
  for (let r = 0; r < h; r++) {
    mtab.push("<tr>");
    for (let c = 0; c < w; c++) {
      const m = rec.mask[r * w + c], gets = mode === "max" ? (r === pr && c === pc) : inWin(r, c), mc = [];
      if (m === 0) { mc.push("zero"); }
      if (gets) { mc.push("cur"); }
      mtab.push(`<td class="${mc.join(" ")}">${f(m)}</td>`);
    }
    mtab.push("</tr>");
  }
  mtab.push("</table>");
  const vals = [];
  for (let r = r0; r < r0 + k; r++) {
    for (let c = c0; c < c0 + k; c++) { vals.push(r >= 0 && r < h && c >= 0 && c < w ? f(g.v[r * w + c]) : "pad"); }
  }
  const real = vals.filter((x) => x !== "pad"), value = f(rec.out[i * rec.wo + j]);
  let expl;
  if (mode === "max") {
    expl = `max(${vals.join(", ")}) = <b class="cnnx-result" data-cnnx="value">${value}</b>, picked at row ${pr}, ` +
      `column ${pc}` + (real.filter((x) => x === value).length > 1 ? " (the first of the tied maxima, row by row)" : "") +
      "; the gradient of this window goes there only.";
  } else {
    expl = `(${real.join(" + ")}) / ${cnt} = <b class="cnnx-result" data-cnnx="value">${value}</b>` +
      (real.length < vals.length ? " (padding not counted)" : "") +
      `; each of the ${cnt} cells gets 1/${cnt} of this window's gradient.`;
  }
  const kind = mode === "max" ? "max_pool2d_backward" : "avg_pool2d_backward";
  const padTxt = (top || bottom || left || right) ? `padding ${top}/${bottom} rows, ${left}/${right} columns` : "no padding";
  return ['<div class="cnnx-figs">',
    `<figure class="cnnx-fig"><div class="cnnx-frame">${cells.join("")}</div><figcaption>Input ${h}×${w} (${padTxt}). ` +
      `Amber: window (${i}, ${j}); ` +
      (mode === "max" ? "filled: its pick; dotted: picked by some window." : "filled: the cells it averages.") +
      "</figcaption></figure>",
    `<figure class="cnnx-fig"><div class="cnnx-frame">${otab.join("")}</div><figcaption>Output ${rec.ho}×${rec.wo} ` +
      `(${mode} pooling).</figcaption></figure>`,
    `<figure class="cnnx-fig"><div class="cnnx-frame">${mtab.join("")}</div><figcaption>Backward mask: ${kind} ` +
      `with dout = 1 everywhere. Amber: where window (${i}, ${j}) sends its gradient.</figcaption></figure>`,
    "</div>", `<p class="cnnx-terms" data-cnnx="pick">${expl}</p>`].join("");
}

export default {
  render({ model, el }) {
    const f = frame(model, el);
    function draw() {
      const view = model.get("view");
      if (!view || !view.result) { return; }
      const rec = view.result, st = view.at;
      if (rec.error) {
        f.setRange("row", 0, true);
        f.setRange("col", 0, true);
        f.body.innerHTML = errorHtml(rec.error);
        f.status.textContent = "Invalid setting: " + message(rec.error);
        return;
      }
      const i = f.setRange("row", rec.ho - 1, false), j = f.setRange("col", rec.wo - 1, false);
      const win = rec.win[i * rec.wo + j], v = fmt(rec.out[i * rec.wo + j], 2);
      f.body.innerHTML = viewHtml(view.grid, rec, st.mode, Number(st.size), i, j);
      f.status.textContent = `Output ${rec.ho} × ${rec.wo}. Window (${i}, ${j}): ` +
        (st.mode === "max" ? `maximum ${v}, picked at row ${win[2]}, column ${win[3]}` : `average ${v} of ${win[4]} cells`) + ".";
    }
    start(model, el, draw, f);
  },
};
