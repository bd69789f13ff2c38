/* Filter explorer (static). Mirrors cnnlib/explorers/render.py (input_png, map_png,
   kernel_html, terms_html) and cnnlib/widgets.py's layout.
   data.images[k].v: the image padded by cnnlib.zero_pad with data.images[k].pad zeros;
   data.states["image|filter|stride|padding"] = {m: map index, pads: [[top, bottom], [left, right]]}
   or {e: message index}; data.maps[m] = {h, w, v}: cnnlib.conv2d_forward's feature map.
   The sum shown for a window is the feature map's value there, never a sum made here. */
(function () {
  "use strict";
  var cnnx = window.cnnx;
  var AMBER = "#f59e0b", CYAN = "#0891b2", CH = ["R", "G", "B"];

  function scaleFor(h, w) { return Math.max(1, Math.floor(240 / Math.max(h, w))); }

  /* Pixels of rows [r0, r0+rows) and columns [c0, c0+cols) of the padded image, as RGB bytes. */
  function imageRgb(img, r0, c0, rows, cols) {
    var wp = img.w + 2 * img.pad, c = img.c, n = rows * cols, vals = [], p, k, lo = Infinity, hi = -Infinity;
    for (var r = 0; r < rows; r++) {
      for (var q = 0; q < cols; q++) {
        for (k = 0; k < c; k++) {
          var v = img.v[((r0 + r) * wp + (c0 + q)) * c + k];
          vals.push(v);
          if (v < lo) { lo = v; }
          if (v > hi) { hi = v; }
        }
      }
    }
    var rgb = new Uint8ClampedArray(3 * n);
    for (p = 0; p < n; p++) {
      for (k = 0; k < 3; k++) {
        var x = vals[p * c + (c === 3 ? k : 0)];
        if (!img.byte) { x = hi > lo ? (x - lo) * (255 / (hi - lo)) : 0; }
        rgb[3 * p + k] = Math.round(x);
      }
    }
    return rgb;
  }

  function mapRgb(map) {
    var lo = Math.min.apply(null, map.v), hi = Math.max.apply(null, map.v), n = map.v.length;
    var rgb = new Uint8ClampedArray(3 * n), neg = [33, 102, 172], pos = [178, 24, 43];
    for (var p = 0; p < n; p++) {
      var v = map.v[p];
      for (var k = 0; k < 3; k++) {
        if (lo >= 0) {
          rgb[3 * p + k] = hi > 0 ? Math.round(v * (255 / hi)) : 0;
        } else {
          var t = Math.max(-1, Math.min(1, v / Math.max(-lo, hi)));
          rgb[3 * p + k] = Math.round(t < 0 ? 255 + (-t) * (neg[k] - 255) : 255 + t * (pos[k] - 255));
        }
      }
    }
    return {rgb: rgb, signed: lo < 0};
  }

  function kernelHtml(w, c) {
    var out = ['<div class="cnnx-kernels">'];
    for (var ch = 0; ch < c; ch++) {
      out.push('<table class="cnnx-kernel">');
      if (c > 1) { out.push("<caption>" + (c === 3 ? CH[ch] : ch) + "</caption>"); }
      for (var p = 0; p < 3; p++) {
        out.push("<tr>");
        for (var q = 0; q < 3; q++) {
          var v = w[(p * 3 + q) * c + ch];
          out.push('<td class="' + (v > 0 ? "pos" : v < 0 ? "neg" : "zero") + '">' + cnnx.fmt(v) + "</td>");
        }
        out.push("</tr>");
      }
      out.push("</table>");
    }
    out.push("</div>");
    return out.join("");
  }

  function inputCaption(img, pads) {
    var depth = img.c > 1 ? "×" + img.c : "";
    if (!pads) { return "Input " + img.h + "×" + img.w + depth + " (no feature map for this setting)."; }
    var t = pads[0][0], b = pads[0][1], l = pads[1][0], r = pads[1][1];
    if (t || b || l || r) {
      return "Input " + img.h + "×" + img.w + depth + " padded with zeros (" + t + " above, " + b + " below, " +
        l + " left, " + r + " right; dashed: the image's edge). Amber: the window.";
    }
    return "Input " + img.h + "×" + img.w + depth + ", no padding. Amber: the window.";
  }

  function kernelCaption(c) {
    return "Filter w: 3×3×" + c + ", bias 0" + (c > 1 ? " (one 3×3 slice per channel)." : ".");
  }

  function mapCaption(map, stride, signed) {
    if (!map) { return "Feature map: none."; }
    var colours = signed ? "blue: negative, white: 0, red: positive" : "black: 0, white: the largest value";
    return "Feature map " + map.h + "×" + map.w + " (stride " + stride + "; " + colours + "). Amber: out[row, column].";
  }

  /* terms: [[weight, value, channel], ...] for the non-zero weights, channel by channel. */
  function termsHtml(terms, c, zeros, origin, i, j, sum) {
    var lines = [], first = true;
    for (var ch = 0; ch < c; ch++) {
      var buf = "";
      terms.forEach(function (t) {
        if (t[2] !== ch) { return; }
        if (first) { buf += cnnx.fmt(t[0]) + "·" + cnnx.fmt(t[1]); first = false; }
        else if (t[0] < 0) { buf += " − " + cnnx.fmt(-t[0]) + "·" + cnnx.fmt(t[1]); }
        else { buf += " + " + cnnx.fmt(t[0]) + "·" + cnnx.fmt(t[1]); }
      });
      if (buf) {
        lines.push('<div class="cnnx-termline">' + (c === 3 ? "<span class=cnnx-ch>" + CH[ch] + "</span> " : "") +
          cnnx.esc(buf) + "</div>");
      }
    }
    var body = lines.join("") || '<div class="cnnx-termline">0</div>';
    var note = [];
    if (zeros) { note.push(zeros + " term(s) with weight 0 left out"); }
    note.push("bias 0");
    return '<div class="cnnx-terms"><span class="cnnx-key">out[' + i + ", " + j + "]</span> = " +
      '<div class="cnnx-termbox" data-cnnx="terms">' + body + "</div> = " +
      '<b class="cnnx-result" data-cnnx="sum">' + cnnx.fmt(sum) + "</b></div>" +
      '<p class="cnnx-note">Window rows ' + origin[0] + "…" + (origin[0] + 2) + ", columns " + origin[1] + "…" +
      (origin[1] + 2) + " of the input (negative or past the edge: padding zeros); " + note.join("; ") + ".</p>";
  }

  cnnx.kinds.filter = function (root, data) {
    var inCanvas = document.createElement("canvas"), mapCanvas = document.createElement("canvas");
    inCanvas.className = mapCanvas.className = "cnnx-canvas";
    inCanvas.setAttribute("role", "img");
    mapCanvas.setAttribute("role", "img");
    inCanvas.setAttribute("data-cnnx", "input");
    mapCanvas.setAttribute("data-cnnx", "map");
    var kernelBox = document.createElement("div");
    kernelBox.setAttribute("data-cnnx", "kernel");
    var figIn = cnnx.figure(inCanvas), figK = cnnx.figure(kernelBox, " cnnx-narrow"), figMap = cnnx.figure(mapCanvas);
    var figs = document.createElement("div");
    figs.className = "cnnx-figs";
    [figIn, figK, figMap].forEach(function (f) { figs.appendChild(f.fig); });
    var text = document.createElement("div");
    var status = cnnx.status();
    var note = document.createElement("p");
    note.className = "cnnx-note";

    function render(st) {
      var img = data.images.filter(function (d) { return d.name === st.image; })[0];
      var rec = data.states[cnnx.key(st.image, st.filter, st.stride, st.padding)];
      var w = data.weights[st.filter][String(img.c)];
      kernelBox.innerHTML = kernelHtml(w, img.c);
      figK.cap.textContent = kernelCaption(img.c);
      var extra = data.notes[cnnx.key(st.filter, img.c)];
      note.textContent = (extra ? extra + " " : "") +
        "Type your own kernel in the live version of this explorer (run the notebook).";
      var P = img.pad, s, ctx;
      if (rec.e !== undefined) {
        ui.setRange("row", 0, true);
        ui.setRange("col", 0, true);
        s = scaleFor(img.h, img.w);
        cnnx.paint(inCanvas, imageRgb(img, P, P, img.h, img.w), img.h, img.w, s);
        inCanvas.setAttribute("aria-label", "input image");
        figIn.cap.textContent = inputCaption(img, null);
        mapCanvas.style.display = "none";
        figMap.cap.textContent = mapCaption(null);
        text.innerHTML = '<div class="cnnx-error"><b>✗ Invalid setting.</b> cnnlib says: ' +
          '<span data-cnnx="error">' + cnnx.esc(data.msgs[rec.e]) + "</span></div>";
        status.textContent = "Invalid setting: " + data.msgs[rec.e];
        return;
      }
      var map = data.maps[rec.m];
      ui.setRange("row", map.h - 1, false);
      ui.setRange("col", map.w - 1, false);
      var i = Number(ui.state.row), j = Number(ui.state.col), stride = Number(st.stride);
      var top = rec.pads[0][0], bottom = rec.pads[0][1], left = rec.pads[1][0], right = rec.pads[1][1];
      var rows = top + img.h + bottom, cols = left + img.w + right;
      s = scaleFor(rows, cols);
      ctx = cnnx.paint(inCanvas, imageRgb(img, P - top, P - left, rows, cols), rows, cols, s);
      if (top || bottom || left || right) {
        cnnx.box(ctx, left * s, top * s, img.w * s, img.h * s, CYAN, 1, Math.max(Math.floor(s / 2), 2));
      }
      var wr = i * stride, wc = j * stride;  // window (i, j) starts at row i*S, column j*S of the padded input
      cnnx.box(ctx, wc * s, wr * s, 3 * s, 3 * s, AMBER, s >= 4 ? 2 : 1);
      inCanvas.setAttribute("aria-label", "input image with the window at row " + (wr - top) + ", column " + (wc - left));
      figIn.cap.textContent = inputCaption(img, rec.pads);

      var colored = mapRgb(map), ms = scaleFor(map.h, map.w);
      mapCanvas.style.display = "";
      ctx = cnnx.paint(mapCanvas, colored.rgb, map.h, map.w, ms);
      cnnx.box(ctx, j * ms, i * ms, ms, ms, AMBER, ms >= 4 ? 2 : 1);
      mapCanvas.setAttribute("aria-label", "feature map " + map.h + " by " + map.w);
      figMap.cap.textContent = mapCaption(map, stride, colored.signed);

      var terms = [], zeros = 0, wp = img.w + 2 * P;
      for (var ch = 0; ch < img.c; ch++) {
        for (var p = 0; p < 3; p++) {
          for (var q = 0; q < 3; q++) {
            var wv = w[(p * 3 + q) * img.c + ch];
            if (wv === 0) { zeros++; continue; }
            var xv = img.v[((P - top + wr + p) * wp + (P - left + wc + q)) * img.c + ch];
            terms.push([wv, xv, ch]);
          }
        }
      }
      text.innerHTML = termsHtml(terms, img.c, zeros, [wr - top, wc - left], i, j, map.v[i * map.w + j]);
      status.textContent = "Feature map " + map.h + " × " + map.w + ". Window at input row " + (wr - top) +
        ", column " + (wc - left) + ": out[" + i + ", " + j + "] = " + cnnx.fmt(map.v[i * map.w + j]) + ".";
    }

    var ui = cnnx.form(data.controls, data.initial, render);
    root.appendChild(ui.form);
    root.appendChild(status);
    root.appendChild(figs);
    root.appendChild(text);
    root.appendChild(note);
    render(ui.state);
  };
})();
