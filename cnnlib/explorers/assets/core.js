/* cnnlib explorers, static viewer: shared helpers (vanilla JS, no network).
   The states were computed in Python by cnnlib; this code only unpacks them,
   builds the labelled controls, looks states up and draws them. */
(function () {
  "use strict";
  var cnnx = window.cnnx = window.cnnx || {};
  cnnx.kinds = cnnx.kinds || {};

  /* A number as cnnlib.explorers.views.fmt prints it. */
  cnnx.fmt = function (v, digits) {
    if (v === null || v === undefined) { return "—"; }
    var s = Number(v).toFixed(digits === undefined ? 4 : digits);
    if (s.indexOf(".") >= 0) { s = s.replace(/0+$/, "").replace(/\.$/, ""); }
    if (s === "-0" || s === "") { s = "0"; }
    return s.replace(/-/g, "\u2212");
  };

  cnnx.esc = function (s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  };

  /* "{n} − {f}" with {n} -> values.n: text substitution only. */
  cnnx.fill = function (template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return String(values[k]); });
  };

  cnnx.key = function () { return Array.prototype.join.call(arguments, "|"); };

  cnnx.decode = function (b64) {
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack the explorer's data " +
        "(it needs DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or later)"));
    }
    var bin = atob(b64.trim());
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  };

  /* Labelled controls from specs [{name, label, options: [[value, text]...]} or {name, label, range: true}].
     Returns {form, state, setRange(name, max, disabled)}; onchange(state) runs after every change. */
  cnnx.form = function (specs, initial, onchange) {
    var form = document.createElement("form");
    form.className = "cnnx-controls";
    form.setAttribute("onsubmit", "return false");
    var state = {};
    var inputs = {};
    specs.forEach(function (spec) {
      var label = document.createElement("label");
      label.className = "cnnx-ctl";
      var span = document.createElement("span");
      span.textContent = spec.label;
      label.appendChild(span);
      var input;
      if (spec.range) {
        input = document.createElement("input");
        input.type = "range";
        input.min = "0";
        input.max = "9999";  // narrowed by setRange once the state is known
        input.step = "1";
        var out = document.createElement("span");  // not <output>: it would take the label
        out.className = "cnnx-val";
        span.appendChild(document.createTextNode(": "));
        span.appendChild(out);
        input._out = out;
      } else {
        input = document.createElement("select");
        spec.options.forEach(function (o) {
          var opt = document.createElement("option");
          opt.value = o[0];
          opt.textContent = o[1];
          input.appendChild(opt);
        });
      }
      input.name = spec.name;
      input.setAttribute("data-cnnx-control", spec.name);
      input.value = initial[spec.name] !== undefined ? initial[spec.name] : input.value;
      state[spec.name] = input.value;
      if (input._out) { input._out.textContent = input.value; }
      input.addEventListener(spec.range ? "input" : "change", function () {
        state[spec.name] = input.value;
        if (input._out) { input._out.textContent = input.value; }
        onchange(state);
      });
      label.appendChild(input);
      form.appendChild(label);
      inputs[spec.name] = input;
    });
    return {
      form: form,
      state: state,
      inputs: inputs,
      set: function (values) {
        Object.keys(values).forEach(function (k) {
          if (inputs[k]) { inputs[k].value = values[k]; state[k] = inputs[k].value; }
        });
        onchange(state);
      },
      /* Give a window slider its range [0, max]; keep its value inside. */
      setRange: function (name, max, disabled) {
        var input = inputs[name];
        input.max = String(Math.max(max, 0));
        input.disabled = !!disabled;
        if (Number(input.value) > max) { input.value = String(Math.max(max, 0)); }
        state[name] = input.value;
        input._out.textContent = disabled ? "—" : input.value;
      }
    };
  };

  /* Draw an RGB byte array (rows x cols) scaled up on a canvas; returns the 2-D context. */
  cnnx.paint = function (canvas, rgb, rows, cols, scale) {
    canvas.width = cols * scale;
    canvas.height = rows * scale;
    var small = document.createElement("canvas");
    small.width = cols;
    small.height = rows;
    var sctx = small.getContext("2d");
    var img = sctx.createImageData(cols, rows);
    for (var p = 0; p < rows * cols; p++) {
      img.data[4 * p] = rgb[3 * p];
      img.data[4 * p + 1] = rgb[3 * p + 1];
      img.data[4 * p + 2] = rgb[3 * p + 2];
      img.data[4 * p + 3] = 255;
    }
    sctx.putImageData(img, 0, 0);
    var ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, cols * scale, rows * scale);
    return ctx;
  };

  cnnx.box = function (ctx, x, y, w, h, color, width, dash) {
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash ? [dash, dash] : []);
    ctx.strokeRect(x + width / 2, y + width / 2, w - width, h - width);
    ctx.restore();
  };

  // A <figure> holding `content` and an empty caption to fill in; `extraClass`
  // (with its leading space) is added to the figure's class.
  cnnx.figure = function (content, extraClass) {
    var fig = document.createElement("figure");
    fig.className = "cnnx-fig" + (extraClass || "");
    fig.appendChild(content);
    var cap = document.createElement("figcaption");
    fig.appendChild(cap);
    return {fig: fig, cap: cap};
  };

  /* The explorer's key result as one line of text, announced to screen readers
     (role="status" is aria-live="polite"): the colours of the figures only repeat it. */
  cnnx.status = function () {
    var p = document.createElement("p");
    p.className = "cnnx-status";
    p.setAttribute("role", "status");
    p.setAttribute("aria-live", "polite");
    p.setAttribute("data-cnnx", "status");
    return p;
  };

  /* A region that scrolls sideways (a wide grid on a phone) can be scrolled with the keyboard. */
  cnnx.scrollable = function (root) {
    Array.prototype.forEach.call(root.querySelectorAll(".cnnx-frame"), function (f) {
      if (f.scrollWidth > f.clientWidth + 1) {
        f.setAttribute("tabindex", "0");
        f.setAttribute("role", "group");
        f.setAttribute("aria-label", "scrollable figure");
      } else {
        f.removeAttribute("tabindex");
        f.removeAttribute("role");
        f.removeAttribute("aria-label");
      }
    });
  };

  cnnx.mount = function (root) {
    if (!root || root.getAttribute("data-cnnx-ready")) { return; }
    var kind = root.getAttribute("data-cnnx-kind");
    var script = root.querySelector("script.cnnx-data");
    cnnx.decode(script.textContent).then(function (data) {
      var nojs = root.querySelector(".cnnx-nojs");
      if (nojs) { nojs.parentNode.removeChild(nojs); }
      cnnx.kinds[kind](root, data);
      cnnx.scrollable(root);
      root.addEventListener("input", function () { cnnx.scrollable(root); });
      root.addEventListener("change", function () { cnnx.scrollable(root); });
      window.addEventListener("resize", function () { cnnx.scrollable(root); });
      root.setAttribute("data-cnnx-ready", "1");
    }).catch(function (err) {
      var p = root.querySelector(".cnnx-nojs") || root.appendChild(document.createElement("p"));
      p.className = "cnnx-error";
      p.textContent = "The explorer could not start: " + err.message;
    });
  };
})();
