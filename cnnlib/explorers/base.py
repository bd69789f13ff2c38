"""What the four explorers share: the live widget, the static embedding, packed arrays.

An explorer is a ``views`` function (numbers computed by cnnlib) and one
ES module, ``assets/<kind>.js``, that draws them.  The module is used twice:

* live: :class:`Explorer` is an ``anywidget.AnyWidget``; its ``_esm`` is the
  module (with the shared ``core.js`` in front of it), and three synced
  traitlets carry ``spec`` (title, controls, presets), ``values`` (what the
  reader chose, as strings) and ``view`` (what cnnlib computed for them).
  When the reader changes a control, the module writes ``values``, Python
  recomputes ``view`` with cnnlib and anywidget sends it back.
* static: :class:`StaticExplorer` embeds ``spec`` and every ``view`` its
  controls can reach (deflated JSON, base64) in a ``<div class="cnnx-static">``.
  The page loads ``core.js`` once (the book copies ``assets/`` to
  ``_static/cnnx/``; see ``book/_ext/book_tweaks.py``); it hands the same
  module's ``render`` a stand-in model whose ``get("view")`` looks the view up.

Views hold numbers, never HTML.  Large arrays travel as :func:`pack` records
(base64 of the raw bytes); errors as codes (:func:`size_error`) from which the
module rebuilds cnnlib's message.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re
import time
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..shapes import conv_output_size

__all__ = ["ASSETS", "asset", "bundle", "pack", "size_error", "Explorer", "StaticExplorer", "Part",
           "embedded_states", "page", "saved_explorer", "write_assets", "DATA_TYPE"]

ASSETS = Path(str(resources.files(__package__).joinpath("assets")))
DATA_TYPE = "application/x-cnnx+deflate-base64"
_counter = itertools.count(1)


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of a file in ``cnnlib/explorers/assets``."""
    return (ASSETS / name).read_text(encoding="utf-8")


def bundle(kind: str) -> str:
    """``core.js`` and ``<kind>.js`` as one ES module (anywidget loads a module from a
    string, where the relative ``import ... from "./core.js"`` cannot be resolved)."""
    body = re.sub(r'^import \{[^}]*\} from "\./core\.js";\n', "", asset(f"{kind}.js"), flags=re.M)
    return asset("core.js") + "\n" + body


def pack(a, dtype) -> dict:
    """An array as ``{dtype, shape, b64}``: its raw little-endian bytes in base64,
    read back by ``unpack`` in ``core.js`` as a typed array.

    >>> pack(np.array([[1, 2], [3, 255]]), "u1")
    {'dtype': 'u1', 'shape': [2, 2], 'b64': 'AQID/w=='}
    """
    dt = np.dtype(dtype).newbyteorder("<")
    arr = np.ascontiguousarray(a).astype(dt, copy=False)
    return {"dtype": dt.str[1:], "shape": list(arr.shape), "b64": base64.b64encode(arr.tobytes()).decode("ascii")}


def pack_exact(a, digits: int = 4) -> dict:
    """:func:`pack` in the smallest type that keeps every value of `a` rounded to
    `digits` decimals: integers in int8/int16/int32, else float32, else float64.

    >>> pack_exact(np.array([1.0, -2.0]))["dtype"], pack_exact(np.array([0.0625]))["dtype"]
    ('i1', 'f4')
    """
    r = np.round(np.asarray(a, dtype=np.float64), digits)
    if np.all(r == np.round(r)):
        for dt in ("i1", "i2", "i4"):
            info = np.iinfo(dt)
            if r.size == 0 or (r.min() >= info.min and r.max() <= info.max):
                return pack(r, dt)
    if np.all(np.round(r.astype(np.float32).astype(np.float64), digits) == r):
        return pack(r, "f4")
    return pack(r, "f8")


def size_error(n, f, stride, padding, *, axis: str | None = None, what: str | None = None) -> dict | None:
    """cnnlib's refusal of an output size as a code, or None when the size is valid.

    ``{'code': 'valid_larger' | 'padded_larger' | 'tile', 'n', 'f', 'stride', 'p'}``
    (``axis``/``what`` add the "along the height (filter 3, input 28): " prefix
    of :mod:`cnnlib.conv` and :mod:`cnnlib.pool`).  ``core.js`` rebuilds the
    message of :func:`cnnlib.shapes.conv_output_size` from it.

    >>> size_error(26, 5, 2, 0)
    {'code': 'tile', 'n': 26, 'f': 5, 'stride': 2, 'p': 0}
    """
    try:
        conv_output_size(n, f, stride, padding)
        return None
    except ValueError as err:
        text = str(err)
    p = 0 if isinstance(padding, str) else int(padding)
    if text.startswith("the filter") and "'valid' padding" in text:
        code = "valid_larger"
    elif text.startswith("the filter"):
        code = "padded_larger"
    elif "is not an integer" in text:
        code = "tile"
    else:  # pragma: no cover - a message cnnlib does not send today
        return {"code": "text", "text": text, "n": n, "f": f, "axis": axis, "what": what}
    out = {"code": code, "n": int(n), "f": int(f), "stride": int(stride), "p": p}
    if axis:
        out.update(axis=axis, what=what)
    return out


def plane_error(hw, k_hw, stride, padding, what: str, err: Exception) -> dict:
    """The code of a 2-D refusal (conv2d or pooling), axis by axis as cnnlib checks them."""
    for axis, n, f, s in zip(("height", "width"), hw, k_hw, stride):
        e = size_error(n, f, s, padding, axis=axis, what=what)
        if e:
            return e
    return {"code": "text", "text": str(err)}  # pragma: no cover


class Part:
    """One lookup table of a static explorer: the view's entry ``name`` for each
    combination of the controls ``keys``; equal states are stored once (``pool``).
    On the page the table is a flat list of pool indices in the order of the
    selects' options (the first key varies slowest), so no key is stored."""

    def __init__(self, *keys: str):
        self.keys = list(keys)
        self.table, self.pool, self._index = {}, [], {}

    def add(self, key_values, state):
        sig = json.dumps(state, sort_keys=True, separators=(",", ":"))
        i = self._index.setdefault(sig, len(self.pool))
        if i == len(self.pool):
            self.pool.append(state)
        self.table["|".join(str(v) for v in key_values)] = i

    def data(self, spec: dict) -> dict:
        opts = {c["name"]: [o[0] for o in c["options"]] for c in spec["controls"] if "options" in c}
        table = [self.table.get("|".join(combo), -1)
                 for combo in itertools.product(*(opts[k] for k in self.keys))]
        return {"keys": self.keys, "table": table, "pool": self.pool}


def _to_blob(obj, blob: bytearray):
    """`obj` with every :func:`pack` record's bytes moved to `blob` (``{dtype, shape, at, n}``)."""
    if isinstance(obj, dict):
        if "b64" in obj and "dtype" in obj:
            raw = base64.b64decode(obj["b64"])
            blob.extend(b"\0" * (-len(blob) % 8))
            at = len(blob)
            blob.extend(raw)
            return {"dtype": obj["dtype"], "shape": obj["shape"], "at": at, "n": len(raw)}
        return {k: _to_blob(v, blob) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_blob(v, blob) for v in obj]
    return obj


def _from_blob(obj, blob: bytes):
    if isinstance(obj, dict):
        if "at" in obj and "dtype" in obj and "n" in obj:
            raw = blob[obj["at"]:obj["at"] + obj["n"]]
            return {"dtype": obj["dtype"], "shape": obj["shape"], "b64": base64.b64encode(raw).decode("ascii")}
        return {k: _from_blob(v, blob) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_from_blob(v, blob) for v in obj]
    return obj


def decode_payload(b64: str) -> dict:
    """The data of an embedded payload: ``uint32 n``, n bytes of JSON, then the arrays' bytes."""
    raw = zlib.decompress(base64.b64decode(b64))
    n = int.from_bytes(raw[:4], "little")
    return _from_blob(json.loads(raw[4:4 + n].decode("utf-8")), raw[4 + n:])


class StaticExplorer:
    """An explorer for a page without a kernel: ``spec``, the first ``values`` and
    every reachable view, embedded in an HTML fragment drawn by ``assets/<kind>.js``.

    Attributes
    ----------
    kind : str
    data : dict
        What the page carries (arrays as :func:`pack` records; on the page their
        bytes follow the JSON, and the whole is deflated and base64-encoded).
    json_bytes, binary_bytes, payload_bytes : int
        Sizes of the JSON, of the arrays' bytes, and of what the page embeds.
    """

    def __init__(self, kind: str, spec: dict, initial: dict, parts: dict, shared: dict | None = None):
        self.kind = kind
        data = {"spec": spec, "initial": {k: str(v) for k, v in initial.items()},
                "parts": {k: p.data(spec) for k, p in parts.items()},
                "shared": shared or {}}
        self._json = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        self.data = json.loads(self._json)
        blob = bytearray()
        head = json.dumps(_to_blob(self.data, blob), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        head += b" " * (-(len(head) + 4) % 8)          # the arrays start on an 8-byte boundary
        raw = len(head).to_bytes(4, "little") + head + bytes(blob)
        self.json_bytes = len(head)
        self.binary_bytes = len(blob)
        self._b64 = base64.b64encode(zlib.compress(raw, 9)).decode("ascii")
        self.id = f"cnnx-{kind.replace('_', '-')}-{hashlib.sha1(raw).hexdigest()[:8]}-{next(_counter)}"

    @property
    def title(self) -> str:
        return self.data["spec"]["title"]

    @property
    def payload_bytes(self) -> int:
        """Size of the embedded (deflated, base64) states."""
        return len(self._b64)

    def view(self, values: dict) -> dict:
        """The view the page shows for `values` (what the stand-in model of ``core.js`` looks up)."""
        v = {k: str(x) for k, x in values.items()}
        out = {"at": v, **self.data["shared"]}
        opts = {c["name"]: [o[0] for o in c["options"]] for c in self.data["spec"]["controls"] if "options" in c}
        for name, part in self.data["parts"].items():
            pos = 0
            for k in part["keys"]:
                pos = pos * len(opts[k]) + opts[k].index(v[k])
            i = part["table"][pos]
            out[name] = None if i < 0 else part["pool"][i]
        return out

    @property
    def html(self) -> str:
        """The HTML fragment with the states only (no CSS or JavaScript, which the page loads once)."""
        return (f'<div class="cnnx cnnx-static" id="{self.id}" data-cnnx-kind="{self.kind}">'
                f'<p class="cnnx-nojs">{html.escape(self.title)}: this explorer runs in the browser with '
                "JavaScript. Open the book page, or run the notebook for the live version.</p>"
                f'<script type="{DATA_TYPE}" class="cnnx-data">{self._b64}</script></div>')

    def _repr_html_(self) -> str:
        return self.html

    def save(self, path) -> Path:
        """Write the fragment to `path`, for another page to show (:func:`saved_explorer`)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path

    def __repr__(self) -> str:
        return (f"<static {self.kind.replace('_', '-')} explorer: {self.title!r}, "
                f"{self.payload_bytes / 1000:.1f} kB of states>")


def embedded_states(page_html: str) -> list:
    """Every static explorer's data in HTML (a fragment or a page), as (kind, data) in page order."""
    pat = re.compile(r'data-cnnx-kind="(\w+)".*?<script type="' + re.escape(DATA_TYPE)
                     + r'" class="cnnx-data">([A-Za-z0-9+/=]+)</script>', re.S)
    return [(kind, decode_payload(b64)) for kind, b64 in pat.findall(page_html)]


class SavedExplorer:
    """A static explorer read back from a file that :meth:`StaticExplorer.save` wrote."""

    def __init__(self, fragment: str, kind: str, data: dict):
        self.html, self.kind, self.data = fragment, kind, data

    @property
    def title(self) -> str:
        return self.data["spec"]["title"]

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<saved {self.kind} explorer: {self.title!r}>"


class MissingExplorer:
    """What :func:`saved_explorer` shows when the file is not there: where to get the explorer."""

    def __init__(self, path: Path, hint: str):
        self.path, self.hint = path, hint

    def _repr_html_(self) -> str:
        return f'<p class="cnnx-missing">{html.escape(str(self))}</p>'

    def __str__(self) -> str:
        return f"{self.path} is not here. {self.hint}".strip()

    __repr__ = __str__


def saved_explorer(path, *, hint: str = "") -> "SavedExplorer | MissingExplorer":
    """The static explorer saved at `path` (one explorer, checked), or, when the
    file is missing (a notebook opened on its own, in Colab), a note with `hint`.

    Raises
    ------
    ValueError
        If the file holds anything but exactly one explorer.
    """
    path = Path(path)
    if not path.is_file():
        return MissingExplorer(path, hint)
    fragment = path.read_text(encoding="utf-8")
    found = embedded_states(fragment)
    if len(found) != 1:
        raise ValueError(f"{path} must hold exactly one explorer written by StaticExplorer.save; "
                         f"it holds {len(found)}.")
    kind, data = found[0]
    return SavedExplorer(fragment, kind, data)


def write_assets(dest) -> Path:
    """Copy ``assets/`` (``core.js``, the renderers, ``cnnx.css``, ``mount.js``) to `dest`."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for f in ASSETS.iterdir():
        if f.suffix in (".js", ".css"):
            (dest / f.name).write_bytes(f.read_bytes())
    return dest


def page(*explorers, title: str = "cnnlib explorers", assets: str = "cnnx/") -> str:
    """A standalone HTML document holding the explorers; serve it with the assets
    copied by :func:`write_assets` into the folder `assets` (relative URL)."""
    body = "\n".join(f"<section>{e._repr_html_()}</section>" for e in explorers)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<link rel=\"icon\" href=\"data:,\">"
            f"<title>{html.escape(title)}</title>"
            f'<link rel="stylesheet" href="{assets}cnnx.css">'
            f'<script type="module" src="{assets}mount.js"></script>'
            "<style>body{margin:0 auto;padding:8px;max-width:960px;font-family:system-ui,sans-serif}"
            "h2{font-size:1.1em}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n")


# ---------------------------------------------------------------------------
# The live widget
# ---------------------------------------------------------------------------

import anywidget  # noqa: E402  (after the helpers, which need no widget library)
import traitlets  # noqa: E402


class Explorer(anywidget.AnyWidget):
    """Base of the live explorers.  A subclass sets ``KIND`` and defines
    ``compute(values) -> view``; ``LOCAL`` names the controls the module handles
    alone (a window position: the view already holds every window).

    ``set(**values)`` changes controls from Python; ``.view`` is the last view,
    ``.last_update_s`` the time cnnlib took to compute it.
    """

    KIND = ""
    LOCAL: tuple[str, ...] = ()
    _css = asset("cnnx.css")
    spec = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    view = traitlets.Dict().tag(sync=True)
    last_update_s = None

    def __init_subclass__(cls, **kw):
        if "KIND" in cls.__dict__:         # (not the subclass add_traits makes) before anywidget reads _esm
            cls._esm = bundle(cls.KIND)
        super().__init_subclass__(**kw)

    def __init__(self, spec: dict, values: dict):
        spec = json.loads(json.dumps(dict(spec, kind=self.KIND)))       # what the browser receives
        super().__init__(spec=spec, values={k: str(v) for k, v in values.items()})
        self._last = None
        self._update()
        self.observe(lambda _c: self._update(), names="values")

    def compute(self, values: dict) -> dict:  # pragma: no cover - every explorer defines it
        raise NotImplementedError

    def action(self, name: str) -> dict:
        """The control changes a button of ``spec["buttons"]`` asks for (none by default)."""
        return {}

    def _update(self):
        v = dict(self.values)
        if "_action" in v:                 # a button: its changes come back through `values`
            name = v.pop("_action").split("#")[0]
            self.values = {**v, **{k: str(x) for k, x in self.action(name).items()}}
            return
        key = {k: x for k, x in v.items() if k not in self.LOCAL}
        if key == self._last:
            return
        self._last = key
        t0 = time.perf_counter()
        self.view = json.loads(json.dumps(dict(self.compute(v), at=v), allow_nan=False))
        self.last_update_s = time.perf_counter() - t0

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: a live explorer (anywidget); run the notebook to use it>"

    def set(self, **values):
        """Set controls (as a reader would), e.g. ``ex.set(n=26, stride=2)``."""
        self.values = {**self.values, **{k: str(x) for k, x in values.items()}}

    def option(self, name: str, value: str):
        """The Python value of a select's option string."""
        for c in self.spec["controls"]:
            if c["name"] == name and "options" in c:
                for v, _ in c["options"]:
                    if v == value:
                        return _typed(value)
                raise ValueError(f"`{name}` must be one of {[o[0] for o in c['options']]}; got {value!r}.")
        return _typed(value)


def _typed(s: str):
    """'3' -> 3, 'same' -> 'same'."""
    try:
        return int(s)
    except (TypeError, ValueError):
        return s


def options(values, labels=None) -> list:
    """``[[str(value), label], ...]`` for a select."""
    pad = {"valid": "'valid'", "same": "'same'"}
    return [[str(v), (labels or {}).get(v, pad.get(v, str(v)))] for v in values]
