/* Filter explorer: one renderer, live (anywidget) and static (precomputed states).
   view.image = {px: (H, W, C) pixels, byte}; view.kernel = {w: (kh, kw, C) weights, note};
   view.result = {map: (Ho, Wo) from cnnlib.conv2d_forward, pads: [[top, bottom], [left, right]],
   stride} or {error: code}.  The window's terms are read from px and w; the sum shown is the
   feature map's value there, never a sum made here.  Any kernel size. */
import { box, colour, colourWords, el, errorHtml, esc, figure, fmt, frame, message, paint, scaleFor, start,
  unpack } from "./core.js";

const AMBER = "#f59e0b", CYAN = "#0891b2", CH = ["R", "G", "B"];

/* Rows [r0, r0 + rows) and columns [c0, c0 + cols) of the image, zeros outside it, as RGB bytes:
   byte images as they are, others stretched from their min to their max. */
function imageRgb(px, shape, byte, r0, c0, rows, cols) {
  const [h, w, c] = shape;
  let lo = Infinity, hi = -Infinity;
  if (!byte) { px.forEach((v) => { lo = Math.min(lo, v); hi = Math.max(hi, v); }); lo = Math.min(lo, 0); }
  const rgb = new Uint8ClampedArray(3 * rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const rr = r0 + r, cc = c0 + q, inside = rr >= 0 && rr < h && cc >= 0 && cc < w;
      for (let k = 0; k < 3; k++) {
        let x = inside ? px[(rr * w + cc) * c + (c === 3 ? k : 0)] : 0;
        if (!byte) { x = hi > lo ? (x - lo) * (255 / (hi - lo)) : 0; }
        rgb[3 * (r * cols + q) + k] = Math.round(x);
      }
    }
  }
  return rgb;
}

function mapRgb(v) {
  let lo = Infinity, hi = -Infinity;
  v.forEach((x) => { lo = Math.min(lo, x); hi = Math.max(hi, x); });
  const signed = lo < 0, top = signed ? Math.max(-lo, hi) : hi, rgb = new Uint8ClampedArray(3 * v.length);
  v.forEach((x, p) => { rgb.set(colour(top > 0 ? x / top : 0, signed), 3 * p); });
  return { rgb, signed };
}

function kernelHtml(w, shape) {
  const [kh, kw, c] = shape, out = ['<div class="cnnx-kernels">'];
  for (let ch = 0; ch < c; ch++) {
    out.push('<table class="cnnx-kernel">');
    if (c > 1) { out.push("<caption>" + (c === 3 ? CH[ch] : ch) + "</caption>"); }
    for (let p = 0; p < kh; p++) {
      out.push("<tr>");
      for (let q = 0; q < kw; q++) {
        const v = w[(p * kw + q) * c + ch];
        out.push(`<td class="${v > 0 ? "pos" : v < 0 ? "neg" : "zero"}">${fmt(v)}</td>`);
      }
      out.push("</tr>");
    }
    out.push("</table>");
  }
  out.push("</div>");
  return out.join("");
}

function inputCaption(shape, pads, kh, kw) {
  const [h, w, c] = shape, depth = c > 1 ? "×" + c : "";
  if (!pads) { return `Input ${h}×${w}${depth} (no feature map for this setting).`; }
  const [[t, b], [l, r]] = pads;
  if (t || b || l || r) {
    return `Input ${h}×${w}${depth} padded with zeros (${t} above, ${b} below, ${l} left, ${r} right; ` +
      `dashed: the image's edge). Amber: the ${kh}×${kw} window.`;
  }
  return `Input ${h}×${w}${depth}, no padding. Amber: the ${kh}×${kw} window.`;
}

/* terms: [[weight, value, channel], ...] for the non-zero weights, channel by channel. */
function termsHtml(terms, c, zeros, origin, size, i, j, sum) {
  const lines = [];
  let first = true;
  for (let ch = 0; ch < c; ch++) {
    let buf = "";
    terms.filter((t) => t[2] === ch).forEach((t) => {
      if (first) { buf += fmt(t[0]) + "·" + fmt(t[1]); first = false; }
      else if (t[0] < 0) { buf += " − " + fmt(-t[0]) + "·" + fmt(t[1]); }
      else { buf += " + " + fmt(t[0]) + "·" + fmt(t[1]); }
    });
    if (buf) {
      lines.push('<div class="cnnx-termline">' + (c === 3 ? `<span class=cnnx-ch>${CH[ch]}</span> ` : "") +
        esc(buf) + "</div>");
    }
  }
  const note = [];
  if (zeros) { note.push(zeros + " term(s) with weight 0 left out"); }
  note.push("bias 0");
  return `<div class="cnnx-terms"><span class="cnnx-key">out[${i}, ${j}]</span> = ` +
    `<div class="cnnx-termbox" data-cnnx="terms">${lines.join("") || '<div class="cnnx-termline">0</div>'}</div> = ` +
    `<b class="cnnx-result" data-cnnx="sum">${fmt(sum)}</b></div>` +
    `<p class="cnnx-note">Window rows ${origin[0]}…${origin[0] + size[0] - 1}, columns ${origin[1]}…` +
    `${origin[1] + size[1] - 1} of the input (negative or past the edge: padding zeros); ${note.join("; ")}.</p>`;
}

export default {
  render({ model, el: root }) {
    const f = frame(model, root), spec = model.get("spec");
    const inCanvas = el("canvas", "cnnx-canvas", { role: "img", "data-cnnx": "input" });
    const mapCanvas = el("canvas", "cnnx-canvas", { role: "img", "data-cnnx": "map" });
    const kernelBox = el("div", "", { "data-cnnx": "kernel" });
    const figIn = figure(inCanvas), figK = figure(kernelBox, "cnnx-narrow"), figMap = figure(mapCanvas);
    const figs = el("div", "cnnx-figs");
    [figIn, figK, figMap].forEach((x) => figs.appendChild(x.fig));
    const text = el("div"), note = el("p", "cnnx-note");
    [figs, text, note].forEach((x) => f.body.appendChild(x));

    function draw() {
      const view = model.get("view");
      if (!view || !view.result) { return; }
      const img = view.image, px = unpack(img.px), shape = img.px.shape, [h, w, c] = shape;
      const wts = unpack(view.kernel.w), [kh, kw] = view.kernel.w.shape, res = view.result;
      kernelBox.innerHTML = kernelHtml(wts, view.kernel.w.shape);
      figK.cap.textContent = `Filter w: ${kh}×${kw}×${c}, bias 0` + (c > 1 ? ` (one ${kh}×${kw} slice per channel).` : ".");
      note.textContent = (view.kernel.note ? view.kernel.note + " " : "") +
        (spec.live ? "" : "Type your own kernel in the live version of this explorer (run the notebook).");
      if (res.error) {
        f.setRange("row", 0, true);
        f.setRange("col", 0, true);
        paint(inCanvas, imageRgb(px, shape, img.byte, 0, 0, h, w), h, w, scaleFor(h, w));
        inCanvas.setAttribute("aria-label", "input image");
        figIn.cap.textContent = inputCaption(shape, null);
        mapCanvas.style.display = "none";
        figMap.cap.textContent = "Feature map: none.";
        text.innerHTML = errorHtml(res.error);
        f.status.textContent = "Invalid setting: " + message(res.error);
        return;
      }
      const map = unpack(res.map), [ho, wo] = res.map.shape, [sh, sw] = res.stride;
      const i = f.setRange("row", ho - 1, false), j = f.setRange("col", wo - 1, false);
      const [[top, bottom], [left, right]] = res.pads, rows = top + h + bottom, cols = left + w + right;
      const s = scaleFor(rows, cols);
      let ctx = paint(inCanvas, imageRgb(px, shape, img.byte, -top, -left, rows, cols), rows, cols, s);
      if (top || bottom || left || right) { box(ctx, left * s, top * s, w * s, h * s, CYAN, 1, Math.max(Math.floor(s / 2), 2)); }
      const wr = i * sh, wc = j * sw;  // window (i, j) starts at row i*S, column j*S of the padded input
      box(ctx, wc * s, wr * s, kw * s, kh * s, AMBER, s >= 4 ? 2 : 1);
      inCanvas.setAttribute("aria-label", `input image with the window at row ${wr - top}, column ${wc - left}`);
      figIn.cap.textContent = inputCaption(shape, res.pads, kh, kw);
      const coloured = mapRgb(map), ms = scaleFor(ho, wo);
      mapCanvas.style.display = "";
      ctx = paint(mapCanvas, coloured.rgb, ho, wo, ms);
      box(ctx, j * ms, i * ms, ms, ms, AMBER, ms >= 4 ? 2 : 1);
      mapCanvas.setAttribute("aria-label", `feature map ${ho} by ${wo}`);
      figMap.cap.textContent = `Feature map ${ho}×${wo} (stride ${sh}; ${colourWords(coloured.signed)}). Amber: out[row, column].`;
      const terms = [];
      let zeros = 0;
      for (let ch = 0; ch < c; ch++) {
        for (let p = 0; p < kh; p++) {
          for (let q = 0; q < kw; q++) {
            const wv = wts[(p * kw + q) * c + ch];
            if (wv === 0) { zeros++; continue; }
            const r = wr + p - top, cc = wc + q - left;
            terms.push([wv, r >= 0 && r < h && cc >= 0 && cc < w ? px[(r * w + cc) * c + ch] : 0, ch]);
          }
        }
      }
      const sum = map[i * wo + j];
      text.innerHTML = termsHtml(terms, c, zeros, [wr - top, wc - left], [kh, kw], i, j, sum);
      f.status.textContent = `Feature map ${ho} × ${wo}. Window at input row ${wr - top}, column ${wc - left}: ` +
        `out[${i}, ${j}] = ${fmt(sum)}.`;
    }
    start(model, root, draw, f);
  },
};
