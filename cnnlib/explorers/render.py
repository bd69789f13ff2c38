"""HTML, SVG and PNG for the live (ipywidgets) explorers.

Each function draws a view built by :mod:`cnnlib.explorers.views`; none
computes a size, a convolution or a pooling.  The static viewer
(``assets/*.js``) draws the same views with the same CSS classes
(``assets/cnnx.css``) and the same ``data-cnnx`` hooks, which the tests read.
"""

from __future__ import annotations

import html
import struct
import zlib
from functools import lru_cache
from importlib import resources

import numpy as np

from ..conv import zero_pad
from .views import fmt

__all__ = ["css", "error_html", "output_size_html", "png_bytes", "input_png", "map_png", "kernel_html",
           "terms_html", "pooling_html", "STRIP_MAX_CELLS"]

AMBER = (245, 158, 11)
CYAN = (8, 145, 178)
#: Above this many cells a grid is drawn without cell lines.
STRIP_MAX_CELLS = 40
_W = 300.0  # SVG viewBox width


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of a file in ``cnnlib/explorers/assets``."""
    return resources.files(__package__).joinpath("assets").joinpath(name).read_text(encoding="utf-8")


def css() -> str:
    return asset("cnnx.css")


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def error_html(message: str) -> str:
    """The invalid state: cnnlib's own message, marked as such."""
    return (f'<div class="cnnx-error" role="alert"><b>✗ Invalid setting.</b> cnnlib says: '
            f'<span data-cnnx="error">{_e(message)}</span></div>')


# ---------------------------------------------------------------------------
# Output size
# ---------------------------------------------------------------------------


def _num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _lanes(starts, f):
    """Greedy lanes so that bars in one lane never overlap (drawing only)."""
    ends, lanes = [], []
    for s in starts:
        for k, e in enumerate(ends):
            if e <= s:
                ends[k] = s + f
                lanes.append(k)
                break
        else:
            ends.append(s + f)
            lanes.append(len(ends) - 1)
    return lanes, max(len(ends), 1)


def output_size_svgs(v: dict) -> tuple[str, str]:
    """(grid, strip): the padded input with the first filter position, and one
    row of it with every filter position as a bar (uncovered cells in red)."""
    n, f, s, before, after, count = v["n"], v["f"], v["stride"], v["before"], v["after"], v["count"]
    m = before + n + after
    c = _W / m
    lines = m <= STRIP_MAX_CELLS
    starts = [k * s for k in range(count)]  # window k starts at column k*S: the definition of stride
    covered = [False] * m
    for st in starts:
        for q in range(st, min(st + f, m)):
            covered[q] = True

    g = [f'<svg class="cnnx-svg" viewBox="0 0 {_num(_W)} {_num(_W)}" role="img" '
         f'aria-label="padded input, {m} by {m} cells">']
    g.append(f'<rect class="cnnx-pad" x="0" y="0" width="{_num(_W)}" height="{_num(_W)}"/>')
    g.append(f'<rect class="cnnx-in" x="{_num(before * c)}" y="{_num(before * c)}" '
             f'width="{_num(n * c)}" height="{_num(n * c)}"/>')
    for q in range(m):
        if not covered[q] and count:
            g.append(f'<rect class="cnnx-left" x="{_num(q * c)}" y="0" width="{_num(c)}" height="{_num(_W)}"/>')
    if lines:
        d = "".join(f"M{_num(q * c)} 0V{_num(_W)}M0 {_num(q * c)}H{_num(_W)}" for q in range(1, m))
        g.append(f'<path class="cnnx-lines" d="{d}"/>')
    if count:
        fw = min(f, m) * c
        g.append(f'<rect class="cnnx-win" x="0" y="0" width="{_num(fw)}" height="{_num(fw)}"/>')
        if count > 1:
            g.append(f'<rect class="cnnx-win2" x="{_num(starts[-1] * c)}" y="0" '
                     f'width="{_num(fw)}" height="{_num(fw)}"/>')
    g.append("</svg>")

    lanes, nl = _lanes(starts, f)
    h = 14 + nl * 13 + 2
    t = [f'<svg class="cnnx-svg" viewBox="0 0 {_num(_W)} {h}" role="img" '
         f'aria-label="{count} filter positions along one row">']
    for q in range(m):
        cls = "cnnx-pad" if (q < before or q >= before + n) else "cnnx-in"
        if not covered[q]:
            cls = "cnnx-left"
        t.append(f'<rect class="{cls}" x="{_num(q * c)}" y="0" width="{_num(c)}" height="12"/>')
    if lines:
        d = "".join(f"M{_num(q * c)} 0V12" for q in range(1, m))
        t.append(f'<path class="cnnx-lines" d="{d}M0 0H{_num(_W)}M0 12H{_num(_W)}"/>')
    for k, (st, lane) in enumerate(zip(starts, lanes, strict=True)):
        y = 14 + lane * 13
        cls = "cnnx-bar" if k else "cnnx-bar cnnx-first"
        t.append(f'<rect class="{cls}" x="{_num(st * c)}" y="{y}" width="{_num(f * c)}" height="11"/>')
        if f * c >= 14:
            t.append(f'<text class="cnnx-barlab" x="{_num((st + f / 2) * c)}" y="{y + 8.5}">{k + 1}</text>')
    t.append("</svg>")
    return "".join(g), "".join(t)


def output_size_html(v: dict) -> str:
    grid, strip = output_size_svgs(v)
    n, k = v["n"], v["k"]
    m_txt = f"{v['before']} + {n} + {v['after']}"
    pad_word = {"same": "'same'", "valid": "'valid'"}.get(v["kind"], f"P = {v['padding']}")
    parts = ['<div class="cnnx-figs">',
             '<figure class="cnnx-fig cnnx-square"><div class="cnnx-frame">', grid, '</div>',
             f'<figcaption>Padded input ({pad_word}): {m_txt} cells a side (grey: zeros). '
             f'Blue: the first {v["f"]}×{v["f"]} filter position; dashed: the last one along the row.'
             '</figcaption></figure>',
             '<figure class="cnnx-fig cnnx-wide"><div class="cnnx-frame">', strip, '</div>',
             f'<figcaption>One row of the padded input and the filter\'s <b data-cnnx="count">{v["count"]}</b> '
             f'positions (stride {v["stride"]}). Red: cells no position covers.</figcaption></figure>',
             '</div>', '<div class="cnnx-math">']
    res = (f'<b class="cnnx-result" data-cnnx="out">{v["out"]}</b>' if v["out"] is not None
           else '<b class="cnnx-result cnnx-bad" data-cnnx="out">not a whole number of positions</b>')
    parts.append(f'<p><span class="cnnx-key">Output size</span> '
                 f'<span class="cnnx-formula">{_e(v["formula"])}</span> = '
                 f'<span class="cnnx-formula" data-cnnx="substituted">{_e(v["substituted"])}</span> = {res}</p>')
    if v["kind"] == "same":
        parts.append(f'<p class="cnnx-note">\'same\' adds {v["before"]} zero(s) before and '
                     f'{v["after"]} after (cnnlib.same_padding: an odd one goes after).</p>')
    shape = (f'{v["out"]} × {v["out"]} × {k}' if v["out"] is not None else "—")
    parts.append(f'<p><span class="cnnx-key">Output volume</span> <span data-cnnx="shape">{shape}</span></p>')
    parts.append(f'<p><span class="cnnx-key">Parameters</span> '
                 f'<span class="cnnx-formula">{_e(v["params_formula"])}</span> = '
                 f'<span class="cnnx-formula">{_e(v["params_substituted"])}</span> = '
                 f'<b class="cnnx-result" data-cnnx="params">{v["params"]:,}</b></p>')
    if v["error"]:
        parts.append(error_html(v["error"]))
    else:
        parts.append('<div class="cnnx-ok">✓ The filter tiles the padded input exactly.</div>'
                     if v["kind"] == "int" else "")
    parts.append("</div>")
    return "".join(parts)


# ---------------------------------------------------------------------------
# Pictures (PNG) for the filter explorer
# ---------------------------------------------------------------------------


def png_bytes(img: np.ndarray) -> bytes:
    """Encode a uint8 (H, W) or (H, W, 3) array as PNG (zlib only, no Pillow)."""
    a = np.ascontiguousarray(img, dtype=np.uint8)
    h, w = a.shape[:2]
    color = 2 if a.ndim == 3 else 0
    rows = a.reshape(h, -1)
    raw = np.hstack([np.zeros((h, 1), np.uint8), rows]).tobytes()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def is_byte_image(x: np.ndarray) -> bool:
    """True when every value is a whole number in 0..255 (shown as is)."""
    return bool(x.size and x.min() >= 0 and x.max() <= 255 and np.all(x == np.round(x)))


def image_rgb(x: np.ndarray) -> np.ndarray:
    """An (H, W, C) image as uint8 RGB for display: 0..255 as is, otherwise min to max."""
    if not is_byte_image(x):
        lo, hi = float(x.min()), float(x.max())
        x = (x - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(x)
    x = np.clip(np.round(x), 0, 255).astype(np.uint8)
    return np.repeat(x, 3, axis=2) if x.shape[2] == 1 else x


def map_rgb(out: np.ndarray) -> np.ndarray:
    """A feature map as uint8 RGB: grey from 0 (black) to its maximum when it
    has no negative value; otherwise blue (negative), white (0), red (positive)."""
    lo, hi = float(out.min()), float(out.max())
    if lo >= 0:
        g = out * (255.0 / hi) if hi > 0 else np.zeros_like(out)
        g = np.clip(np.round(g), 0, 255).astype(np.uint8)
        return np.repeat(g[:, :, None], 3, axis=2)
    a = max(-lo, hi)
    t = np.clip(out / a, -1, 1)[:, :, None]
    neg, pos = np.array([33, 102, 172.0]), np.array([178, 24, 43.0])
    rgb = np.where(t < 0, 255 + (-t) * (neg - 255), 255 + t * (pos - 255))
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8)


def _scale_for(h: int, w: int, target: int = 240) -> int:
    return max(1, target // max(h, w))


def _box(img, r0, c0, r1, c1, color, width=2, dash=0):
    """Draw a rectangle outline (pixel rows r0..r1-1, columns c0..c1-1) in place."""
    h, w = img.shape[:2]
    r0, c0, r1, c1 = max(r0, 0), max(c0, 0), min(r1, h), min(c1, w)
    if r1 <= r0 or c1 <= c0:
        return
    col = np.array(color, np.uint8)

    def on(k):
        return dash == 0 or (k // dash) % 2 == 0

    for r in range(r0, r1):
        if on(r):
            img[r, c0:c0 + width] = col
            img[r, max(c1 - width, c0):c1] = col
    for c in range(c0, c1):
        if on(c):
            img[r0:r0 + width, c] = col
            img[max(r1 - width, r0):r1, c] = col


def input_png(x: np.ndarray, pads, window=None) -> bytes:
    """The (padded) input image, scaled up, with the original image outlined
    (dashed) when there is padding and the current window in amber.

    `window` is ((row, col), (kh, kw)) in input coordinates."""
    xp = zero_pad(x[None], pads)[0] if pads is not None else x
    (top, bottom), (left, right) = pads if pads is not None else ((0, 0), (0, 0))
    rgb = image_rgb(xp)
    h, w = rgb.shape[:2]
    s = _scale_for(h, w)
    big = np.repeat(np.repeat(rgb, s, axis=0), s, axis=1)
    if top or bottom or left or right:
        _box(big, top * s, left * s, (top + x.shape[0]) * s, (left + x.shape[1]) * s, CYAN, 1, max(s // 2, 2))
    if window is not None:
        (r, c), (kh, kw) = window
        _box(big, (r + top) * s, (c + left) * s, (r + top + kh) * s, (c + left + kw) * s, AMBER, 2 if s >= 4 else 1)
    return png_bytes(big)


def map_png(out: np.ndarray, cell=None) -> bytes:
    """The feature map, scaled up, with the current output cell in amber."""
    rgb = map_rgb(out)
    h, w = rgb.shape[:2]
    s = _scale_for(h, w)
    big = np.repeat(np.repeat(rgb, s, axis=0), s, axis=1)
    if cell is not None:
        i, j = cell
        _box(big, i * s, j * s, (i + 1) * s, (j + 1) * s, AMBER, 2 if s >= 4 else 1)
    return png_bytes(big)


_CH = ("R", "G", "B")


def input_caption(h: int, w: int, c: int, pads) -> str:
    """Caption of the input picture; `pads` is None for an invalid setting."""
    depth = f"×{c}" if c > 1 else ""
    if pads is None:
        return f"Input {h}×{w}{depth} (no feature map for this setting)."
    (t, b), (l, r) = pads
    if t or b or l or r:
        return (f"Input {h}×{w}{depth} padded with zeros ({t} above, {b} below, {l} left, {r} right; "
                "dashed: the image's edge). Amber: the window.")
    return f"Input {h}×{w}{depth}, no padding. Amber: the window."


def kernel_caption(c: int) -> str:
    return f"Filter w: 3×3×{c}, bias 0" + (" (one 3×3 slice per channel)." if c > 1 else ".")


def map_caption(out_shape, stride, signed: bool = False) -> str:
    if out_shape is None:
        return "Feature map: none."
    h, w = out_shape
    colours = "blue: negative, white: 0, red: positive" if signed else "black: 0, white: the largest value"
    return f"Feature map {h}×{w} (stride {stride}; {colours}). Amber: out[row, column]."


def kernel_html(w: np.ndarray) -> str:
    """The filter's weights as one 3x3 table per input channel."""
    kh, kw, c, _ = w.shape
    out = ['<div class="cnnx-kernels">']
    for ch in range(c):
        out.append('<table class="cnnx-kernel">')
        if c > 1:
            out.append(f'<caption>{_CH[ch] if c == 3 else ch}</caption>')
        for p in range(kh):
            out.append("<tr>")
            for q in range(kw):
                v = float(w[p, q, ch, 0])
                cls = "pos" if v > 0 else "neg" if v < 0 else "zero"
                out.append(f'<td class="{cls}">{fmt(v)}</td>')
            out.append("</tr>")
        out.append("</table>")
    out.append("</div>")
    return "".join(out)


def _term_lines(terms, channels):
    lines, first = [], True
    for ch in range(channels):
        mine = [(wv, xv) for wv, xv, (_, _, cc) in terms if cc == ch]
        if not mine:
            continue
        buf = []
        for wv, xv in mine:
            if first:
                buf.append(f"{fmt(wv)}·{fmt(xv)}")
                first = False
            elif wv < 0:
                buf.append(f" − {fmt(-wv)}·{fmt(xv)}")
            else:
                buf.append(f" + {fmt(wv)}·{fmt(xv)}")
        lines.append((_CH[ch] if channels == 3 else "", "".join(buf)))
    return lines


def terms_html(t: dict, i: int, j: int) -> str:
    """``out[i, j] = w·x + ... = sum``, one line per channel for a colour image."""
    lines = _term_lines(t["terms"], t["channels"])
    body = "".join(
        f'<div class="cnnx-termline">{f"<span class=cnnx-ch>{_e(ch)}</span> " if ch else ""}{_e(txt)}</div>'
        for ch, txt in lines) or '<div class="cnnx-termline">0</div>'
    note = []
    if t["zeros"]:
        note.append(f"{t['zeros']} term(s) with weight 0 left out")
    note.append("bias 0")
    (r, c), (kh, kw) = t["origin"], t["size"]
    return (f'<div class="cnnx-terms"><span class="cnnx-key">out[{i}, {j}]</span> = '
            f'<div class="cnnx-termbox" data-cnnx="terms">{body}</div> = '
            f'<b class="cnnx-result" data-cnnx="sum">{fmt(t["sum"])}</b></div>'
            f'<p class="cnnx-note">Window rows {r}…{r + kh - 1}, columns {c}…{c + kw - 1} of the input '
            f'(negative or past the edge: padding zeros); {"; ".join(note)}.</p>')


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


def pooling_html(grid, v: dict, i: int, j: int) -> str:
    """Input (with padding and the current window), output and backward mask."""
    g = np.asarray(grid)
    h, w = g.shape
    if v["error"]:
        return error_html(v["error"])
    (top, bottom), (left, right) = v["pads"]
    kh, kw = v["size"]
    r0, c0, pr, pc, cnt = v["windows"][i][j]
    picked = {}
    if v["mode"] == "max":
        for row in v["windows"]:
            for win in row:
                picked[(win[2], win[3])] = picked.get((win[2], win[3]), 0) + 1
    digits = 2

    cells = ['<table class="cnnx-grid" data-cnnx="input">']
    for r in range(-top, h + bottom):
        cells.append("<tr>")
        for c in range(-left, w + right):
            inside = 0 <= r < h and 0 <= c < w
            cls = ["pad"] if not inside else []
            if r0 <= r < r0 + kh and c0 <= c < c0 + kw:
                cls.append("win")
            if v["mode"] == "max" and (r, c) == (pr, pc):
                cls.append("cur")
            elif v["mode"] == "avg" and inside and "win" in cls:
                cls.append("cur")
            if (r, c) in picked:
                cls.append("picked")
            txt = fmt(g[r, c], digits) if inside else ""
            cells.append(f'<td class="{" ".join(cls)}">{txt}</td>')
        cells.append("</tr>")
    cells.append("</table>")

    out = v["out"]
    otab = ['<table class="cnnx-grid" data-cnnx="output">']
    for a in range(out.shape[0]):
        otab.append("<tr>" + "".join(
            f'<td class="{"cur" if (a, b) == (i, j) else ""}">{fmt(out[a, b], digits)}</td>'
            for b in range(out.shape[1])) + "</tr>")
    otab.append("</table>")

    mask = v["mask"]
    gets = set()
    if v["mode"] == "max":
        gets.add((pr, pc))
    else:
        gets = {(r, c) for r in range(max(r0, 0), min(r0 + kh, h)) for c in range(max(c0, 0), min(c0 + kw, w))}
    mtab = ['<table class="cnnx-grid" data-cnnx="mask">']
    for a in range(h):
        mtab.append("<tr>" + "".join(
            f'<td class="{" ".join(x for x in ("zero" if mask[a, b] == 0 else "", "cur" if (a, b) in gets else "") if x)}">'
            f'{fmt(mask[a, b], digits)}</td>' for b in range(w)) + "</tr>")
    mtab.append("</table>")

    vals = [fmt(g[r, c], digits) if (0 <= r < h and 0 <= c < w) else "pad"
            for r in range(r0, r0 + kh) for c in range(c0, c0 + kw)]
    if v["mode"] == "max":
        real = [x for x in vals if x != "pad"]
        expl = (f'max({", ".join(vals)}) = <b class="cnnx-result" data-cnnx="value">{fmt(out[i, j], digits)}</b>, '
                f'picked at row {pr}, column {pc}'
                + (" (the first of the tied maxima, row by row)" if real.count(fmt(out[i, j], digits)) > 1 else "")
                + "; the gradient of this window goes there only.")
    else:
        real = [x for x in vals if x != "pad"]
        expl = (f'({" + ".join(real)}) / {cnt} = <b class="cnnx-result" data-cnnx="value">{fmt(out[i, j], digits)}</b>'
                + (" (padding not counted)" if len(real) < len(vals) else "")
                + f"; each of the {cnt} cells gets 1/{cnt} of this window's gradient.")
    kind = "max_pool2d_backward" if v["mode"] == "max" else "avg_pool2d_backward"
    pad_txt = (f"padding {top}/{bottom} rows, {left}/{right} columns" if (top or bottom or left or right)
               else "no padding")
    return "".join([
        '<div class="cnnx-figs">',
        f'<figure class="cnnx-fig"><div class="cnnx-frame">{"".join(cells)}</div><figcaption>Input {h}×{w} '
        f'({pad_txt}). Amber: window ({i}, {j}); '
        + ("filled: its pick; dotted: picked by some window." if v["mode"] == "max" else "filled: the cells it averages.")
        + '</figcaption></figure>',
        f'<figure class="cnnx-fig"><div class="cnnx-frame">{"".join(otab)}</div><figcaption>Output '
        f'{out.shape[0]}×{out.shape[1]} ({v["mode"]} pooling).</figcaption></figure>',
        f'<figure class="cnnx-fig"><div class="cnnx-frame">{"".join(mtab)}</div><figcaption>Backward mask: '
        f'{kind} with dout = 1 everywhere. Amber: where window ({i}, {j}) sends its gradient.</figcaption></figure>',
        '</div>',
        f'<p class="cnnx-terms" data-cnnx="pick">{expl}</p>',
    ])
