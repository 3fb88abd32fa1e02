"""Body sites, sides and parts: the vocabulary of a finding's location ("left knee").

A location is written ``[side] [part] site``: ``knee``, ``left knee``, ``lower back``, ``right
lower abdomen``, ``both foot``. Sites are canonical singular names; lay words map to them
("tummy", "belly" and "stomach" are the abdomen; "balls" the testicle).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from symcheck.clinical.nlu.text import stem

# Canonical site -> the lay words for it (as typed; compared after stemming).
_SITE_WORDS: dict[str, tuple[str, ...]] = {
    "head": ("head", "skull"),
    "scalp": ("scalp",),
    "forehead": ("forehead",),
    "temple": ("temple", "temples"),
    "face": ("face", "cheek", "cheeks"),
    "eye": ("eye", "eyes", "eyeball", "eyeballs", "eyelid", "eyelids"),
    "ear": ("ear", "ears", "earlobe"),
    "nose": ("nose", "nostril", "nostrils"),
    "mouth": ("mouth",),
    "lip": ("lip", "lips"),
    "tongue": ("tongue",),
    "tooth": ("tooth", "teeth"),
    "gum": ("gum", "gums"),
    "jaw": ("jaw", "jaws"),
    "throat": ("throat", "tonsil", "tonsils"),
    "neck": ("neck",),
    "shoulder": ("shoulder", "shoulders"),
    "armpit": ("armpit", "armpits", "underarm", "underarms"),
    "arm": ("arm", "arms", "forearm", "forearms"),
    "elbow": ("elbow", "elbows"),
    "wrist": ("wrist", "wrists"),
    "hand": ("hand", "hands", "palm", "palms"),
    "finger": ("finger", "fingers", "fingertip", "fingertips", "knuckle", "knuckles"),
    "thumb": ("thumb", "thumbs"),
    "chest": ("chest", "breastbone", "sternum"),
    "breast": ("breast", "breasts", "boob", "boobs", "nipple", "nipples"),
    "rib": ("rib", "ribs"),
    "back": ("back", "spine"),
    "abdomen": ("abdomen", "tummy", "stomach", "belly", "tum", "abdominal"),
    "side": ("side", "flank", "flanks"),
    "groin": ("groin",),
    "pelvis": ("pelvis", "pelvic"),
    "hip": ("hip", "hips"),
    "buttock": ("buttock", "buttocks"),
    "bottom": ("bum", "bottom", "anus", "anal"),
    "genitals": ("genitals", "genital"),
    "penis": ("penis", "willy"),
    "testicle": ("testicle", "testicles", "testes", "balls", "scrotum"),
    "vagina": ("vagina", "vulva", "labia"),
    "leg": ("leg", "legs"),
    "thigh": ("thigh", "thighs"),
    "knee": ("knee", "knees", "kneecap"),
    "calf": ("calf", "calves"),
    "shin": ("shin", "shins"),
    "ankle": ("ankle", "ankles"),
    "foot": ("foot", "feet", "sole"),
    "heel": ("heel", "heels"),
    "toe": ("toe", "toes"),
}
_SIDE_WORDS = {"left": "left", "right": "right", "both": "both"}
_PART_WORDS = {"upper": "upper", "lower": "lower", "low": "lower"}

SITES = frozenset(_SITE_WORDS)
SIDES = frozenset(_SIDE_WORDS.values())
PARTS = frozenset(_PART_WORDS.values())

SITE_OF = MappingProxyType({stem(w): site for site, words in _SITE_WORDS.items() for w in words})
"""Stemmed lay word -> canonical site."""
SIDE_OF = MappingProxyType({stem(w): side for w, side in _SIDE_WORDS.items()})
"""Stemmed word -> side."""
PART_OF = MappingProxyType({stem(w): part for w, part in _PART_WORDS.items()})
"""Stemmed word -> part."""


@dataclass(frozen=True)
class Location:
    """A body site with an optional side and part."""

    site: str
    side: str | None = None
    part: str | None = None

    def __str__(self) -> str:
        return " ".join(x for x in (self.side, self.part, self.site) if x)

    @classmethod
    def parse(cls, text: str) -> Location:
        """Read ``[side] [part] site`` ("right lower abdomen").

        Raises:
            ValueError: not in that form, or an unknown side, part or site.
        """
        words = text.split()
        side = words.pop(0) if len(words) > 1 and words[0] in SIDES else None
        part = words.pop(0) if len(words) > 1 and words[0] in PARTS else None
        if len(words) != 1 or words[0] not in SITES:
            raise ValueError(
                f"location {text!r} is not '[side] [part] site' with side in {sorted(SIDES)}, "
                f"part in {sorted(PARTS)} and a known site"
            )
        return cls(words[0], side, part)
