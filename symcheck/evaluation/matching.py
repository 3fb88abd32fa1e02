"""Does a ranked condition match the gold diagnosis? ICD-10 first, then the name.

The rule (documented in ``evaluation/README.md``):

- **ICD-10**: codes are compared after upper-casing and removing spaces and a trailing dot.
  They match when they are equal, or when either side is a 3-character *category* (``J45``,
  ``N10``) and the other code is in that category (``J45`` matches ``J45.9``). Two different
  subcodes of one category do not match (``J02.0`` streptococcal is not ``J02.9`` viral).
- **Name**: names match when they share an *alias*. A name's aliases are the whole name, the
  part before any parenthesis, each parenthesised part, and each side of an " or " in those
  parts, all lower-cased with punctuation folded to spaces. So "Acute coronary syndrome (heart
  attack)" matches "Heart attack or unstable angina (acute coronary syndrome)".

A condition matches the gold diagnosis when either its code or its name matches.
"""

from __future__ import annotations

import re

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENS = re.compile(r"\(([^()]*)\)")
_CATEGORY_LENGTH = 3


def normalise_icd10(code: str) -> str:
    """Upper-case ``code`` and drop spaces and a trailing dot (``" j45. "`` -> ``"J45"``)."""
    return code.strip().upper().replace(" ", "").rstrip(".")


def is_category(code: str) -> bool:
    """Whether ``code`` is a 3-character ICD-10 category (``J45``), not a subcode."""
    return len(normalise_icd10(code)) == _CATEGORY_LENGTH


def icd10_matches(gold: str, predicted: str) -> bool:
    """Whether two ICD-10 codes match: equal, or same category when either is a category.

    Args:
        gold: the gold code.
        predicted: the code of a ranked condition.

    Returns:
        ``True`` for ``("J45", "J45.9")`` and ``("N10", "N10")``, ``False`` for
        ``("J02.0", "J02.9")`` and for an empty code on either side.
    """
    a, b = normalise_icd10(gold), normalise_icd10(predicted)
    if not a or not b:
        return False
    if a == b:
        return True
    if is_category(a) or is_category(b):
        return a[:_CATEGORY_LENGTH] == b[:_CATEGORY_LENGTH]
    return False


def name_aliases(name: str) -> frozenset[str]:
    """The normalised aliases of a condition name (see the module docstring).

    ``"Retinal tear or detachment (eye)"`` gives ``{"retinal tear or detachment eye",
    "retinal tear or detachment", "retinal tear", "detachment", "eye"}``.
    """
    aliases = {_fold(name)}
    for part in (_PARENS.sub(" ", name), *_PARENS.findall(name)):
        aliases.add(_fold(part))
        pieces = re.split(r"\bor\b", part, flags=re.IGNORECASE)
        if len(pieces) > 1:
            aliases.update(_fold(piece) for piece in pieces)
    aliases.discard("")
    return frozenset(aliases)


def names_match(gold: str, predicted: str) -> bool:
    """Whether two condition names share an alias."""
    return bool(name_aliases(gold) & name_aliases(predicted))


def condition_matches(gold_name: str, gold_icd10: str, name: str, icd10: str) -> bool:
    """Whether a ranked condition (``name``, ``icd10``) is the gold diagnosis."""
    return icd10_matches(gold_icd10, icd10) or names_match(gold_name, name)


def _fold(text: str) -> str:
    return _NON_ALNUM.sub(" ", text.lower()).strip()
