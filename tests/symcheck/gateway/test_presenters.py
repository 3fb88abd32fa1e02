from symcheck.gateway.presenters import summary_view


def test_an_empty_summary_reads_as_not_given() -> None:
    view = summary_view(None)
    assert view["age"] == "not given"
    assert view["disposition"] == "not assessed yet"
    assert view["assessed"]


def test_infant_ages_are_shown_in_months() -> None:
    assert summary_view({"age_years": 0.25})["age"] == "3 months"
    assert summary_view({"age_years": 34.0})["age"] == "34 years"


def test_unassessed_handoffs_are_flagged() -> None:
    assert not summary_view({"extra": {"assessed": False}})["assessed"]
    assert summary_view({"extra": {"assessed": True}})["assessed"]


def test_condition_scores_become_percentages() -> None:
    view = summary_view(
        {"top_conditions": [{"name": "Common cold", "icd10": "J00", "score": 0.456}]}
    )
    assert view["top_conditions"][0]["percent"] == 46
