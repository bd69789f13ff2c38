/* cnnlib explorers: what every renderer shares (ES module, no network).

   Each explorer is one module, assets/<kind>.js, exporting default { render({ model, el }) }.
   The model is either anywidget's (live, in a kernel: Python computes the view with cnnlib)
   or staticModel(data) below (the published book: the view is looked up among states that
   Python computed when the notebook ran).  Either way it carries three values:
     spec   {title, controls: [{name, label, options: [[value, text]...]} | {name, label, range: true}
             | {name, label, text: true} | {name, label, number: [min, max]}], presets: [{label, values}]}
     values {control name: string}   (what the reader chose; the renderer writes it)
     view   what cnnlib computed for those values (numbers only; never HTML), with view.at: the
            values it was computed for (a renderer draws view.at, so a live view that is still
            on its way never shows new controls next to old numbers). */

/* A number as the explorers print it: at most `digits` decimals, no trailing zeros, a true minus. */
export function fmt(v, digits) {
  if (v === null || v === undefined) { return "—"; }
  let s = Number(v).toFixed(digits === undefined ? 4 : digits);
  if (s.indexOf(".") >= 0) { s = s.replace(/0+$/, "").replace(/\.$/, ""); }
  if (s === "-0" || s === "") { s = "0"; }
  return s.replace(/-/g, "\u2212");
}

export function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

/* "{n} − {f}" with {n} -> values.n: text substitution only. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => String(values[k]));
}

/* Python's format(x, "g") for the numbers the explorers meet (6 significant digits). */
function pyG(x) {
  return String(Number(x.toPrecision(6)));
}

/* cnnlib's error message, rebuilt from the code the view carries (cnnlib.shapes.conv_output_size
   and the "along the height" prefix of cnnlib.conv): the page stores a few numbers, not the text.
   A test compares every message with str(err) raised by cnnlib. */
export function message(e) {
  if (!e) { return null; }
  let m;
  const n = e.n, f = e.f, p = e.p, s = e.stride;
  if (e.code === "valid_larger") {
    m = `the filter (f=${f}) is larger than the input (n=${n}) and 'valid' padding adds no zeros.`;
  } else if (e.code === "padded_larger") {
    m = `the filter (f=${f}) is larger than the padded input (n + 2p = ${n} + 2*${p} = ${n + 2 * p}).`;
  } else if (e.code === "tile") {
    const span = n - f + 2 * p, wide = p === 0 ? `${n}-wide input` : `${n}-wide input padded to ${n + 2 * p}`;
    m = `(${n} - ${f} + 2*${p}) / ${s} + 1 = ${pyG(span / s + 1)} is not an integer: ` +
      `stride ${s} does not tile a ${wide} with a ${f}-wide filter ` +
      `(${n} - ${f} + 2*${p} = ${span} leaves remainder ${span % s} when divided by ${s}). ` +
      "Choose another stride or padding, or pass floor=True to drop the leftover, as TensorFlow and PyTorch do.";
  } else {
    m = e.text;
  }
  return e.axis ? `along the ${e.axis} (${e.what} ${f}, input ${n}): ${m}` : m;
}

/* {dtype, shape, b64} (cnnlib.explorers.base.pack) -> a typed array. */
const TYPES = { u1: Uint8Array, i1: Int8Array, i2: Int16Array, f4: Float32Array, f8: Float64Array };
export function unpack(a) {
  if (!a) { return null; }
  if (a._arr) { return a._arr; }
  const bin = atob(a.b64), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
  Object.defineProperty(a, "_arr", { value: new TYPES[a.dtype](bytes.buffer), enumerable: false });
  return a._arr;
}

/* The one colour map of the explorers.  t in [-1, 1] (a value over the largest |value|):
   unsigned maps are grey, black (0) to white (1); signed maps are RdBu: blue (negative),
   white (0), red (positive).  Returns [r, g, b]. */
const NEG = [33, 102, 172], POS = [178, 24, 43];
export function colour(t, signed) {
  t = Math.max(-1, Math.min(1, t));
  if (!signed) { const g = Math.round(255 * Math.max(t, 0)); return [g, g, g]; }
  const c = t < 0 ? NEG : POS, a = Math.abs(t);
  return [0, 1, 2].map((k) => Math.round(255 + a * (c[k] - 255)));
}
export function colourWords(signed, white) {
  return signed ? "blue: negative, white: 0, red: positive" : "black: 0, white: " + (white || "the largest value");
}

/* Draw an RGB byte array (rows x cols) scaled up on a canvas; returns the 2-D context. */
export function paint(canvas, rgb, rows, cols, scale) {
  canvas.width = cols * scale;
  canvas.height = rows * scale;
  const small = document.createElement("canvas");
  small.width = cols;
  small.height = rows;
  const sctx = small.getContext("2d"), img = sctx.createImageData(cols, rows);
  for (let p = 0; p < rows * cols; p++) {
    img.data[4 * p] = rgb[3 * p];
    img.data[4 * p + 1] = rgb[3 * p + 1];
    img.data[4 * p + 2] = rgb[3 * p + 2];
    img.data[4 * p + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, cols * scale, rows * scale);
  return ctx;
}

export function box(ctx, x, y, w, h, color, width, dash) {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash ? [dash, dash] : []);
  ctx.strokeRect(x + width / 2, y + width / 2, w - width, h - width);
  ctx.restore();
}

export function scaleFor(h, w, target) { return Math.max(1, Math.floor((target || 240) / Math.max(h, w))); }

/* A <figure> holding `content` and an empty caption; `extraClass` is added to its class. */
export function figure(content, extraClass) {
  const fig = document.createElement("figure");
  fig.className = "cnnx-fig" + (extraClass ? " " + extraClass : "");
  fig.appendChild(content);
  const cap = document.createElement("figcaption");
  fig.appendChild(cap);
  return { fig, cap };
}

export function el(tag, cls, attrs) {
  const e = document.createElement(tag);
  if (cls) { e.className = cls; }
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  return e;
}

export function errorHtml(e) {
  return '<div class="cnnx-error"><b>✗ Invalid setting.</b> cnnlib says: <span data-cnnx="error">' +
    esc(message(e)) + "</span></div>";
}

/* A region that scrolls sideways (a wide grid on a phone) can be scrolled with the keyboard. */
export function scrollable(root) {
  root.querySelectorAll(".cnnx-frame").forEach((f) => {
    if (f.scrollWidth > f.clientWidth + 1) {
      f.setAttribute("tabindex", "0");
      f.setAttribute("role", "group");
      f.setAttribute("aria-label", "scrollable figure");
    } else {
      ["tabindex", "role", "aria-label"].forEach((a) => f.removeAttribute(a));
    }
  });
}

/* The frame every explorer shares: title, labelled native controls, presets and the
   status line (role="status" is aria-live="polite": the key result, in words).
   Returns {body, status, values(), setRange(name, max, disabled), setValues(obj)}. */
export function frame(model, root) {
  const spec = model.get("spec");
  root.classList.add("cnnx");
  root.setAttribute("data-cnnx-kind", spec.kind);
  const title = el("div", "cnnx-title");
  title.textContent = spec.title;
  const form = el("form", "cnnx-controls");
  form.addEventListener("submit", (ev) => ev.preventDefault());
  const inputs = {};
  let uid = frame.uid = (frame.uid || 0) + 1;

  function values() { return Object.assign({}, model.get("values")); }
  function commit(changes) {
    model.set("values", Object.assign(values(), changes));
    model.save_changes();
  }

  spec.controls.forEach((c) => {
    const label = el("label", "cnnx-ctl" + (c.wide ? " cnnx-ctl-wide" : ""));
    const span = el("span");
    span.textContent = c.label;
    label.appendChild(span);
    let input;
    if (c.range || c.number) {
      input = el("input");
      input.type = c.range ? "range" : "number";
      input.min = String(c.number ? c.number[0] : 0);
      input.max = String(c.number ? c.number[1] : 0);
      input.step = "1";
      if (c.range) {
        const out = el("span", "cnnx-val");  // not <output>: it would take the label
        span.appendChild(document.createTextNode(": "));
        span.appendChild(out);
        input._out = out;
      }
    } else if (c.text) {
      input = el("input");
      input.type = "text";
      input.spellcheck = false;
    } else {
      input = el("select");
      // a menu with a long option takes two columns (one row of its own on a phone)
      if (Math.max(...c.options.map(([, t]) => String(t).length)) > 20) { label.classList.add("cnnx-ctl-wide"); }
      c.options.forEach(([v, t]) => {
        const o = el("option");
        o.value = v;
        o.textContent = t;
        input.appendChild(o);
      });
    }
    input.name = c.name;
    input.id = `cnnx-${spec.kind}-${uid}-${c.name}`;
    input.setAttribute("data-cnnx-control", c.name);
    const ev = c.range ? "input" : "change";
    input.addEventListener(ev, () => {
      if (input._out) { input._out.textContent = input.value; }
      commit({ [c.name]: input.value });
    });
    if (c.text) {  // a typed kernel is sent on Enter as well as when the field is left
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") { commit({ [c.name]: input.value }); } });
    }
    label.appendChild(input);
    label._ctl = c;
    form.appendChild(label);
    inputs[c.name] = input;
  });
  root.appendChild(title);
  root.appendChild(form);
  if (spec.presets && spec.presets.length) {
    const bar = el("div", "cnnx-presets");
    bar.appendChild(document.createTextNode("Try: "));
    spec.presets.forEach((p) => {
      const b = el("button");
      b.type = "button";
      b.textContent = p.label;
      b.addEventListener("click", () => commit(p.values));
      bar.appendChild(b);
    });
    root.appendChild(bar);
  }
  (spec.buttons || []).forEach((name) => {  // live-only actions, e.g. "random image"
    let bar = root.querySelector(".cnnx-presets");
    if (!bar) { bar = el("div", "cnnx-presets"); root.appendChild(bar); }
    const b = el("button");
    b.type = "button";
    b.textContent = name;
    b.setAttribute("data-cnnx-button", name);
    b.addEventListener("click", () => commit({ _action: name + "#" + Date.now() }));
    bar.appendChild(b);
  });
  const status = el("p", "cnnx-status", { role: "status", "aria-live": "polite", "data-cnnx": "status" });
  root.appendChild(status);
  const body = el("div", "cnnx-view");
  root.appendChild(body);

  /* Show the model's values in the controls (after a preset, or a change made from Python). */
  function sync() {
    const v = model.get("values");
    Object.entries(inputs).forEach(([k, input]) => {
      if (v[k] !== undefined && input.value !== String(v[k]) && document.activeElement !== input) {
        input.value = String(v[k]);
      }
      if (input._out) { input._out.textContent = input.disabled ? "—" : input.value; }
    });
    form.querySelectorAll("label").forEach((l) => {
      if (l._ctl.when) { l.hidden = v[l._ctl.when[0]] !== l._ctl.when[1]; }
    });
  }
  /* Give a window slider its range [0, max]; a value outside it is brought back and written. */
  function setRange(name, max, disabled) {
    const input = inputs[name];
    input.max = String(Math.max(max, 0));
    input.disabled = !!disabled;
    let v = Number(model.get("values")[name] || 0);
    if (v > max || v < 0) {
      v = Math.max(0, Math.min(v, max));
      input.value = String(v);
      commit({ [name]: String(v) });
    }
    if (input.value !== String(v)) { input.value = String(v); }   // the range was narrower before
    if (input._out) { input._out.textContent = disabled ? "—" : String(v); }
    return v;
  }
  sync();
  return { body, status, sync, setRange, commit, inputs, values };
}

/* Wire a renderer's draw() to the model and mark the explorer ready. */
export function start(model, root, draw, f) {
  const redraw = () => { f.sync(); draw(); scrollable(root); };
  model.on("change:view", redraw);
  model.on("change:values", redraw);
  window.addEventListener("resize", () => scrollable(root));
  redraw();
  root.setAttribute("data-cnnx-ready", "1");
}

/* ---- the static page ------------------------------------------------------------------- */

/* A stand-in for anywidget's model, backed by precomputed states:
   data = {spec, initial, shared, parts: {name: {keys: [select...], table: [index into pool, one
   per combination of the selects' options, the first key varying slowest], pool: [state...]}}}.  get("view") is shared + one state per part, looked up
   with the current values; set/save_changes pick another one. */
export function staticModel(data) {
  let values = Object.assign({}, data.initial);
  const handlers = {}, opts = {};
  data.spec.controls.forEach((c) => { if (c.options) { opts[c.name] = c.options.map((o) => o[0]); } });
  function lookup(v) {
    const out = Object.assign({ at: Object.assign({}, v) }, data.shared || {});
    Object.entries(data.parts).forEach(([name, part]) => {
      let pos = 0;
      part.keys.forEach((k) => { pos = pos * opts[k].length + opts[k].indexOf(String(v[k])); });
      const i = part.table[pos];
      out[name] = i === undefined || i < 0 ? null : part.pool[i];
    });
    return out;
  }
  let view = lookup(values);
  let pending = null;
  return {
    get(name) { return name === "values" ? values : name === "view" ? view : data[name]; },
    set(name, v) { if (name === "values") { pending = Object.assign({}, v); } },
    save_changes() {
      if (!pending) { return; }
      const old = view;
      values = pending;
      pending = null;
      view = lookup(values);
      const changed = JSON.stringify(old) !== JSON.stringify(view);
      (handlers["change:values"] || []).forEach((h) => h());
      if (changed) { (handlers["change:view"] || []).forEach((h) => h()); }
    },
    on(ev, h) { (handlers[ev] = handlers[ev] || []).push(h); },
    off(ev) { delete handlers[ev]; },
  };
}

/* The embedded payload: deflate(uint32 n, n bytes of JSON, the arrays' bytes), base64.
   Each array record {dtype, shape, at, n} gets its typed array (unpack returns it). */
async function decode(b64) {
  const bin = atob(b64.trim()), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  const buf = await new Response(stream).arrayBuffer();
  const n = new DataView(buf).getUint32(0, true), start = 4 + n;
  const data = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
  (function walk(o) {
    if (!o || typeof o !== "object") { return; }
    if (o.dtype && o.at !== undefined) {
      const T = TYPES[o.dtype];
      Object.defineProperty(o, "_arr", { value: new T(buf, start + o.at, o.n / T.BYTES_PER_ELEMENT), enumerable: false });
      return;
    }
    Object.values(o).forEach(walk);
  })(data);
  return data;
}

/* Start every static explorer of the page: each is a <div class="cnnx-static" data-cnnx-kind>
   holding its states (deflated JSON, base64).  The renderer is fetched once per kind. */
export async function mountAll(doc) {
  const roots = [...(doc || document).querySelectorAll(".cnnx-static:not([data-cnnx-ready])")];
  await Promise.all(roots.map(async (root) => {
    try {
      const kind = root.getAttribute("data-cnnx-kind");
      const data = await decode(root.querySelector("script.cnnx-data").textContent);
      const mod = await import(new URL(`./${kind}.js`, import.meta.url).href);
      const nojs = root.querySelector(".cnnx-nojs");
      if (nojs) { nojs.remove(); }
      mod.default.render({ model: staticModel(data), el: root });
    } catch (err) {
      const p = root.querySelector(".cnnx-nojs") || root.appendChild(document.createElement("p"));
      p.className = "cnnx-error";
      p.textContent = "The explorer could not start: " + err.message;
      throw err;
    }
  }));
}
