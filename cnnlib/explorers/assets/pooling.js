/* Pooling explorer (static). Mirrors cnnlib/explorers/render.py:pooling_html.
   data.states["grid|mode|size|stride|padding"] = {pads, ho, wo, out, mask, win} where
   win[i*wo + j] = [row0, col0, pick_row, pick_col, count] in input coordinates
   (from MaxPoolCache.argmax / AvgPoolCache.counts) and mask is max_pool2d_backward /
   avg_pool2d_backward with dout = 1; or {e: message index}. */
(function () {
  "use strict";
  var cnnx = window.cnnx;

  function viewHtml(g, rec, mode, k, i, j) {
    var h = g.h, w = g.w, f = function (v) { return cnnx.fmt(v, 2); };
    var top = rec.pads[0][0], bottom = rec.pads[0][1], left = rec.pads[1][0], right = rec.pads[1][1];
    var win = rec.win[i * rec.wo + j];
    var r0 = win[0], c0 = win[1], pr = win[2], pc = win[3], cnt = win[4], r, c;
    var picked = {};
    if (mode === "max") {
      rec.win.forEach(function (x) { picked[x[2] + "," + x[3]] = true; });
    }
    var cells = ['<table class="cnnx-grid" data-cnnx="input">'];
    for (r = -top; r < h + bottom; r++) {
      cells.push("<tr>");
      for (c = -left; c < w + right; c++) {
        var inside = r >= 0 && r < h && c >= 0 && c < w;
        var cls = inside ? [] : ["pad"];
        if (r >= r0 && r < r0 + k && c >= c0 && c < c0 + k) { cls.push("win"); }
        if (mode === "max" && r === pr && c === pc) { cls.push("cur"); }
        else if (mode === "avg" && inside && cls.indexOf("win") >= 0) { cls.push("cur"); }
        if (picked[r + "," + c]) { cls.push("picked"); }
        cells.push('<td class="' + cls.join(" ") + '">' + (inside ? f(g.v[r * w + c]) : "") + "</td>");
      }
      cells.push("</tr>");
    }
    cells.push("</table>");

    var otab = ['<table class="cnnx-grid" data-cnnx="output">'];
    for (r = 0; r < rec.ho; r++) {
      otab.push("<tr>");
      for (c = 0; c < rec.wo; c++) {
        otab.push('<td class="' + (r === i && c === j ? "cur" : "") + '">' + f(rec.out[r * rec.wo + c]) + "</td>");
      }
      otab.push("</tr>");
    }
    otab.push("</table>");

    var mtab = ['<table class="cnnx-grid" data-cnnx="mask">'];
    for (r = 0; r < h; r++) {
      mtab.push("<tr>");
      for (c = 0; c < w; c++) {
        var m = rec.mask[r * w + c];
        var gets = mode === "max" ? (r === pr && c === pc) : (r >= r0 && r < r0 + k && c >= c0 && c < c0 + k);
        var mc = [];
        if (m === 0) { mc.push("zero"); }
        if (gets) { mc.push("cur"); }
        mtab.push('<td class="' + mc.join(" ") + '">' + f(m) + "</td>");
      }
      mtab.push("</tr>");
    }
    mtab.push("</table>");

    var vals = [];
    for (r = r0; r < r0 + k; r++) {
      for (c = c0; c < c0 + k; c++) {
        vals.push(r >= 0 && r < h && c >= 0 && c < w ? f(g.v[r * w + c]) : "pad");
      }
    }
    var real = vals.filter(function (x) { return x !== "pad"; });
    var value = f(rec.out[i * rec.wo + j]), expl;
    if (mode === "max") {
      expl = "max(" + vals.join(", ") + ') = <b class="cnnx-result" data-cnnx="value">' + value +
        "</b>, picked at row " + pr + ", column " + pc +
        (real.filter(function (x) { return x === value; }).length > 1 ?
          " (the first of the tied maxima, row by row)" : "") +
        "; the gradient of this window goes there only.";
    } else {
      expl = "(" + real.join(" + ") + ") / " + cnt + ' = <b class="cnnx-result" data-cnnx="value">' + value + "</b>" +
        (real.length < vals.length ? " (padding not counted)" : "") +
        "; each of the " + cnt + " cells gets 1/" + cnt + " of this window's gradient.";
    }
    var kind = mode === "max" ? "max_pool2d_backward" : "avg_pool2d_backward";
    var padTxt = (top || bottom || left || right) ?
      "padding " + top + "/" + bottom + " rows, " + left + "/" + right + " columns" : "no padding";
    return ['<div class="cnnx-figs">',
      '<figure class="cnnx-fig"><div class="cnnx-frame">' + cells.join("") + "</div><figcaption>Input " + h + "×" + w +
        " (" + padTxt + "). Amber: window (" + i + ", " + j + "); " +
        (mode === "max" ? "filled: its pick; dotted: picked by some window." : "filled: the cells it averages.") +
        "</figcaption></figure>",
      '<figure class="cnnx-fig"><div class="cnnx-frame">' + otab.join("") + "</div><figcaption>Output " + rec.ho + "×" +
        rec.wo + " (" + mode + " pooling).</figcaption></figure>",
      '<figure class="cnnx-fig"><div class="cnnx-frame">' + mtab.join("") + "</div><figcaption>Backward mask: " + kind +
        " with dout = 1 everywhere. Amber: where window (" + i + ", " + j + ") sends its gradient.</figcaption></figure>",
      "</div>",
      '<p class="cnnx-terms" data-cnnx="pick">' + expl + "</p>"].join("");
  }

  cnnx.kinds.pooling = function (root, data) {
    var view = document.createElement("div");
    view.className = "cnnx-view";
    var status = cnnx.status();
    function render(st) {
      var g = data.grids.filter(function (d) { return d.name === st.grid; })[0];
      var rec = data.states[cnnx.key(st.grid, st.mode, st.size, st.stride, st.padding)];
      if (rec.e !== undefined) {
        ui.setRange("row", 0, true);
        ui.setRange("col", 0, true);
        view.innerHTML = '<div class="cnnx-error"><b>✗ Invalid setting.</b> cnnlib says: ' +
          '<span data-cnnx="error">' + cnnx.esc(data.msgs[rec.e]) + "</span></div>";
        status.textContent = "Invalid setting: " + data.msgs[rec.e];
        return;
      }
      ui.setRange("row", rec.ho - 1, false);
      ui.setRange("col", rec.wo - 1, false);
      var i = Number(ui.state.row), j = Number(ui.state.col), win = rec.win[i * rec.wo + j];
      view.innerHTML = viewHtml(g, rec, st.mode, Number(st.size), i, j);
      status.textContent = "Output " + rec.ho + " × " + rec.wo + ". Window (" + i + ", " + j + "): " +
        (st.mode === "max" ? "maximum " + cnnx.fmt(rec.out[i * rec.wo + j], 2) + ", picked at row " + win[2] +
          ", column " + win[3] : "average " + cnnx.fmt(rec.out[i * rec.wo + j], 2) + " of " + win[4] + " cells") + ".";
      cnnx.scrollable(root);
    }
    var ui = cnnx.form(data.controls, data.initial, render);
    root.appendChild(ui.form);
    root.appendChild(status);
    root.appendChild(view);
    render(ui.state);
  };
})();
