"""docs/reference.md is generated from the descriptors the validation uses, and kept up to date."""

from __future__ import annotations

import os
from pathlib import Path

from bohbvis.story.grammar import COMMON_STEP_OPTIONS, DECK_OPTIONS, load_kind
from bohbvis.story.reference import reference_markdown, split_docstring
from bohbvis.steps import KINDS

REFERENCE = Path(__file__).parent.parent / "docs" / "reference.md"


def test_docs_reference_is_up_to_date():
    if os.environ.get("BOHBVIS_UPDATE_DOCS") == "1":
        REFERENCE.write_text(reference_markdown(), encoding="utf-8")
    assert REFERENCE.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/reference.md is out of date: run `bohbvis schema --markdown > docs/reference.md` "
        "(or BOHBVIS_UPDATE_DOCS=1 pytest tests/test_reference.py tests/test_gallery.py)")


def test_reference_lists_every_kind_option_default_and_numbers():
    text = reference_markdown()
    sections = {s.split("\n", 1)[0].strip(): s for s in text.split("\n## ")[1:]}
    for key in (*DECK_OPTIONS, *COMMON_STEP_OPTIONS):
        assert f"| `{key}` |" in text
    for kind in KINDS:
        section = sections[kind]
        module = load_kind(kind)
        assert module.DESCRIPTION.split("<")[0] in section
        for name, opt in module.OPTIONS.items():
            row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
            if opt.required:
                assert "*required*" in row
            elif opt.default is not None:
                shown = str(opt.default).lower() if isinstance(opt.default, bool) else str(opt.default)
                assert f"`{shown}`" in row, row
        _, numbers = split_docstring(module.__doc__)
        if numbers:
            assert numbers in section
        else:
            assert kind == "markdown", f"{kind}: its docstring lists no Numbers"  # text only: nothing computed
            assert "No numbers of its own to quote." in section


def test_a_changed_descriptor_changes_the_reference(monkeypatch):
    from bohbvis.options import Int

    module = load_kind("best")
    before = reference_markdown()
    monkeypatch.setitem(module.OPTIONS, "k", Int(doc="How many.", default=7, min=1, max=9))
    after = reference_markdown()
    assert after != before and "| `k` | whole number, 1 to 9 | `7` | How many. |" in after
