"""The extraction result types."""

from __future__ import annotations

from symcheck.clinical.nlu.extraction import Extraction, Mention, Subject
from symcheck.clinical.patient import Observation


def test_a_mention_is_about_the_writer_by_default() -> None:
    assert Mention("fever", "fever", 0, 1, True).subject is Subject.SELF


def test_family_mentions_do_not_make_an_extraction_true() -> None:
    family = (Mention("diabetes", "diabet", 2, 3, True, Subject.FAMILY),)
    assert not Extraction(family=family)


def test_present_and_absent_ids() -> None:
    extraction = Extraction(observations={"fever": Observation(True), "cough": Observation(False)})
    assert (extraction.present_ids, extraction.absent_ids) == (["fever"], ["cough"])
