"""Korean particles that depend on the word before them (은/는, 이/가, 을/를, 와/과, (으)로, (이)다).

A message writes the particle after a placeholder, `{name|은}`, and the word it follows picks
the form: Hangul by its last syllable's final consonant, numbers by how they are read (3 삼 →
3은, 2 이 → 2는), both through `tossi`. What tossi cannot read — Latin names such as a
hyperparameter's — gets the form Korean software writes when the reading is unknown
("max_depth은(는)"), except acronyms and the terms this deck uses, whose readings are known.
"""

from __future__ import annotations

import re

# How the deck's own Latin terms are read: only the last sound matters.
_READINGS = {
    "bo": "비오", "bohb": "보브", "hyperband": "하이퍼밴드", "tpe": "티피이", "fanova": "에프아노바",
    "t-sne": "티스니", "tsne": "티스니", "pca": "피씨에이", "mds": "엠디에스", "smac": "스맥", "smac3": "스맥쓰리",
    "optuna": "옵투나", "ray": "레이", "tune": "튠", "loss": "로스", "accuracy": "어큐러시", "eta": "에타",
    "hpbandster": "에이치피밴드스터", "auto": "오토", "random": "랜덤", "sklearn": "사이킷런",
}
# Letters of an acronym, read one by one (A 에이 … Z 지).
_LETTERS = dict(zip("abcdefghijklmnopqrstuvwxyz",
                    ["에이", "비", "씨", "디", "이", "에프", "지", "에이치", "아이", "제이", "케이", "엘", "엠", "엔", "오",
                     "피", "큐", "알", "에스", "티", "유", "브이", "더블유", "엑스", "와이", "지"]))
# Symbols a number ends with, read as a word.
_SYMBOLS = {"%": "퍼센트", "×": "배", "x": "배", "s": "초", "°": "도"}
_TRAILING = re.compile(r"[\s)\]\"'’”」』》〉.,:;!?]+$")


def _proxy(word: str) -> str | None:
    """A Hangul word that ends with the same sound as `word`, or None when that is unknown."""
    core = _TRAILING.sub("", word)
    if not core:
        return None
    last = core[-1]
    if "\uac00" <= last <= "\ud7a3":
        return last
    if last.isdigit():
        return core[-12:]  # tossi reads the number itself (10 십 → 10은, 1000 천 → 1000은)
    if last in _SYMBOLS and len(core) > 1 and (core[-2].isdigit() or core[-2] == " "):
        return _SYMBOLS[last]
    token = re.split(r"[^A-Za-z0-9\-]+", core)[-1].lower()
    if token in _READINGS:
        return _READINGS[token]
    if token.isalpha() and token.upper() == re.split(r"[^A-Za-z]+", core)[-1] and len(token) <= 5:
        return _LETTERS[token[-1]]  # an acronym: BO, TPE, GPU
    return None


def attach(word: str, particle: str) -> str:
    """`word` followed by `particle` in the form the word's last sound asks for."""
    import tossi

    proxy = _proxy(word)
    if proxy is None:
        return tossi.postfix("max_depth", particle).replace("max_depth", word, 1)  # the "은(는)" form
    joined = tossi.postfix(proxy, particle)
    return word + joined[len(proxy):]
