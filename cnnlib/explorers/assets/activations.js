/* Activation-map explorer: one renderer, live (anywidget) and static (precomputed states).
   view.image = {index, true, pred, short, probs, px: (H, W, C) bytes}; view.maps = {q: (C, H, W)
   int8, s: [scale per map], signed, levels}: value = q * s / levels, computed by the model in
   Python (cnnlib.explorers.activations).  spec.layers = [{name, label}], spec.classes. */
import { colour, colourWords, el, esc, figure, fmt, frame, paint, scaleFor, start, unpack } from "./core.js";

function mapRgb(q, off, n, levels, factor, signed) {
  const rgb = new Uint8ClampedArray(3 * n);
  for (let p = 0; p < n; p++) { rgb.set(colour(q[off + p] * (factor / levels), signed), 3 * p); }
  return rgb;
}

function imageRgb(px, h, w, c) {
  const rgb = new Uint8ClampedArray(3 * h * w);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) { rgb[3 * p + k] = px[c === 3 ? 3 * p + k : p * c]; }
  }
  return rgb;
}

function barsHtml(img, classes) {
  const rows = ['<table class="cnnx-bars" data-cnnx="probs">'];
  img.probs.forEach((p, k) => {
    const t = img.true, cls = k === t ? "cnnx-true" : (k === img.pred ? "cnnx-wrong" : "");
    const word = k === t ? (k === img.pred ? " true, predicted" : " true") : (k === img.pred ? " predicted" : "");
    rows.push(`<tr class="${cls}"><td class="cnnx-bar-k">${esc(classes[k])}</td>` +
      `<td class="cnnx-bar-b"><div class="cnnx-bar-bg"><div class="cnnx-bar-fg" style="width:${(100 * p).toFixed(1)}%">` +
      `</div></div></td><td class="cnnx-bar-v">${(100 * p).toFixed(1)}%${word}</td></tr>`);
  });
  rows.push("</table>");
  return rows.join("");
}

export default {
  render({ model, el: root }) {
    const f = frame(model, root), spec = model.get("spec"), classes = spec.classes;
    const inCanvas = el("canvas", "cnnx-canvas", { role: "img", "data-cnnx": "input" });
    const bigCanvas = el("canvas", "cnnx-canvas", { role: "img", "data-cnnx": "map" });
    const probs = el("div");
    const figIn = figure(inCanvas), figBig = figure(bigCanvas), figP = figure(probs, "cnnx-act-probs");
    const top = el("div", "cnnx-act-top");
    [figIn, figP, figBig].forEach((x) => top.appendChild(x.fig));
    const head = el("p", "cnnx-note", { "data-cnnx": "layer" });
    const grid = el("div", "cnnx-amaps", { "data-cnnx": "maps" });
    [top, head, grid].forEach((x) => f.body.appendChild(x));
    let gridKey = null, thumbs = [];

    function draw() {
      const view = model.get("view");
      if (!view || !view.maps) { return; }
      const values = model.get("values"), st = view.at, img = view.image, mp = view.maps;
      const layer = spec.layers.find((l) => l.name === st.layer), [c, lh, lw] = mp.q.shape, n = lh * lw;
      const q = unpack(mp.q), shared = values.scale === "layer", most = Math.max(0, ...mp.s);
      const [h, w, ic] = img.px.shape, hasTruth = img.true !== null, ok = !hasTruth || img.pred === img.true;
      const label = `test image #${img.index}: ` + (hasTruth ? `a ${classes[img.true]}, ` : "") +
        `predicted ${classes[img.pred]}` + (hasTruth ? (ok ? " ✓" : " ✗") : "");
      paint(inCanvas, imageRgb(unpack(img.px), h, w, ic), h, w, scaleFor(h, w, 168));
      figIn.cap.textContent = label + ".";
      inCanvas.setAttribute("aria-label", "input image: " + label);
      const pct = (100 * img.probs[img.pred]).toFixed(1);
      probs.innerHTML = `<p class="cnnx-verdict${ok ? "" : " cnnx-bad"}" data-cnnx="verdict">` +
        (hasTruth ? `${ok ? "✓" : "✗"} true ${esc(classes[img.true])}, ` : "") +
        `predicted ${esc(classes[img.pred])} (${pct}%)</p>` + barsHtml(img, classes);
      figP.cap.textContent = "The network's class probabilities (softmax of its logits); green: the true class" +
        (ok ? "." : ", red: the wrong prediction.") + " Each is also named after its percentage.";
      head.textContent = layer.label + ". Colour scale: " +
        (shared ? "shared by the layer (the brightest map of the layer sets white)." :
          "each map its own (white: that map's largest value).") +
        " Choose a map (click it, or Tab to it and press Enter) to enlarge it.";
      const m = f.setRange("map", c - 1, false);
      const factor = (k) => (shared ? (most > 0 ? mp.s[k] / most : 0) : 1);
      const key = img.index + "|" + layer.name + "|" + values.scale;
      if (gridKey !== key) {
        grid.innerHTML = "";
        thumbs = [];
        for (let k = 0; k < c; k++) {
          const b = el("button", "cnnx-amap", { type: "button", "data-cnnx-map": String(k), "aria-label": `map ${k} of ${layer.name}` });
          const cv = el("canvas");
          paint(cv, mapRgb(q, k * n, n, mp.levels, factor(k), mp.signed), lh, lw, 1);
          const lab = el("span");
          lab.textContent = "#" + k + (mp.s[k] === 0 ? " (0)" : "");
          b.appendChild(cv);
          b.appendChild(lab);
          b.addEventListener("click", () => f.commit({ map: String(k) }));
          grid.appendChild(b);
          thumbs.push(b);
        }
        gridKey = key;
      }
      thumbs.forEach((b, k) => {
        b.className = "cnnx-amap" + (k === m ? " cnnx-on" : "");
        b.setAttribute("aria-pressed", k === m ? "true" : "false");
      });
      paint(bigCanvas, mapRgb(q, m * n, n, mp.levels, factor(m), mp.signed), lh, lw, scaleFor(lh, lw, 168));
      bigCanvas.setAttribute("aria-label", `map #${m} of ${layer.name}, enlarged`);
      figBig.cap.innerHTML = `Map #${m} of ${esc(layer.name)}, ${lh}×${lw}; largest |value| ` +
        `<b data-cnnx="scale">${fmt(mp.s[m], 3)}</b> (` +
        colourWords(mp.signed, shared ? "the layer's largest value" : "its largest value") + ").";
      f.status.textContent = `Map #${m} of ${layer.name}, largest |value| ${fmt(mp.s[m], 3)}. ` +
        (hasTruth ? `${ok ? "Correct" : "Wrong"}: true ${classes[img.true]}, ` : "") +
        `predicted ${classes[img.pred]} (${pct}%).`;
    }
    start(model, root, draw, f);
  },
};
