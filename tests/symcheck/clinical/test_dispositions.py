import pytest

from symcheck.clinical.dispositions import Disposition, from_urgency, most_urgent


def test_urgency_orders_the_five_levels() -> None:
    ordered = sorted(Disposition, key=lambda d: d.urgency)
    assert [d.value for d in ordered] == [
        "self_care",
        "consultation",
        "consultation_24",
        "emergency",
        "emergency_ambulance",
    ]


def test_raised_goes_one_level_up_and_caps() -> None:
    assert Disposition.SELF_CARE.raised() is Disposition.CONSULTATION
    assert Disposition.EMERGENCY.raised(5) is Disposition.EMERGENCY_AMBULANCE


def test_is_emergency_only_for_the_two_emergency_levels() -> None:
    assert {d for d in Disposition if d.is_emergency} == {
        Disposition.EMERGENCY,
        Disposition.EMERGENCY_AMBULANCE,
    }


def test_most_urgent_ignores_none() -> None:
    assert most_urgent(None, Disposition.CONSULTATION, Disposition.SELF_CARE) is (
        Disposition.CONSULTATION
    )
    assert most_urgent(None, None) is None


def test_from_urgency_rejects_out_of_range() -> None:
    with pytest.raises(ValueError, match="0-4"):
        from_urgency(7)


def test_every_level_has_plain_words() -> None:
    for disposition in Disposition:
        assert disposition.headline.endswith(".")
        assert disposition.label
