"""Markdown → HTML for slides and notes: CommonMark + tables, raw HTML off (it is escaped).

A deck must stay self-contained and offline, so images render only from `data:` URIs; any other
image source shows its alt text instead of making the browser fetch a file or a URL.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..i18n import tr
from ..steps._html import esc


# Links that mean the same wherever the deck is: the web, mail, and places inside the deck.
# (markdown-it already drops javascript:, vbscript:, file: and data: links: they show as text.)
LINK_SCHEMES = ("http://", "https://", "mailto:", "#")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    default_image = md.renderer.rules["image"]
    default_link_open = md.renderer.rules.get("link_open")

    def image(renderer, tokens, idx, options, env):
        token = tokens[idx]
        if str(token.attrGet("src") or "").startswith("data:"):
            return default_image(tokens, idx, options, env)
        alt = "".join(child.content for child in (token.children or ()))
        title = esc(tr("images must be data: URIs in an offline deck"))
        return f'<span class="image-omitted" title="{title}">[{esc(alt)}]</span>'

    def link_open(renderer, tokens, idx, options, env):
        # Outside links open in a new tab so the presenter never loses the deck.
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        if not href.lower().startswith(LINK_SCHEMES):
            # A relative link has no fixed target: in the PDF it would become file:///<the author's
            # folders>/…, and a deck moves. It is shown as text (its target in the tooltip).
            token.meta["omitted"] = True
            title = esc(tr("not a link in the deck: {href}", href=href))
            return f'<span class="link-omitted" title="{title}">'
        if href.startswith(("http://", "https://")):
            token.attrSet("target", "_blank")
            token.attrSet("rel", "noopener noreferrer")
        if default_link_open:
            return default_link_open(tokens, idx, options, env)
        return renderer.renderToken(tokens, idx, options, env)

    def link_close(renderer, tokens, idx, options, env):
        opener = next((t for t in reversed(tokens[:idx]) if t.type == "link_open" and t.level == tokens[idx].level), None)
        if opener is not None and opener.meta.get("omitted"):
            return "</span>"
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("image", image)
    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    return md


def _mark_fragments(tokens: list[Token]) -> None:
    """Give the items of top-level lists the class `fragment` (nested items come with their parent)."""
    depth = 0
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1:
            token.attrJoin("class", "fragment")


def render_markdown(text: str | None, *, fragments: bool = False) -> str:
    """Block HTML for a slide or for speaker notes."""
    if not text or not str(text).strip():
        return ""
    md = _parser()
    tokens = md.parse(str(text))
    if fragments:
        _mark_fragments(tokens)
    return md.renderer.render(tokens, md.options, {})


def render_inline(text: str | None) -> str:
    """Inline HTML (emphasis, code, links) for captions and subtitles: no paragraphs around it."""
    if not text:
        return ""
    return _parser().renderInline(str(text))
