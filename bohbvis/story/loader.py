"""Read a story (a YAML file, a built-in story name, or a dict) into a validated Story.

Every problem is collected first and reported at once, as one BohbvisError with one Problem per
mistake, each naming file:line:column, the key path (`steps[3].kind`) and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import BohbvisError, Problem, did_you_mean
from . import template
from .grammar import (
    DECK_OPTIONS,
    INHERITED,
    STEP_FIELDS,
    TEMPLATE_ROOTS,
    KindUnavailable,
    kind_names,
    load_kind,
    plain,
    step_options,
)
from .model import Place, StepOptions, StepSpec, Story
from ..options import OptionError

# The step keys whose text is templated ({{ run.n_evaluations }}) when the deck is assembled.
TEMPLATED = ("title", "text", "notes")


def load_story(source: str | Path | Mapping[str, Any] | Story) -> Story:
    """A story file, a built-in story name (`advisor`), or a dict with the same keys."""
    if isinstance(source, Story):
        return source  # already validated (bohbvis.Story.from_yaml / from_dict)
    if isinstance(source, Mapping):
        return _Reader(file=None, lines=[]).story(source, path=None)
    path = resolve_story_path(source)
    node, text = read_yaml(path)
    return _Reader(file=str(path), lines=text.splitlines()).story(node, path=path)


def resolve_story_path(source: str | Path) -> Path:
    from ..builtin import builtin_stories

    path = Path(source)
    if path.is_file():
        return path
    builtins = builtin_stories()
    if str(source) in builtins:
        return builtins[str(source)]
    names = ", ".join(builtins) or "(none installed)"
    if path.is_dir():
        raise BohbvisError(f"'{source}' is a folder, not a story file.", key="story",
                           allowed=f"a story .yaml file, or a built-in story: {names}")
    raise BohbvisError(f"no story file or built-in story named '{source}'.", key="story",
                       allowed=f"a story .yaml file, or a built-in story: {names}",
                       hint=did_you_mean(source, builtins))


def read_yaml(path: Path) -> tuple[Any, str]:
    """The parsed YAML (ruamel round-trip nodes, which know their line and column) and its text."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        size = path.stat().st_size
        if size > MAX_STORY_BYTES:
            raise BohbvisError(f"the story is {size:,} bytes; a story is at most {MAX_STORY_BYTES:,} bytes "
                               "(a long one is a few kB).", file=path, hint="Split it into several stories.")
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise BohbvisError(f"the story is not UTF-8 text (byte 0x{raw[e.start]:02x}).", file=path, line=line,
                           column=column, hint="Save the file as UTF-8.") from None
    except OSError as e:
        raise BohbvisError(f"cannot read the story: {e.strerror}.", file=path) from None
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # keeps quoted scalars distinguishable, for exact text positions
    try:
        node = yaml.load(text)
    except RecursionError:
        raise BohbvisError("the story nests too deeply to read.", file=path,
                           allowed=f"at most {MAX_NESTING} levels of lists and mappings") from None
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = "YAML syntax error: " + " ".join(str(x) for x in (e.context, e.problem) if x)
        started = e.context_mark
        if started is not None and mark is not None and (started.line, started.column) != (mark.line, mark.column):
            message += f" (it began at line {started.line + 1}, column {started.column + 1})"
        message += "."
        raise BohbvisError(Problem(
            message,
            file=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="Check the indentation and quoting here (a ':' or '#' inside text needs quotes).",
        )) from None
    except YAMLError as e:
        raise BohbvisError(f"YAML syntax error: {e}", file=path) from None
    _check_expansion(node, path)
    return node, text


# Limits that keep a hostile or mistaken story from hanging the build or eating memory.
# A long real story is a few kB; parsing YAML costs about a second per 100 kB on a busy machine.
MAX_STORY_BYTES = 512_000
MAX_STEPS = 500
MAX_EXPANDED_NODES = 200_000  # values after every alias is expanded ("billion laughs" has 10**9)
MAX_NESTING = 64


def _check_expansion(root: Any, path: Path) -> None:
    """Refuse a story whose aliases (`*name`) expand to more than MAX_EXPANDED_NODES values, or
    refer to themselves. The parser shares an anchored value instead of copying it, so counting
    with a memo is linear in the file, while walking the expansion could take forever."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    written = [0]  # values as written in the file (an alias counts once)

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise BohbvisError("an alias (*name) refers to the value it is part of, so it never ends.",
                               file=path, allowed="aliases of values defined before and outside them")
        if depth > MAX_NESTING:
            raise BohbvisError(f"the story nests more than {MAX_NESTING} levels deep.", file=path,
                               allowed=f"at most {MAX_NESTING} levels of lists and mappings")
        active.add(key)
        children = list(node.values() if isinstance(node, dict) else node)
        written[0] += 1 + (len(node) if isinstance(node, dict) else 0)
        written[0] += sum(not isinstance(child, (dict, list)) for child in children)
        total = 1 + sum(size(child, depth + 1) for child in children)
        if isinstance(node, dict):
            total += len(node)  # the keys
        active.discard(key)
        sizes[key] = total
        if written[0] > MAX_EXPANDED_NODES:
            raise BohbvisError(f"the story holds more than {MAX_EXPANDED_NODES:,} values.", file=path,
                               hint="Split it into several stories.")
        if total > MAX_EXPANDED_NODES:
            raise BohbvisError(f"the story's aliases (*name) expand to more than {MAX_EXPANDED_NODES:,} "
                               "values (like a 'billion laughs' bomb); it is refused.", file=path,
                               allowed=f"at most {MAX_EXPANDED_NODES:,} values once aliases are expanded")
        return total

    size(root, 0)
    steps = root.get("steps") if isinstance(root, dict) else None
    if isinstance(steps, list) and len(steps) > MAX_STEPS:
        raise BohbvisError(f"the story has {len(steps):,} steps; a story has at most {MAX_STEPS}.", file=path,
                           key="steps", hint="Split it into several stories.")


@dataclass
class _Reader:
    file: str | None
    lines: list[str]  # the source text, to place positions inside text values exactly
    problems: list[Problem] = field(default_factory=list)

    # --- positions -------------------------------------------------------------------------
    @staticmethod
    def node_place(node: Any) -> Place | None:
        lc = getattr(node, "lc", None)
        return Place(lc.line + 1, lc.col + 1) if lc is not None and lc.line is not None else None

    @staticmethod
    def key_place(node: Any, key: Any) -> Place | None:
        lc = getattr(node, "lc", None)
        try:
            line, col = lc.key(key)
            return Place(line + 1, col + 1)
        except (AttributeError, KeyError, TypeError):
            return None

    @staticmethod
    def value_place(node: Any, key: Any) -> Place | None:
        """Where a mapping value (or a list item, for an int key on a list) starts."""
        lc = getattr(node, "lc", None)
        try:
            line, col = lc.item(key) if isinstance(node, list) else lc.value(key)
            return Place(line + 1, col + 1)
        except (AttributeError, KeyError, TypeError, IndexError):
            return None

    def text_place(self, node: Any, key: Any) -> Place | None:
        """Where the *content* of a text value starts, `verbatim` when its lines are the file's."""
        start = self.value_place(node, key)
        raw = node[key]
        if start is None or not self.lines or not isinstance(raw, str):
            return start
        from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

        line, col = start.line - 1, start.column - 1
        if isinstance(raw, (LiteralScalarString, FoldedScalarString)):
            # A block scalar: its text begins on the next line, at the block's indentation.
            body = [ln for ln in self.lines[line + 1:] if ln.strip()]
            line, col = line + 1, (len(body[0]) - len(body[0].lstrip(" ")) if body else col)
        elif line < len(self.lines) and self.lines[line][col:col + 1] in ("'", '"'):
            col += 1
        text_lines = str(raw).split("\n")
        verbatim = all(
            not tl or (line + k < len(self.lines) and self.lines[line + k][col:col + len(tl)] == tl)
            for k, tl in enumerate(text_lines)
        )
        return Place(line + 1, col + 1, verbatim)

    def nested_places(self, node: Any, prefix: str, out: dict[str, Place]) -> None:
        """Places of every key and item inside a mapping/list value ("spec.encoding.x")."""
        if isinstance(node, Mapping):
            for k in node:
                path = f"{prefix}.{k}"
                p = self.value_place(node, k)
                if p is not None:
                    out[path] = p
                self.nested_places(node[k], path, out)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                path = f"{prefix}[{i}]"
                p = self.value_place(node, i)
                if p is not None:
                    out[path] = p
                self.nested_places(v, path, out)

    # --- problems --------------------------------------------------------------------------
    def add(self, message: str, place: Place | None, key: str | None = None,
            allowed: str | None = None, hint: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.file, line=place.line if place else None,
                                     column=place.column if place else None, key=key,
                                     allowed=allowed, hint=hint))

    def unknown_key(self, node, key, path: str, allowed_keys) -> None:
        self.add(f"unknown key '{key}'.", self.key_place(node, key), path,
                 allowed=", ".join(allowed_keys), hint=did_you_mean(key, allowed_keys))

    def option(self, descriptor, node, key, path: str) -> tuple[bool, Any]:
        try:
            return True, descriptor.validate(plain(node[key]))
        except OptionError as e:
            self.add(e.message, self.value_place(node, key), path, allowed=e.allowed, hint=e.hint)
            return False, None

    def fail_if_any(self) -> None:
        if self.problems:
            far = 10**9  # problems without a place (a dict story) keep their order, last
            ordered = sorted(self.problems, key=lambda p: (p.line or far, p.column or 0))
            raise BohbvisError(*ordered)

    # --- the story -------------------------------------------------------------------------
    def story(self, node: Any, path: Path | None) -> Story:
        if node is None:
            raise BohbvisError("the story is empty.", file=self.file, allowed="a YAML mapping with title: and steps:")
        if not isinstance(node, Mapping):
            raise BohbvisError("a story is a YAML mapping (key: value lines) at the top level.",
                               file=self.file, line=1, column=1, allowed="title:, steps: and the other deck keys")
        deck: dict[str, Any] = {}
        for key in node:
            if key not in DECK_OPTIONS:
                self.unknown_key(node, key, str(key), list(DECK_OPTIONS))
            elif key != "steps":
                ok, value = self.option(DECK_OPTIONS[key], node, key, key)
                if ok:
                    deck[key] = value
        top = self.node_place(node) or Place(1, 1)
        for key, opt in DECK_OPTIONS.items():
            if opt.required and key not in node:
                self.add(f"'{key}' is missing; every story needs one.", top if self.lines else None, key,
                         hint=f"Add a line `{key}: …`. {opt.doc}")
        specs = self.steps(node, deck) if "steps" in node else []
        self.fail_if_any()
        return Story(
            path=path,
            title=deck["title"],
            subtitle=deck.get("subtitle"),
            author=deck.get("author"),
            date=deck.get("date"),
            data=deck.get("data"),
            metric=deck.get("metric"),
            theme=deck.get("theme", DECK_OPTIONS["theme"].default),
            lang=deck.get("lang", DECK_OPTIONS["lang"].default),
            budget_unit=deck.get("budget_unit"),
            best_by=deck.get("best_by", DECK_OPTIONS["best_by"].default),
            steps=tuple(specs),
        )

    def steps(self, node: Mapping, deck: Mapping[str, Any]) -> list[StepSpec]:
        items = node["steps"]
        if not isinstance(items, list) or not items:
            self.add("expected a list of steps (each line starting with '- kind: …').",
                     self.value_place(node, "steps"), "steps", allowed="a non-empty YAML list of mappings")
            return []
        kinds = kind_names()
        in_story = {str(s["kind"]) for s in items if isinstance(s, Mapping) and s.get("kind") in kinds}
        specs = []
        for i, item in enumerate(items):
            spec = self.step(items, i, kinds, in_story, deck)
            if spec is not None:
                specs.append(spec)
        return specs

    def step(self, items: list, i: int, kinds, in_story, deck) -> StepSpec | None:
        item, here = items[i], f"steps[{i}]"
        place = self.value_place(items, i)
        if not isinstance(item, Mapping):
            self.add("a step is a mapping with a kind: key.", place, here, allowed="kind: " + ", ".join(kinds))
            return None
        if "kind" not in item:
            self.add("the step has no 'kind'.", place, here + ".kind", allowed=", ".join(kinds))
            return None
        kind = plain(item["kind"])
        if kind not in kinds:
            self.add(f"unknown kind {kind!r}.", self.value_place(item, "kind"), here + ".kind",
                     allowed=", ".join(kinds), hint=did_you_mean(kind, kinds))
            return None
        try:
            module = load_kind(kind)
        except KindUnavailable as e:
            self.add(f"the step kind '{kind}' cannot be used: its module failed to load ({e}).",
                     self.value_place(item, "kind"), here + ".kind",
                     hint="This is a bug in bohbvis, not in the story; please report it.")
            return None
        table = step_options(module)
        before = len(self.problems)
        given: dict[str, Any] = {}
        key_places: dict[str, Place] = {}
        for key in item:
            if key == "kind":
                continue
            if key not in table:
                self.unknown_key(item, key, f"{here}.{key}", ["kind", *table])
                continue
            ok, value = self.option(table[key], item, key, f"{here}.{key}")
            p = self.text_place(item, key) if isinstance(value, str) else self.value_place(item, key)
            if p is not None:
                key_places[str(key)] = p
            self.nested_places(item[key], str(key), key_places)
            if ok:
                given[str(key)] = value
                if key in TEMPLATED and isinstance(value, str):
                    self.check_template(value, key_places.get(str(key)), f"{here}.{key}", in_story)
        for key, opt in table.items():
            if opt.required and key not in item:
                self.add(f"'{key}' is missing; a {kind} step needs it.", place, f"{here}.{key}",
                         hint=f"Add `{key}: …` to this step. {opt.doc}")
        if "run" in given:
            self.check_run_name(given["run"], deck.get("data"), item, f"{here}.run")
        if len(self.problems) > before:
            return None
        spec = StepSpec(self.step_options(kind, i, table, given, deck), place, MappingProxyType(key_places))
        self.run_check(module, spec)
        return spec

    @staticmethod
    def step_options(kind: str, index: int, table, given: dict, deck: Mapping) -> StepOptions:
        values = {}
        for key, opt in table.items():
            if key in given:
                values[key] = given[key]
            elif key in INHERITED and deck.get(key) is not None:
                values[key] = deck[key]
            else:
                values[key] = opt.default
        if values.get("run") is None:
            values.pop("run", None)  # one run, or the default: steps see no `run` key
        title = values.pop("title")
        if title is None and kind == "title":
            title = deck.get("title")  # the title slide shows the deck's title unless it sets one
        fields = {k: values.pop(k) for k in STEP_FIELDS if k != "title"}
        return StepOptions(kind=kind, title=title, index=index, values=MappingProxyType(values),
                           text=fields["text"], notes=fields["notes"], fragments=bool(fields["fragments"]))

    def check_run_name(self, name: str, data, item, path: str) -> None:
        """`run:` names one of the deck's runs (data: {name: path, …})."""
        if not isinstance(data, Mapping):
            self.add("`run:` picks one of several runs, but this deck has one.", self.value_place(item, "run"), path,
                     hint="Name the runs at the top: data: {first: runs/a, second: runs/b}.")
        elif name not in data:
            self.add(f"no run named {name!r} in this deck's data.", self.value_place(item, "run"), path,
                     allowed=", ".join(data), hint=did_you_mean(name, list(data)))

    def check_template(self, text: str, place: Place | None, path: str, in_story) -> None:
        """Template syntax and root names are checked now; names inside a root need the run."""
        def at(offset: int) -> Place | None:
            return place.within(*template.line_col(text, offset)) if place else None

        try:
            found = template.fields(text)
        except template.TemplateError as e:
            self.add(e.message, at(e.offset), path, allowed=e.allowed, hint=e.hint)
            return
        roots = [*TEMPLATE_ROOTS, *sorted(in_story)]
        for f in found:
            root = f.path[0]
            if root in roots:
                continue
            if root in kind_names():
                self.add(f"{f.source}: this story has no '{root}' step to quote from.", at(f.start), path,
                         allowed=", ".join(roots), hint=f"Add a step with kind: {root}.")
            else:
                self.add(f"{f.source}: unknown name '{root}'.", at(f.start), path,
                         allowed=", ".join(roots), hint=did_you_mean(root, roots))

    def run_check(self, module, spec: StepSpec) -> None:
        """A kind may check its options beyond their types (`check(options)` raising BohbvisError)."""
        check = getattr(module, "check", None)
        if check is None:
            return
        try:
            check(spec.options)
        except BohbvisError as e:
            for p in e.problems:
                self.add(p.message, spec.place_of(p.key), spec.key_path(p.key), allowed=p.allowed, hint=p.hint)
        except OptionError as e:
            self.add(e.message, spec.place, spec.key_path(), allowed=e.allowed, hint=e.hint)
