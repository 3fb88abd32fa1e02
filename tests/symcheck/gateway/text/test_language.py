from __future__ import annotations

import pytest

from symcheck.gateway.text.language import Language, detect_language


@pytest.mark.parametrize(
    "text",
    [
        "I have a headache since yesterday",
        "my chest hurts when I breathe",
        "yes",
        "no",
        "ok thanks",
        "I went to the café and now I feel sick",
        "my son has a fever",  # "son" is also French
        "I had dolor in my tummy",  # one foreign word in English
        "Can I get some help please",
    ],
)
def test_english(text: str) -> None:
    assert detect_language(text) is Language.ENGLISH


@pytest.mark.parametrize("text", ["chest pain", "34", "fever 39.5", "", "!!!", "diarrhoea", "rash"])
def test_short_clinical_text_is_never_other(text: str) -> None:
    assert detect_language(text) is not Language.OTHER


@pytest.mark.parametrize("text", ["34", "", "!!!", "diarrhoea"])
def test_no_evidence_is_unknown(text: str) -> None:
    assert detect_language(text) is Language.UNKNOWN


@pytest.mark.parametrize(
    "text",
    [
        "tengo dolor de cabeza desde ayer",
        "Mi hijo tiene fiebre",
        "¿Qué debo hacer?",
        "j'ai mal à la tête depuis hier",
        "Ich habe Kopfschmerzen seit gestern",
        "estou com dor de cabeça",
        "ho mal di testa da ieri",
        "ik heb pijn in mijn buik",
        "у меня болит голова",
        "我头疼",
        "頭が痛いです",
        "أشعر بألم في صدري",
        "hola",
        "bonjour",
        "danke",
        "Mi hijo no respira",
        "ayuda, crushing chest pain and sweating",
        "Mein Kind hat Fieber",
        "mon fils ne respire pas",
        "meu filho não respira",
        "mio figlio non respira",
        "la tos no para",
    ],
)
def test_other_languages(text: str) -> None:
    assert detect_language(text) is Language.OTHER


# A mostly-Spanish message with an English red-flag phrase: the gateway must still run the
# red-flag check on it (tests/symcheck/clinical/test_safety.py checks that it fires).
SPANISH_WITH_AN_ENGLISH_RED_FLAG = "Mi padre tiene crushing chest pain y está sudando mucho"


def test_mostly_spanish_with_an_english_red_flag_is_other() -> None:
    assert detect_language(SPANISH_WITH_AN_ENGLISH_RED_FLAG) is Language.OTHER


@pytest.mark.parametrize(
    "text",
    [
        "no pain",
        "in pain",
        "so tired",
        "me and my son have a rash",
        "hola, I have a headache and a fever",
        "the baby will not feed",
        "ma has a fever",
        "um chest pain",
    ],
)
def test_shared_words_alone_do_not_make_a_message_foreign(text: str) -> None:
    assert detect_language(text) is not Language.OTHER
