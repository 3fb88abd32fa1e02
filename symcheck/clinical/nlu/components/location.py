"""Component: the body site of each finding ("pain in my left knee" -> left knee).

A finding's location is read, in order, from:

1. its own words: "chest pain" (chest), "pain in the lower right side of my tummy" (right lower
   abdomen), "my right eye is really painful" (the side just before the site counts too);
2. the words right after it that say where: "rash on my legs", "numbness in my left hand",
   "my neck hurts on the left" (a side after a site named in the phrase);
3. the site named just before it as the subject of its clause: "my wrist is swollen", and the
   next finding of the same clause shares it ("my knee is swollen and stiff").

Only words of the body-site vocabulary count (:mod:`symcheck.clinical.nlu.body`). The first
site named wins ("blisters on my hands and feet" is the hands), except that a site "of" another
names the latter ("pain down the back of my leg" is the leg). "back" is a site only as a
body part ("my back", "back pain"; not "came back", "back from Spain"), "side" only as the
flank ("pain in my side"; not "on one side", "left side of my tummy") and "bottom" only as the
buttocks ("bottom of my foot" is the foot). A denied finding has no location. Sites are also
marked as ``doc.spans["locations"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from symcheck.clinical.nlu.body import PART_OF, SIDE_OF, SITE_OF, Location
from symcheck.clinical.nlu.extensions import LOCATIONS, FindingRecord
from symcheck.clinical.nlu.text import FILLERS, POSSESSIVE_OR_OBJECT
from symcheck.clinical.nlu.triggers import SENTENCE_END, stems

if TYPE_CHECKING:
    from spacy.tokens import Doc

NAME = "symcheck_location"

# Words that may stand between a finding and the place it is said to be.
_PREPOSITIONS = stems(
    {
        "in",
        "on",
        "at",
        "around",
        "round",
        "behind",
        "under",
        "underneath",
        "below",
        "above",
        "over",
        "across",
        "down",
        "up",
        "along",
        "near",
        "between",
        "inside",
        "of",
        "to",
        "into",
        "through",
        "from",
        "by",
        "all",
    }
)
_DETERMINERS = FILLERS | POSSESSIVE_OR_OBJECT | stems({"both", "one", "each", "either", "this"})
# Words between a site and the finding it is the subject of: "my knee is really swollen".
_COPULA = FILLERS | stems(
    {
        "feel",
        "feels",
        "felt",
        "look",
        "looks",
        "has",
        "have",
        "been",
        "gone",
        "going",
        "getting",
        "got",
        "really",
        "very",
        "so",
        "quite",
        "bit",
        "little",
        "all",
        "kind",
        "of",
        "still",
        "also",
        "big",
    }
)
_BODY_WORDS_BEFORE_BACK = stems(
    {"my", "the", "his", "her", "their", "your", "our", "lower", "upper", "low", "middle", "mid"}
)
_BACK_AS_BODY_AFTER = stems(
    {"pain", "pains", "ache", "aches", "achy", "hurts", "hurt", "spasm", "spasms", "is", "was"}
)
# Verbs after a site that make it what the clause is about ("my knee is swollen and stiff").
_SUBJECT_VERBS = stems({"is", "are", "was", "were", "feels", "feel", "looks", "has", "keeps"})
_LEADS = stems(
    {"feeling", "sensation", "area", "patch", "patches", "bit", "part", "spot", "spots", "lump"}
)
_POSSESSIVES = stems({"my", "his", "her", "their", "the"})
_PLACE_WORDS = stems({"front", "top", "bottom", "back", "side", "big", "little", "middle", "tip"})
_NOT_FLANK_BEFORE = stems({"one", "other", "each", "either", "this", "that", "same", "both"})
_BREAKS = SENTENCE_END | frozenset({",", ";", ":", "(", ")", "and", "but", "or"})
_AFTER_REACH = 6  # words after a finding that may say where it is
_BEFORE_REACH = 4  # words between a site and a finding it is the subject of


class LocationReader:
    """Sets each finding record's ``location`` and ``doc.spans["locations"]``."""

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span

        words: list[str] = doc._.words
        sites = [_site(words, i) for i in range(len(words))]
        records: list[FindingRecord] = doc._.finding_records
        shared: dict[int, Location] = {}  # finding end -> the site its clause is about
        for record in records:
            inside = {
                i
                for r in records
                if r.finding_id != record.finding_id
                for i in range(r.start, r.end)
            }
            location, is_subject = _own(words, sites, record.start, record.end)
            if location is None:
                location = _after(words, sites, record.end, inside)
                if location is not None:  # "lower right side | of my tummy"
                    location = _with_qualifiers(location, words[record.start : record.end])
            if location is None:
                location = _before(words, sites, record.start) or _shared(
                    words, shared, record.start
                )
                is_subject = location is not None
            if is_subject and location is not None:
                shared[record.end] = location
            if record.present is not False:  # an absent finding is nowhere
                record.location = None if location is None else str(location)
        word_index: list[int] = doc._.word_index
        doc.spans[LOCATIONS] = [
            Span(doc, word_index[i], word_index[i] + 1, label=site)
            for i, site in enumerate(sites)
            if site is not None
        ]
        return doc


def _site(words: list[str], i: int) -> str | None:
    """The canonical site word ``i`` names, if it names one here."""
    site = SITE_OF.get(words[i])
    before = words[i - 1] if i > 0 else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    if site == "back" and not (
        before in _BODY_WORDS_BEFORE_BACK or before in SIDE_OF or after in _BACK_AS_BODY_AFTER
    ):
        return None
    if site == "side" and (after == "of" or before in _NOT_FLANK_BEFORE):
        return None
    if site == "bottom" and after == "of":
        return None
    return site


def _location(words: list[str], sites: list[str | None], lo: int, last: int) -> Location:
    """The site at word ``last``, with the first side and part said in ``words[lo:last]``."""
    site = sites[last]
    assert site is not None
    window = words[lo : last + 1]
    side = next((SIDE_OF[w] for w in window if w in SIDE_OF), None)
    part = next((PART_OF[w] for w in window if w in PART_OF), None)
    return Location(site, side, part)


def _own(
    words: list[str], sites: list[str | None], start: int, end: int
) -> tuple[Location | None, bool]:
    """The site among the finding's own words (with a side or part said just before them:
    "both my knees ache", or right after: "my neck hurts on the left"), and whether the site
    is what the clause is about ("knee is swollen", not "chest pain")."""
    first = next((i for i in range(start, end) if sites[i] is not None), None)
    if first is None:
        return None, False
    last = _run_end(words, sites, first, end)
    lo = start
    while lo > 0 and (
        words[lo - 1] in SIDE_OF or words[lo - 1] in PART_OF or words[lo - 1] in _DETERMINERS
    ):
        lo -= 1
    location = _location(words, sites, lo, last)
    if location.side is None:
        side = _side_after(words, end)
        if side is not None:
            location = Location(location.site, side, location.part)
    is_subject = last + 1 < end and words[last + 1] in _SUBJECT_VERBS
    return location, is_subject


def _after(
    words: list[str], sites: list[str | None], end: int, inside: set[int]
) -> Location | None:
    """The place said right after a finding: "rash on my legs", "lump in my groin", "numb
    feeling in my arm", "dog bit my hand", "pain down the back of my leg". A site inside
    another finding's words is that finding's."""
    k = end
    while k < len(words) and words[k] in _LEADS:
        k += 1  # "numb feeling in ...", "red swollen area on ..."
    if k >= len(words) or not (words[k] in _PREPOSITIONS or words[k] in _POSSESSIVES):
        return None
    i = k
    while i < len(words) and i - k < _AFTER_REACH and words[i] not in _BREAKS:
        word = words[i]
        if sites[i] is not None:
            if i in inside:
                return None
            return _location(words, sites, k, _run_end(words, sites, i, len(words)))
        if not (
            word in _PREPOSITIONS
            or word in _DETERMINERS
            or word in SIDE_OF
            or word in PART_OF
            or word in _PLACE_WORDS
        ):
            break
        i += 1
    return None


def _run_end(words: list[str], sites: list[str | None], first: int, end: int) -> int:
    """The site a run of sites joined by "of" names: "side of my tummy" and "back of my leg"
    are the tummy and the leg."""
    last = k = first
    while k + 1 < end and words[k + 1] == "of":
        k += 2
        while k < end and words[k] in _DETERMINERS:
            k += 1
        if k < end and sites[k] is not None:
            last = k
        else:
            break
    return last


def _with_qualifiers(location: Location, words: list[str]) -> Location:
    """The location with a side and part said in ``words`` when it has none of its own."""
    side = location.side or next((SIDE_OF[w] for w in words if w in SIDE_OF), None)
    part = location.part or next((PART_OF[w] for w in words if w in PART_OF), None)
    return Location(location.site, side, part)


def _side_after(words: list[str], end: int) -> str | None:
    """A side said right after a finding: "on the left", "on my right side"."""
    k = end
    if k < len(words) and words[k] in ("on", "to", "at", "down"):
        k += 1
        while k < len(words) and words[k] in _DETERMINERS:
            k += 1
        if k < len(words) and words[k] in SIDE_OF:
            return SIDE_OF[words[k]]
    return None


def _before(words: list[str], sites: list[str | None], start: int) -> Location | None:
    """The site a finding is said of, just before it: "my wrist is swollen"."""
    k = start - 1
    while k >= 0 and start - k <= _BEFORE_REACH and words[k] in _COPULA and sites[k] is None:
        k -= 1
    if k < 0 or k == start - 1 or sites[k] is None:
        return None  # a site right before the phrase with no verb between is not its subject
    lo = k
    while lo > 0 and (words[lo - 1] in SIDE_OF or words[lo - 1] in PART_OF):
        lo -= 1
    return _location(words, sites, lo, k)


def _shared(words: list[str], shared: dict[int, Location], start: int) -> Location | None:
    """ "my knee is swollen and stiff": the next finding of the clause shares its site."""
    k = start - 1
    while k >= 0 and words[k] in _COPULA:
        k -= 1
    if k < 0 or words[k] != "and":
        return None
    k -= 1
    while k >= 0 and words[k] in _COPULA:
        k -= 1
    return shared.get(k + 1)
