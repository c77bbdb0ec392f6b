"""Themes: built-ins are readable and colorblind-safe; bad names and files give located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bohbvis.builtin import builtin_themes
from bohbvis.errors import BohbvisError
from bohbvis.render.theme import REQUIRED, contrast_ratio, load_theme, mix, parse_theme

LIGHT = (Path(__file__).parent.parent / "themes" / "light.css").read_text(encoding="utf-8")


def test_builtin_themes_are_light_and_dark():
    assert set(builtin_themes()) == {"light", "dark"}
    for name in ("light", "dark"):
        theme = load_theme(name)
        assert theme.name == name and set(REQUIRED) <= set(theme.variables)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_builtin_colors_are_readable(name):
    v = load_theme(name).variables
    assert contrast_ratio(v["fg"], v["bg"]) >= 7  # body text: WCAG AAA
    assert contrast_ratio(v["muted"], v["bg"]) >= 4.5  # captions, axis labels: AA
    assert contrast_ratio(v["accent"], v["bg"]) >= 4.5  # links and emphasis: AA
    categories = [v[f"category-{i}"] for i in range(1, 9)]
    assert len(set(categories)) == 8
    for c in categories:  # marks against the background: WCAG non-text contrast
        assert contrast_ratio(c, v["bg"]) >= 3, c


@pytest.mark.parametrize("name", ["light", "dark"])
def test_vega_config_is_derived_from_the_same_variables(name):
    theme = load_theme(name)
    v, config = theme.variables, theme.vega_config
    assert config["background"] == v["bg"]
    assert config["font"] == v["font-body"]
    assert config["axis"]["labelColor"] == v["muted"] and config["axis"]["titleColor"] == v["fg"]
    assert config["axis"]["labelFont"] == config["legend"]["labelFont"] == v["font-body"]
    assert config["range"]["category"] == [v[f"category-{i}"] for i in range(1, 9)]
    assert config["range"]["ramp"] == [v["sequential-low"], v["sequential-high"]]
    assert config["range"]["diverging"][1] == v["diverging-mid"]
    assert config["mark"]["color"] == v["accent"]
    assert config["axis"]["gridColor"] == v["grid"]


def test_fonts_are_installed_or_system_fonts_only():
    for name in ("light", "dark"):
        css = load_theme(name).css
        assert "@import" not in css and "url(" not in css  # nothing to fetch
        assert load_theme(name).variables["font-body"].endswith("sans-serif")


def test_unknown_theme_lists_the_builtins_and_guesses():
    with pytest.raises(BohbvisError) as err:
        load_theme("ligth")
    text = str(err.value)
    assert "unknown theme 'ligth'" in text and "dark, light" in text and "Did you mean 'light'?" in text


def test_missing_theme_file(tmp_path):
    with pytest.raises(BohbvisError, match="does not exist"):
        load_theme("nowhere/theme.css", base_dir=tmp_path)


def test_theme_path_is_relative_to_the_story_folder(tmp_path):
    (tmp_path / "themes").mkdir()
    (tmp_path / "themes" / "brand.css").write_text(LIGHT.replace("#0b5cad", "#123456"), encoding="utf-8")
    theme = load_theme("themes/brand.css", base_dir=tmp_path)
    assert theme.name == "brand" and theme.variables["accent"] == "#123456"


@pytest.mark.parametrize("broken, line, words", [
    (LIGHT.replace("  --accent: #0b5cad;\n", ""), 5, "does not set --accent"),
    (LIGHT.replace("--muted: #5a6472;", "--muted: #5a647;"), 8, "--muted: '#5a647' is not a color"),
    (LIGHT.replace("--grid: #e3e7ec;", "--grid #e3e7ec;"), 11, "is not a declaration"),
    (LIGHT + "\n.slide { color: red;\n", LIGHT.count("\n") + 2, "never closed"),
    (LIGHT.replace("/* bohbvis light", "/* bohbvis light */ }"), 1, "never opened"),
    ("/* an open comment\n:root { --bg: #fff; }", 1, "comment"),
])
def test_bad_theme_file_names_the_file_and_line(tmp_path, broken, line, words):
    path = tmp_path / "bad.css"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(BohbvisError) as err:
        load_theme(str(path))
    problem = err.value.problems[0]
    assert problem.file == str(path) and problem.line == line, str(err.value)
    assert words in str(err.value)


def test_extra_rules_and_comments_are_kept():
    theme = parse_theme(LIGHT + "\n/* mine */\n.slide-title { text-transform: uppercase; }\n", name="x")
    assert ".slide-title { text-transform: uppercase; }" in theme.css


def test_color_helpers():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#fff", "#fff") == pytest.approx(1)
    assert mix("#000000", "#ffffff", 0.5) == "#808080"
    assert mix("red", "#ffffff", 0.5) == "red"  # not hex: left as it is


@pytest.mark.parametrize("name", ["light", "dark"])
def test_builtin_palettes_stay_visible_on_their_background(name):
    """Marks never vanish: every category reaches 3:1 on the background (WCAG non-text contrast),
    text 4.5:1, and the sequential ramp's low end stays well off the background (it colors dots)."""
    from bohbvis.render.theme import contrast_ratio, load_theme

    v = load_theme(name).variables
    for i in range(1, 9):
        assert contrast_ratio(v[f"category-{i}"], v["bg"]) >= 3.0, f"{name}: --category-{i}"
    assert contrast_ratio(v["fg"], v["bg"]) >= 4.5 and contrast_ratio(v["muted"], v["bg"]) >= 4.5
    assert contrast_ratio(v["sequential-low"], v["bg"]) >= 2.4
    assert contrast_ratio(v["sequential-high"], v["bg"]) >= 3.0
