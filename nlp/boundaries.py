"""Where a name may start and end inside running text.

Languages written with spaces need a word boundary ('Monster' is not in 'monstersized'), but
Japanese and Chinese run words together: '怪物' must match inside '昨日怪物を観た'. So a name may
touch a Han, kana or CJK-punctuation character on either side, never a Latin, Cyrillic, Hangul
(Korean is written with spaces) or other letter or digit.
"""

from __future__ import annotations

# Han ideographs (and extension A, compatibility), hiragana, katakana, CJK symbols, full-width forms
CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# a word character that is not CJK: [^\W<cjk>] = not a non-word character and not CJK
_SPACED_WORD = rf"[^\W{CJK}]"
BEFORE = rf"(?<!{_SPACED_WORD})"
AFTER = rf"(?!{_SPACED_WORD})"


def bounded(body: str, also_before: str = "") -> str:
    """`body` (a regex) as a whole word in spaced scripts, anywhere next to CJK characters;
    `also_before` adds single characters that may not precede it (such as '#')."""
    before = rf"(?<![{also_before}])" if also_before else ""
    return rf"{before}{BEFORE}(?:{body}){AFTER}"
