/* Output-size explorer (static). Same drawing as cnnlib/explorers/render.py:output_size_html.
   Every number comes from the embedded states: data.size["N|F|S|P"] =
   [out or null, before, after, padded, count, message index or -1] and
   data.params["F|D|K"]; the window k is drawn at column k*S (the definition of stride). */
(function () {
  "use strict";
  var cnnx = window.cnnx;
  var W = 300;

  function num(v) { return Number(v.toFixed(2)).toString(); }

  function lanes(starts, f) {
    var ends = [], out = [];
    starts.forEach(function (s) {
      for (var k = 0; k < ends.length; k++) {
        if (ends[k] <= s) { ends[k] = s + f; out.push(k); return; }
      }
      ends.push(s + f);
      out.push(ends.length - 1);
    });
    return {lane: out, count: Math.max(ends.length, 1)};
  }

  function svgs(v, maxCells) {
    var m = v.padded, c = W / m, lines = m <= maxCells, q, k;
    var starts = [];
    for (k = 0; k < v.count; k++) { starts.push(k * v.stride); }
    var covered = [];
    for (q = 0; q < m; q++) { covered.push(false); }
    starts.forEach(function (st) {
      for (var r = st; r < Math.min(st + v.f, m); r++) { covered[r] = true; }
    });
    var g = ['<svg class="cnnx-svg" viewBox="0 0 ' + num(W) + " " + num(W) + '" role="img" aria-label="padded input, ' +
      m + " by " + m + ' cells">'];
    g.push('<rect class="cnnx-pad" x="0" y="0" width="' + num(W) + '" height="' + num(W) + '"/>');
    g.push('<rect class="cnnx-in" x="' + num(v.before * c) + '" y="' + num(v.before * c) + '" width="' +
      num(v.n * c) + '" height="' + num(v.n * c) + '"/>');
    for (q = 0; q < m; q++) {
      if (!covered[q] && v.count) {
        g.push('<rect class="cnnx-left" x="' + num(q * c) + '" y="0" width="' + num(c) + '" height="' + num(W) + '"/>');
      }
    }
    var d;
    if (lines) {
      d = "";
      for (q = 1; q < m; q++) { d += "M" + num(q * c) + " 0V" + num(W) + "M0 " + num(q * c) + "H" + num(W); }
      g.push('<path class="cnnx-lines" d="' + d + '"/>');
    }
    if (v.count) {
      var fw = Math.min(v.f, m) * c;
      g.push('<rect class="cnnx-win" x="0" y="0" width="' + num(fw) + '" height="' + num(fw) + '"/>');
      if (v.count > 1) {
        g.push('<rect class="cnnx-win2" x="' + num(starts[starts.length - 1] * c) + '" y="0" width="' +
          num(fw) + '" height="' + num(fw) + '"/>');
      }
    }
    g.push("</svg>");

    var ln = lanes(starts, v.f);
    var h = 14 + ln.count * 13 + 2;
    var t = ['<svg class="cnnx-svg" viewBox="0 0 ' + num(W) + " " + h + '" role="img" aria-label="' + v.count +
      ' filter positions along one row">'];
    for (q = 0; q < m; q++) {
      var cls = (q < v.before || q >= v.before + v.n) ? "cnnx-pad" : "cnnx-in";
      if (!covered[q]) { cls = "cnnx-left"; }
      t.push('<rect class="' + cls + '" x="' + num(q * c) + '" y="0" width="' + num(c) + '" height="12"/>');
    }
    if (lines) {
      d = "";
      for (q = 1; q < m; q++) { d += "M" + num(q * c) + " 0V12"; }
      t.push('<path class="cnnx-lines" d="' + d + "M0 0H" + num(W) + "M0 12H" + num(W) + '"/>');
    }
    starts.forEach(function (st, k) {
      var y = 14 + ln.lane[k] * 13;
      t.push('<rect class="' + (k ? "cnnx-bar" : "cnnx-bar cnnx-first") + '" x="' + num(st * c) + '" y="' + y +
        '" width="' + num(v.f * c) + '" height="11"/>');
      if (v.f * c >= 14) {
        t.push('<text class="cnnx-barlab" x="' + num((st + v.f / 2) * c) + '" y="' + (y + 8.5) + '">' + (k + 1) + "</text>");
      }
    });
    t.push("</svg>");
    return [g.join(""), t.join("")];
  }

  function viewHtml(v, maxCells) {
    var e = cnnx.esc, pics = svgs(v, maxCells);
    var padWord = v.kind === "int" ? "P = " + v.padding : "'" + v.kind + "'";
    var parts = ['<div class="cnnx-figs">',
      '<figure class="cnnx-fig cnnx-square"><div class="cnnx-frame">', pics[0], "</div>",
      "<figcaption>Padded input (" + padWord + "): " + v.before + " + " + v.n + " + " + v.after +
        " cells a side (grey: zeros). Blue: the first " + v.f + "×" + v.f +
        " filter position; dashed: the last one along the row.</figcaption></figure>",
      '<figure class="cnnx-fig cnnx-wide"><div class="cnnx-frame">', pics[1], "</div>",
      "<figcaption>One row of the padded input and the filter's <b data-cnnx=\"count\">" + v.count +
        "</b> positions (stride " + v.stride + "). Red: cells no position covers.</figcaption></figure>",
      "</div>", '<div class="cnnx-math">'];
    var res = v.out !== null ? '<b class="cnnx-result" data-cnnx="out">' + v.out + "</b>" :
      '<b class="cnnx-result cnnx-bad" data-cnnx="out">not a whole number of positions</b>';
    parts.push('<p><span class="cnnx-key">Output size</span> <span class="cnnx-formula">' + e(v.formula) +
      '</span> = <span class="cnnx-formula" data-cnnx="substituted">' + e(v.substituted) + "</span> = " + res + "</p>");
    if (v.kind === "same") {
      parts.push("<p class=\"cnnx-note\">'same' adds " + v.before + " zero(s) before and " + v.after +
        " after (cnnlib.same_padding: an odd one goes after).</p>");
    }
    var shape = v.out !== null ? v.out + " × " + v.out + " × " + v.k : "—";
    parts.push('<p><span class="cnnx-key">Output volume</span> <span data-cnnx="shape">' + shape + "</span></p>");
    parts.push('<p><span class="cnnx-key">Parameters</span> <span class="cnnx-formula">' + e(v.paramsFormula) +
      '</span> = <span class="cnnx-formula">' + e(v.paramsSubstituted) +
      '</span> = <b class="cnnx-result" data-cnnx="params">' + v.params.toLocaleString("en-US") + "</b></p>");
    if (v.error) {
      parts.push('<div class="cnnx-error"><b>✗ Invalid setting.</b> cnnlib says: <span data-cnnx="error">' +
        e(v.error) + "</span></div>");
    } else if (v.kind === "int") {
      parts.push('<div class="cnnx-ok">✓ The filter tiles the padded input exactly.</div>');
    }
    parts.push("</div>");
    return parts.join("");
  }

  cnnx.kinds.output_size = function (root, data) {
    var view = document.createElement("div");
    view.className = "cnnx-view";
    var status = cnnx.status();
    function render(st) {
      var rec = data.size[cnnx.key(st.n, st.f, st.stride, st.padding)];
      var kind = (st.padding === "valid" || st.padding === "same") ? st.padding : "int";
      var names = {n: st.n, f: st.f, s: st.stride, p: kind === "int" ? st.padding : 0, d: st.d, k: st.k};
      var v = {
        n: Number(st.n), f: Number(st.f), stride: Number(st.stride), k: st.k, padding: st.padding, kind: kind,
        out: rec[0], before: rec[1], after: rec[2], padded: rec[3], count: rec[4],
        error: rec[5] >= 0 ? data.msgs[rec[5]] : null,
        formula: data.templates[kind][0], substituted: cnnx.fill(data.templates[kind][1], names),
        params: data.params[cnnx.key(st.f, st.d, st.k)],
        paramsFormula: data.params_template[0], paramsSubstituted: cnnx.fill(data.params_template[1], names)
      };
      view.innerHTML = viewHtml(v, data.max_cells);
      status.textContent = v.error ? "Invalid setting: " + v.error :
        "Output size " + v.out + ", output volume " + v.out + " × " + v.out + " × " + v.k + ", " +
        v.params.toLocaleString("en-US") + " parameters.";
      cnnx.scrollable(root);
    }
    var ui = cnnx.form(data.controls, data.initial, render);
    root.appendChild(ui.form);
    if (data.presets && data.presets.length) {
      var bar = document.createElement("div");
      bar.className = "cnnx-presets";
      bar.appendChild(document.createTextNode("Try: "));
      data.presets.forEach(function (p) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = p.label;
        b.addEventListener("click", function () { ui.set(p.values); });
        bar.appendChild(b);
      });
      root.appendChild(bar);
    }
    root.appendChild(status);
    root.appendChild(view);
    render(ui.state);
  };
})();
