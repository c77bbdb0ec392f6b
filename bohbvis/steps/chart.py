"""Your own chart of the run's table, for a view bohbvis did not foresee.

Two ways to write one:

    - kind: chart                              # Altair-style shorthand
      mark: point
      x: config_learning_rate:Q                # a column of the table (bare hyperparameter names work too)
      y: accuracy:Q
      color: sample_type:N
      where: {status: ok, budget: [27, 81]}    # keep rows whose column equals the value (or one of them)
      brush: true                              # drag a box: a table beside the chart lists those evaluations

    - kind: chart                              # or a full Vega-Lite spec, fed with the run's table
      spec:
        mark: boxplot
        encoding: {x: {field: budget, type: ordinal}, y: {field: loss, type: quantitative}}

The columns are those of `bohbvis convert` (sample_id, bracket, round, budget, sample_type, status,
loss, accuracy, config_<name> …). Charts embed at most 5,000 rows (a fixed-seed sample, stated in
the caption), and only the columns they use.

Numbers (`chart.<name>`): n_rows (rows drawn), n_total (rows after `where`), sampled (bool).
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from typing import Any

from ..errors import BohbvisError, Problem, did_you_mean
from ..i18n import tr
from ..model import format as fmt
from ..model.run import Run
from ..options import Bool, Choice, ListOf, Mapping, Markdown, OneOf, StepOptions, Str
from ._base import DESIGN_HEIGHT, DESIGN_WIDTH, Chart, Column, Link, Slide, Table, UserText
from ._metric import metric_for
from ._rows import column_for, records
from ._sampling import MAX_POINTS, sample_points

KIND = "chart"
DESCRIPTION = "Your own chart of the run's table: Altair shorthand (mark, x, y, color …) or a full Vega-Lite spec."

MARKS = ("point", "circle", "square", "tick", "line", "bar", "area", "rect", "boxplot")
CHANNELS = ("x", "y", "color", "size", "shape")
SCALES = ("auto", "linear", "log", "sqrt", "symlog")
_SHORTHAND = ("Altair shorthand: column[:type] or aggregate(column)[:type], type one of Q, O, N, T; "
              "e.g. budget:O, mean(accuracy):Q, count()")

OPTIONS = {
    "mark": Choice(doc="The mark (default: point).", choices=MARKS),
    "x": Str(doc="Horizontal axis. " + _SHORTHAND),
    "y": Str(doc="Vertical axis. " + _SHORTHAND),
    "color": Str(doc="Color by a column. " + _SHORTHAND),
    "size": Str(doc="Size by a column. " + _SHORTHAND),
    "shape": Str(doc="Shape by a column. " + _SHORTHAND),
    "tooltip": OneOf(doc="Columns shown on hover (default: the sample id and the encoded columns).",
                     alternatives=(ListOf(item=Str()), Str())),
    "x_scale": Choice(doc="Scale of x: auto uses log for hyperparameters searched on a log scale.",
                      default="auto", choices=SCALES),
    "y_scale": Choice(doc="Scale of y: auto uses log for hyperparameters searched on a log scale.",
                      default="auto", choices=SCALES),
    "where": Mapping(doc="Keep only rows whose column equals the value, or one of a list of values: "
                         "{status: ok, budget: [27, 81]}."),
    "brush": Bool(doc="Drag a box on the chart; a table beside it lists the evaluations inside.", default=False),
    "caption": Markdown(doc="A caption under the chart."),
    "spec": Mapping(doc="A full Vega-Lite spec instead of the shorthand keys. Its data is the run's table "
                        "unless it sets data.values itself."),
}
SHORTHAND_KEYS = ("mark", *CHANNELS, "tooltip", "where", "brush")

# The plot area at the design size, leaving room for axes, legend, the story text and the caption.
WIDTH, HEIGHT = DESIGN_WIDTH - 220, DESIGN_HEIGHT - 160
BRUSH_WIDTH = 560  # with a table beside the chart


# --- checks that need no run (run when the story is validated) -------------------------------


def check(options: StepOptions) -> None:
    problems: list[Problem] = []
    v = options.values
    if v.get("spec") is not None:
        for key in SHORTHAND_KEYS:
            if v.get(key) not in (None, False):
                problems.append(Problem(f"'{key}' cannot be combined with 'spec'.", key=key,
                                        allowed="either spec: or the shorthand keys (mark, x, y, …)"))
        problems += spec_problems(v["spec"], "spec")
    else:
        if not v.get("x") and not v.get("y"):
            problems.append(Problem("a chart needs x or y (or a full Vega-Lite spec).", key="x",
                                    allowed=_SHORTHAND))
        for key, text in _shorthands(v):
            try:
                _parse(text, None)
            except ValueError as e:
                problems.append(Problem(f"cannot read {text!r}: {str(e).splitlines()[0]}", key=key,
                                        allowed=_SHORTHAND))
        for col, want in (v.get("where") or {}).items():
            items = want if isinstance(want, list) else [want]
            if not items or any(isinstance(x, (dict, list)) or x is None for x in items):
                problems.append(Problem(f"where: {col}: expected a value or a list of values.",
                                        key=f"where.{col}", allowed="a number, text, true/false, or a list of them"))
    if problems:
        raise BohbvisError(*problems)


def _shorthands(v) -> list[tuple[str, str]]:
    out = [(c, v[c]) for c in CHANNELS if v.get(c)]
    tip = v.get("tooltip")
    if isinstance(tip, str):
        out.append(("tooltip", tip))
    elif tip:
        out += [(f"tooltip[{i}]", t) for i, t in enumerate(tip)]
    return out


_TYPES = {"Q": "quantitative", "O": "ordinal", "N": "nominal", "T": "temporal", "G": "geojson"}


def _parse(text: str, data) -> dict:
    """Altair's shorthand, and names real tools write that it cannot read (auto-sklearn's
    `classifier:random_forest:max_depth`, with or without a `:Q` type) as one literal column."""
    from altair.utils import parse_shorthand

    if data is not None and text in data.columns:  # a column's own name is never shorthand
        from altair.utils.core import infer_vegalite_type_for_pandas

        kind = infer_vegalite_type_for_pandas(data[text])
        return {"field": text, "type": kind[0] if isinstance(kind, tuple) else kind}
    try:
        return parse_shorthand(text, data=data)
    except ValueError:
        name, sep, code = text.rpartition(":")
        if sep and code in _TYPES and name and "(" not in name:
            return {"field": name, "type": _TYPES[code]}
        if "(" not in text and ":" in text:
            return {"field": text}
        raise


def vl_field(name: str) -> str:
    """A column name as a Vega-Lite field: `.` and `[` would otherwise read nested data."""
    return re.sub(r"([.\[\]\\])", r"\\\1", name)


# --- build ------------------------------------------------------------------------------------


def build(run: Run, options: StepOptions) -> Slide:
    check(options)
    if options.get("spec") is not None:
        return _from_spec(run, options)
    return _from_shorthand(run, options)


def _column(run: Run, name: str, key: str) -> str:
    """A table column by its name or a hyperparameter's bare name; a clear error otherwise."""
    columns = list(run.table.columns)
    if name in columns:
        return name
    if f"config_{name}" in columns:
        return f"config_{name}"
    raise BohbvisError(f"the run's table has no column '{name}'.", key=key, allowed=", ".join(columns),
                       hint=did_you_mean(name, columns + [hp.name for hp in run.space]))


def _problems(call) -> list[Problem]:
    try:
        call()
        return []
    except BohbvisError as e:
        return list(e.problems)


def _where(run: Run, where: dict) -> Any:
    df = run.table
    for name, want in where.items():
        col = _column(run, str(name), f"where.{name}")
        items = want if isinstance(want, list) else [want]
        kept = df[df[col].isin(items)]  # numbers compare as numbers: budget 81 matches 81.0
        if kept.empty:
            seen = sorted({fmt.budget(x) if isinstance(x, float) else fmt.value(x) for x in df[col].dropna().unique()})
            after = " (after the filters before it)" if len(df) < len(run.table) else ""
            raise BohbvisError(f"no evaluation has {name} = {want!r}{after}.", key=f"where.{name}",
                               allowed=", ".join(seen[:20]) + (" …" if len(seen) > 20 else ""))
        df = kept
    return df


def _encoding(run: Run, key: str, text: str, df) -> dict:
    parsed = _parse(text, df)
    if "field" in parsed:
        parsed["field"] = _column(run, parsed["field"], key)
        if "type" not in parsed:  # parse_shorthand infers the type only for columns it found
            parsed.update({k: v for k, v in _parse(parsed["field"], df).items() if k == "type"})
        label = column_for(run, parsed["field"]).label if _known(run, parsed["field"]) else parsed["field"]
        parsed["title"] = _aggregate_title(parsed["aggregate"], label) if parsed.get("aggregate") else label
    else:
        parsed["title"] = _aggregate_name(parsed.get("aggregate", "count"))
    return parsed


def _aggregate_title(op: str, label: str) -> str:
    """'mean accuracy': an axis title for an aggregated column, in the deck's language."""
    titles = {
        "count": lambda: tr("count {label}", label=label), "valid": lambda: tr("valid {label}", label=label),
        "distinct": lambda: tr("distinct {label}", label=label), "sum": lambda: tr("sum {label}", label=label),
        "mean": lambda: tr("mean {label}", label=label), "average": lambda: tr("average {label}", label=label),
        "median": lambda: tr("median {label}", label=label), "min": lambda: tr("min {label}", label=label),
        "max": lambda: tr("max {label}", label=label), "stdev": lambda: tr("stdev {label}", label=label),
        "variance": lambda: tr("variance {label}", label=label), "q1": lambda: tr("q1 {label}", label=label),
        "q3": lambda: tr("q3 {label}", label=label),
    }
    if op in titles:
        return titles[op]()
    # i18n: a Vega-Lite aggregate bohbvis has no words for (its name, e.g. stderr) and the column.
    return tr("{aggregate} {label}", aggregate=op, label=label)


def _aggregate_name(op: str) -> str:
    """The title of an aggregate without a column (count())."""
    return tr("count") if op == "count" else op


def _known(run: Run, field: str) -> bool:
    try:
        column_for(run, field)
        return True
    except KeyError:
        return False


def _scale(run: Run, enc: dict, choice: str):
    import altair as alt

    if choice == "auto":
        try:
            hp = run.hyperparameter(enc.get("field", ""))
        except KeyError:
            return None
        log = hp.log and enc.get("type") == "quantitative" and not enc.get("aggregate")
        return alt.Scale(type="log") if log else None
    return None if choice == "linear" else alt.Scale(type=choice)


def _from_shorthand(run: Run, options: StepOptions) -> Slide:
    import altair as alt

    v = options.values
    mark = v.get("mark") or "point"
    tips = v.get("tooltip")
    tips = [tips] if isinstance(tips, str) else list(tips or [])
    # Every unknown column is reported at once, not just the first.
    problems: list[Problem] = []
    for key, text in _shorthands(v):
        field = _parse(text, None).get("field")
        if field is not None:
            problems += _problems(lambda: _column(run, field, key))
    for name in (v.get("where") or {}):
        problems += _problems(lambda: _column(run, str(name), f"where.{name}"))
    if problems:
        raise BohbvisError(*problems)
    df = _where(run, v.get("where") or {})
    enc = {c: _encoding(run, c, v[c], df) for c in CHANNELS if v.get(c)}
    tip_enc = [_encoding(run, f"tooltip[{i}]", t, df) for i, t in enumerate(tips)]
    # A boxplot summarizes many rows per mark, like an aggregate: per-evaluation tooltips make no sense.
    aggregated = mark == "boxplot" or any("aggregate" in e for e in [*enc.values(), *tip_enc])
    if not tip_enc:  # default: every encoded column, plus which evaluation it is
        tip_enc = ([] if aggregated else [{"field": "sample_id", "type": "nominal", "title": tr("sample")}])
        tip_enc += [dict(e) for e in enc.values()]
    # sample_id identifies a point (tooltips, the brush's table); aggregated marks do not need it.
    keep_id = v.get("brush") or not aggregated
    fields = ["sample_id"] * bool(keep_id) + [e["field"] for e in [*enc.values(), *tip_enc] if "field" in e]
    fields = list(dict.fromkeys(fields))
    sample = sample_points(df, MAX_POINTS)
    rows = records(sample.frame, fields)

    channels: dict[str, Any] = {}
    for c, e in enc.items():
        kw = dict(e)
        scale = _scale(run, e, v.get(f"{c}_scale", "auto")) if c in ("x", "y") else None
        if scale is not None:
            kw["scale"] = scale
        if "field" in kw:
            kw["field"] = vl_field(kw["field"])
        channels[c] = getattr(alt, c.capitalize())(**kw)
    channels["tooltip"] = [alt.Tooltip(**_tooltip(e)) for e in tip_enc]

    brush_on = bool(v.get("brush"))
    width = BRUSH_WIDTH if brush_on else WIDTH
    chart = getattr(alt.Chart(alt.Data(values=list(rows))), f"mark_{mark}")().encode(**channels)
    chart = chart.properties(width=width, height=HEIGHT)
    chart_id = f"s{options.index}-chart"
    blocks: list = [UserText()]
    links: tuple = ()
    if brush_on:
        brushed = [c for c in ("x", "y") if c in enc and enc[c].get("type") in ("quantitative", "temporal")
                   and "aggregate" not in enc[c]]
        if not brushed:
            raise BohbvisError("brush needs an x or y that is a number column, not aggregated.", key="brush",
                               allowed="x or y like loss:Q or config_learning_rate:Q")
        brush = alt.selection_interval(name="brush", encodings=brushed)
        color = channels.get("color", alt.value("#4c78a8"))
        chart = chart.add_params(brush).encode(color=alt.when(brush).then(color).otherwise(alt.value("#d0d0d0")))
        links = (Link(param="brush", key="sample_id"),)
    caption = " ".join(x for x in (v.get("caption") or "", sample.note) if x)
    blocks.append(Chart(id=chart_id, spec=chart.to_dict(), links=links, caption=caption,
                        state=tr("Drag on the chart in the deck to list evaluations.") if brush_on else ""))
    if brush_on:
        blocks.append(_table(run, sample.frame, chart_id, [e["field"] for e in enc.values() if "field" in e]))
    title = options.title or _default_title(enc)
    numbers = {"n_rows": len(sample.frame), "n_total": sample.total, "sampled": sample.sampled}
    return Slide(kind=KIND, title=title, blocks=tuple(blocks), layout="columns" if brush_on else "stack",
                 numbers={KIND: numbers})


def _tooltip(e: dict) -> dict:
    kw = {k: e[k] for k in ("field", "type", "aggregate", "title") if k in e}
    if "field" in kw:
        kw["field"] = vl_field(kw["field"])
    if e.get("field") == "accuracy" and e.get("type") == "quantitative":
        kw["format"] = ".1%"
    elif e.get("type") == "quantitative":
        kw["format"] = ".4~g"
    return kw


def _default_title(enc: dict) -> str:
    y, x = enc.get("y", {}).get("title"), enc.get("x", {}).get("title")
    if x and y:
        return tr("{y} by {x}", y=y, x=x)
    return str(x or y)


def _table(run: Run, df, chart_id: str, encoded: list[str]) -> Table:
    metric = metric_for(run)
    names = ["sample_id", "budget", "sample_type", metric.field, *encoded]
    names = list(dict.fromkeys(names))
    columns = tuple(column_for(run, n) if _known(run, n) else Column(n, n) for n in names)
    return Table(id=f"{chart_id}-table", columns=columns, rows=records(df, names), follows=(chart_id,),
                 sort=metric.sort, static_rows=10,
                 empty_text=tr("Drag a box on the chart to list those evaluations here."))


# --- a full Vega-Lite spec ---------------------------------------------------------------------


def _from_spec(run: Run, options: StepOptions) -> Slide:
    import altair as alt

    spec = copy.deepcopy(dict(options.get("spec")))
    note = ""
    n_rows = n_total = 0
    data = spec.get("data")
    if not (isinstance(data, dict) and "values" in data):
        used = _used_columns(spec, list(run.table.columns))
        sample = sample_points(run.table, MAX_POINTS)
        spec["data"] = {"values": list(records(sample.frame, ["sample_id", *used]))}
        note, n_rows, n_total = sample.note, len(sample.frame), sample.total
    if not any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        spec.setdefault("width", WIDTH)
        spec.setdefault("height", HEIGHT)
    spec.setdefault("$schema", alt.SCHEMA_URL)
    caption = " ".join(x for x in (options.get("caption") or "", note) if x)
    chart = Chart(id=f"s{options.index}-chart", spec=spec, caption=caption)
    return Slide(kind=KIND, title=options.title or "", blocks=(UserText(), chart),
                 numbers={KIND: {"n_rows": n_rows, "n_total": n_total, "sampled": n_rows < n_total}})


def _used_columns(spec: Any, columns: list[str]) -> list[str]:
    """Columns a spec names anywhere (fields, transforms, expressions like datum.loss): only
    these are embedded. A name inside a longer text counts, so nothing used is ever left out."""
    texts: list[str] = []

    def walk(x):
        if isinstance(x, dict):
            for k, val in x.items():
                if k != "data":
                    walk(val)
        elif isinstance(x, list):
            for val in x:
                walk(val)
        elif isinstance(x, str):
            texts.append(x)

    walk(spec)
    blob = "\n".join(texts)
    return [c for c in columns if c in blob]


# --- checking a spec against Vega-Lite's own JSON Schema ------------------------------------------


@lru_cache(maxsize=1)
def _validator():
    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    return jsonschema.Draft7Validator(load_schema())


def spec_problems(spec: dict, key: str) -> list[Problem]:
    """What is wrong with a Vega-Lite spec, one Problem per mistake, keyed like `spec.encoding.x.type`."""
    problems = [Problem("charts cannot load data from a URL (the deck works offline).", key=k,
                        allowed="no data (the run's table is used) or data.values")
                for k in _url_keys(spec, key)]
    problems += [Problem(f"charts cannot load images or other files from {v!r} (the deck works offline).",
                         key=k, allowed="a data: URI, or no image") for k, v in _remote_urls(spec, key)]
    problems += [Problem(f"{v[:60]!r} holds a javascript: URL; a chart runs no code of its own.", key=k,
                         allowed="http(s) links, or none") for k, v in _script_urls(spec, key)]
    test = dict(spec)
    test.setdefault("data", {"values": []})  # the run's table is added later; the schema wants data
    for error in sorted(_validator().iter_errors(test), key=lambda e: list(map(str, e.absolute_path))):
        problems += _explain(error, key)
    return problems


def _walk_strings(x: Any, key: str):
    """(key path, text) for every string in a spec, keys included."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield f"{key}.{k}", str(k)
            yield from _walk_strings(v, f"{key}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _walk_strings(v, f"{key}[{i}]")
    elif isinstance(x, str):
        yield key, x


_SCRIPT_URL = re.compile(r"(?i)j\W*a\W*v\W*a\W*s\W*c\W*r\W*i\W*p\W*t\W*:|vbscript\s*:")
_REMOTE = re.compile(r"(?i)^\s*([a-z][a-z0-9+.-]*:|//)")


def _script_urls(spec: Any, key: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in _walk_strings(spec, key) if _SCRIPT_URL.search(v)]


def _remote_urls(spec: Any, key: str) -> list[tuple[str, str]]:
    """`url` values (image marks, the url channel, a mark's url) that are not data: URIs."""
    found = []

    def walk(x, k):
        if isinstance(x, dict):
            for name, v in x.items():
                if name == "url" and k.split(".")[-1] != "data":
                    if isinstance(v, str) and not v.strip().lower().startswith("data:"):
                        found.append((f"{k}.url", v))
                    elif isinstance(v, dict) and isinstance(v.get("value"), str) \
                            and not v["value"].strip().lower().startswith("data:"):
                        found.append((f"{k}.url.value", v["value"]))
                walk(v, f"{k}.{name}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, f"{k}[{i}]")

    walk(spec, key)
    # Image URLs can also come from the spec's own data rows (a url channel reading a field).
    for k, v in _walk_strings(spec, key):
        if ".values[" in k and _REMOTE.match(v) and not v.strip().lower().startswith("data:") \
                and re.match(r"(?i)^\s*(https?:|//|ftp:|file:)", v):
            found.append((k, v))
    return found


def _url_keys(x: Any, key: str) -> list[str]:
    found = []
    if isinstance(x, dict):
        if isinstance(x.get("data"), dict) and "url" in x["data"]:
            found.append(f"{key}.data.url")
        for k, v in x.items():
            found += _url_keys(v, f"{key}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            found += _url_keys(v, f"{key}[{i}]")
    return found


def _pick(error) -> list:
    """The leaf errors that explain `error` best.

    Vega-Lite's schema is full of anyOf (a unit, layer or concat spec; a mark name or a mark
    object …), and jsonschema reports every alternative that failed. A person wants the
    alternative they meant: not one whose type, required keys or discriminating constant
    (`type: boxplot`) already differ, but the one that got deepest into their value, with the fewest complaints.
    A plain value rejected by every alternative lists everything it could have been."""
    if not error.context:
        return [error]
    leaves = [leaf for sub in error.context for leaf in _pick(sub)]
    depth0 = len(error.absolute_path)
    if not isinstance(error.instance, (dict, list)) and all(
            len(e.absolute_path) == depth0 and e.validator in ("enum", "const", "type") for e in leaves):
        return leaves
    branches: dict = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else 0, []).append(sub)

    def score(subs):
        found = [leaf for sub in subs for leaf in _pick(sub)]
        # Signs of another kind of thing altogether: another type, a required key missing (a layer
        # spec needs `layer`), another discriminating constant (`type: boxplot`).
        wrong = any((e.validator in ("type", "required") and len(e.absolute_path) == depth0)
                    or (e.validator == "const" and list(e.absolute_path)[-1:] == ["type"]) for e in found)
        return (wrong, -max(len(e.absolute_path) for e in found), len(found)), found

    scored = sorted((score(subs) for subs in branches.values()), key=lambda x: x[0])
    best = scored[0][0]
    return [leaf for sc, found in scored if sc == best for leaf in found]


def _explain(error, key: str) -> list[Problem]:
    """One Problem per place the best-fitting alternative went wrong (see `_pick`)."""
    groups: dict[tuple, list] = {}
    for e in _pick(error):
        groups.setdefault(tuple(e.absolute_path), []).append(e)
    return [_phrase(group, key) for group in groups.values()]


def _phrase(deepest: list, key: str) -> Problem:
    path = key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in deepest[0].absolute_path)
    allowed: list = []
    words = {"number": "a number", "integer": "a whole number", "boolean": "true or false",
             "object": "a mapping", "array": "a list", "string": "text", "null": "null"}
    for e in deepest:
        if e.validator == "enum":
            allowed += [a for a in e.validator_value if a not in allowed]
        elif e.validator == "const" and e.validator_value not in allowed:
            allowed.append(e.validator_value)
        elif e.validator == "type":
            types = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
            allowed += [words.get(t, t) for t in types if words.get(t, t) not in allowed]
    value = deepest[0].instance
    only_values = all(e.validator in ("enum", "const", "type") for e in deepest)
    if allowed and only_values and not isinstance(value, (dict, list)):
        return Problem(f"{value!r} is not allowed here.", key=path, allowed=", ".join(map(str, allowed)),
                       hint=did_you_mean(value, allowed))
    extra = [e for e in deepest if e.validator == "additionalProperties"]
    if extra:
        known = sorted({p for e in extra for p in e.schema.get("properties", {})})
        unknown = sorted({k for e in extra for k in e.instance if k not in e.schema.get("properties", {})})
        return Problem(f"unknown Vega-Lite key '{unknown[0]}'." if unknown else extra[0].message,
                       key=path + (f".{unknown[0]}" if unknown else ""), allowed=", ".join(known),
                       hint=did_you_mean(unknown[0], known) if unknown else None)
    return Problem(deepest[0].message + ".", key=path,
                   hint="See https://vega.github.io/vega-lite/docs/ for what this key takes.")
