"""A small, pure "is this English?" detector for patient messages.

The bot understands English only. This detector is deliberately conservative about English:
short English messages ("chest pain", "34", "yes", "no") and English with a foreign word in it
("I had dolor in my tummy") are never rejected. It answers :attr:`Language.OTHER` on mostly
non-Latin letters, or when words of another language outweigh the English ones. Function
words shared with other languages ("no", "a", "me", "in", "so", "was", "pain") count as English
only when nothing else in the message is foreign, so "Mi hijo no respira" is Spanish. No
evidence either way is :attr:`Language.UNKNOWN`, which callers treat as English.

Callers must still run the red-flag check on messages detected as another language: "Mi padre
tiene crushing chest pain y está sudando mucho" is :attr:`Language.OTHER` and a heart attack.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class Language(StrEnum):
    ENGLISH = "en"
    OTHER = "other"
    UNKNOWN = "unknown"


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)

# Frequent English function words and chat words.
_ENGLISH = _words(
    """
    i im i'm me my mine you your he she it its we our they them their this that these those
    is are was were be been being am have has had having do does did doing dont don't doesnt
    didnt cant can't wont won't isnt not no yes yeah ok okay and or but if so because the a
    an of to in on at for with from by about into over after before up down out off again
    very too also just only what when where who why how which there here can could would
    should will shall may might must feel feeling hurts hurt pain since days day week weeks
    hours ago really bit lot much some any all please thanks thank hello hi hey help get got
    """
)

# Function words of other languages written in Latin script (Spanish, French, German,
# Portuguese, Italian, Dutch, Swedish), minus words that are also English ("a", "me", "no",
# "in", "die", "son", "was"...), so they never count against an English message.
_OTHER = (
    _words(
        """
        el los las del al una uno unos unas por para con sin pero porque muy mucho tengo
        tiene estoy esta está están es soy yo mi mis tu su sus que qué como cómo cuando
        dónde donde hola gracias dolor desde hace también ayuda necesito puedo
        le les du des et est je il elle nous vous ils elles avec pour dans sur pas mais très
        j'ai suis c'est une mon ma mes bonjour merci depuis aussi mal aide
        der das und ist nicht ich du er sie wir ihr mit für auf ein eine einen dem den von
        zu habe hast haben bin bist sehr aber wie wann wo hallo danke seit schmerzen hilfe
        um uma os da das do dos em com não nao sim eu você voce ele ela nós muito estou
        tenho olá ola obrigado obrigada dor
        il lo gli della che è sono ho hai ha abbiamo non mio mia ciao grazie molto perché
        anche aiuto male quando dove
        het een ik jij hij zij wij niet met voor maar ook heb hebt dank pijn
        och jag inte det att hej tack
        """
    )
    - _ENGLISH
)

# English words that are also common words of another language (Spanish/Italian/Portuguese
# "no", "a", "me"; German "in", "an", "so", "was", "also", "will"; French "on", "pain"...).
_SHARED = _words("no a me in an on so was also will do pain come")

# Everyday words of those languages in messages about health, so a short message made of
# nouns and verbs ("Mi hijo no respira", "Mein Kind hat Fieber") has evidence too.
_OTHER_CONTENT = _words(
    """
    hijo hija hijos niño niña nino nina bebé bebe madre padre esposo esposa abuela abuelo
    respira respirar fiebre cabeza pecho estómago estomago barriga garganta tos vómito vomito
    vomitando sangre mareo mareado mareada duele dolores socorro urgente ayúdame ayudenme
    tiene tienen está estan mucho mucha nada muy ella ellos también respiro sudando
    enfant bébé fièvre tête poitrine ventre toux respire aidez secours mère père mon ma
    Kind Fieber Kopf Brust Bauch Husten Blut atmet Atemnot Mutter Vater bitte Schmerz mein meine
    filho filha criança febre cabeça peito tosse sangue ajuda socorro mãe pai dói
    figlio figlia bambino bambina febbre testa petto pancia gola aiuto respira
    de la el en los las se
    """
)

# Words that are also English slang or abbreviations ("ma", "um", "ha", "yo", "sim", "mon").
_AMBIGUOUS = _words("ma um ha yo sim mon")
_FOREIGN = (_OTHER | frozenset(w.lower() for w in _OTHER_CONTENT - _ENGLISH)) - _AMBIGUOUS

# Characters that practically never appear in English text.
_STRONG_MARKS = frozenset("¿¡ñÑßãõÃÕœŒ")

_MIN_LATIN_SHARE = 0.6
# Letters with diacritics that are common in the other languages and rare in English.
_ACCENTED = frozenset("áéíóúâêôàèìòùçäöüÁÉÍÓÚÂÊÔÀÈÌÒÙÇÄÖÜ")


def detect_language(text: str) -> Language:
    """Guess whether ``text`` is English; see the module docstring for the rules."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return Language.UNKNOWN
    latin = sum(1 for ch in letters if _is_latin(ch))
    if latin / len(letters) < _MIN_LATIN_SHARE:
        return Language.OTHER
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(1 for w in words if w in _ENGLISH and w not in _SHARED)
    shared = sum(1 for w in words if w in _SHARED)
    other = sum(1 for w in words if w in _FOREIGN)
    other += sum(1 for w in words if w not in _FOREIGN and not _ACCENTED.isdisjoint(w))
    other += 2 * sum(1 for ch in text if ch in _STRONG_MARKS)
    if other == 0:
        return Language.ENGLISH if english or shared else Language.UNKNOWN
    if other > english and (other >= 2 or english <= 1):
        return Language.OTHER  # "Mi hijo no respira", "hola", "ayuda, crushing chest pain"
    if other == english and english <= 1:
        return Language.OTHER  # "gracias ok": one word each, and the English one is trivial
    return Language.ENGLISH


def _is_latin(ch: str) -> bool:
    try:
        return unicodedata.name(ch).startswith("LATIN")
    except ValueError:
        return False
