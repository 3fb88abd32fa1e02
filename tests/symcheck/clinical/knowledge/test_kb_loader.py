"""Loading the knowledge base: strict validation with errors naming the file and entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from symcheck.clinical.knowledge import (
    KnowledgeBase,
    KnowledgeBaseError,
    default_kb_dir,
    load_knowledge_base,
)

_FINDINGS = [
    {
        "id": "fever",
        "name": "Fever",
        "question": "Do you have a fever?",
        "synonyms": ["fever", "high temperature"],
        "base_rate": 0.2,
    },
    {
        "id": "cough",
        "name": "Cough",
        "question": "Do you have a cough?",
        "synonyms": ["cough"],
        "base_rate": 0.2,
    },
    {
        "id": "runny_nose",
        "name": "Runny nose",
        "question": "Do you have a runny nose?",
        "synonyms": ["runny nose"],
        "base_rate": 0.1,
    },
]
_CONDITION = {
    "id": "common_cold",
    "name": "Common cold",
    "icd10": "J00",
    "prevalence": 0.1,
    "severity": "mild",
    "disposition": "self_care",
    "findings": {"fever": 0.2, "cough": 0.5, "runny_nose": 0.8},
    "advice": "Rest and drink plenty of fluids.",
    "safety_net": "If you get breathless or worse, see a doctor.",
    "source": "Test source",
}


def _write(
    tmp_path: Path, findings: list | None = None, conditions: list | None = None, **kb: object
) -> Path:
    (tmp_path / "findings").mkdir()
    (tmp_path / "conditions").mkdir()
    info = {"version": "0.0.1", "title": "Test KB", **kb}
    (tmp_path / "kb.yml").write_text(yaml.safe_dump(info))
    body = {"system": "general", "source": "Test", "findings": findings or _FINDINGS}
    (tmp_path / "findings" / "general.yml").write_text(yaml.safe_dump(body))
    conds = {"system": "respiratory", "conditions": conditions or [_CONDITION]}
    (tmp_path / "conditions" / "respiratory.yml").write_text(yaml.safe_dump(conds))
    return tmp_path


def test_loads_a_minimal_knowledge_base(tmp_path: Path) -> None:
    kb = load_knowledge_base(_write(tmp_path))
    assert set(kb.findings) == {"fever", "cough", "runny_nose"}
    assert kb.conditions["common_cold"].system == "respiratory"


def test_file_level_system_and_source_are_defaults(tmp_path: Path) -> None:
    kb = load_knowledge_base(_write(tmp_path))
    assert kb.findings["fever"].system == "general"
    assert kb.findings["fever"].source == "Test"


def test_entry_can_override_the_file_system(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "system": "neurological"}, *_FINDINGS[1:]]
    kb = load_knowledge_base(_write(tmp_path, findings=findings))
    assert kb.findings["fever"].system == "neurological"


def test_unknown_finding_key_is_rejected_by_name(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "synonym": ["hot"]}, *_FINDINGS[1:]]
    with pytest.raises(KnowledgeBaseError, match=r"(?s)general\.yml\[0\] fever.*synonym"):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_unknown_condition_key_is_rejected_by_name(tmp_path: Path) -> None:
    condition = {**_CONDITION, "prevalance": 0.1}
    with pytest.raises(
        KnowledgeBaseError, match=r"(?s)respiratory\.yml\[0\] common_cold.*prevalance"
    ):
        load_knowledge_base(_write(tmp_path, conditions=[condition]))


def test_invalid_icd10_is_rejected(tmp_path: Path) -> None:
    condition = {**_CONDITION, "icd10": "j00"}
    with pytest.raises(KnowledgeBaseError, match=r"(?s)common_cold.*icd10"):
        load_knowledge_base(_write(tmp_path, conditions=[condition]))


def test_likelihood_outside_zero_one_is_rejected(tmp_path: Path) -> None:
    condition = {**_CONDITION, "findings": {"fever": 1.0, "cough": 0.5, "runny_nose": 0.8}}
    with pytest.raises(KnowledgeBaseError, match="likelihood of 'fever'"):
        load_knowledge_base(_write(tmp_path, conditions=[condition]))


def test_question_must_end_with_a_question_mark(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "question": "Tell me about your fever."}, *_FINDINGS[1:]]
    with pytest.raises(KnowledgeBaseError, match=r"(?s)fever.*question"):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_duplicate_phrase_within_a_finding_is_named(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "synonyms": ["fever", "Fever"]}, *_FINDINGS[1:]]
    with pytest.raises(KnowledgeBaseError, match="duplicate phrase 'fever'"):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_phrase_shared_by_two_findings_is_rejected(tmp_path: Path) -> None:
    findings = [_FINDINGS[0], {**_FINDINGS[1], "synonyms": ["cough", "high temperature"]}]
    findings.append(_FINDINGS[2])
    with pytest.raises(KnowledgeBaseError, match="'high temperature' is used by both"):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_ignored_phrase_must_not_be_a_finding_phrase(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="ignored phrase 'cough'"):
        load_knowledge_base(_write(tmp_path, ignored_phrases=["cough"]))


def test_unknown_finding_in_a_condition_is_rejected(tmp_path: Path) -> None:
    condition = {**_CONDITION, "findings": {**_CONDITION["findings"], "sneezing": 0.5}}
    with pytest.raises(KnowledgeBaseError, match=r"common_cold'?: unknown finding 'sneezing'"):
        load_knowledge_base(_write(tmp_path, conditions=[condition]))


def test_unknown_parent_is_rejected(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "parent": "temperature"}, *_FINDINGS[1:]]
    with pytest.raises(KnowledgeBaseError, match="unknown parent 'temperature'"):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_parent_cycle_is_rejected(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "parent": "cough"}, {**_FINDINGS[1], "parent": "fever"}]
    findings.append(_FINDINGS[2])
    with pytest.raises(KnowledgeBaseError, match="parent chain loops"):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_escalator_criterion_errors_name_the_condition(tmp_path: Path) -> None:
    condition = {
        **_CONDITION,
        "escalators": [
            {"when": {"sex": "other"}, "disposition": "consultation", "reason": "why not"}
        ],
    }
    with pytest.raises(KnowledgeBaseError, match=r"(?s)common_cold.*sex must be"):
        load_knowledge_base(_write(tmp_path, conditions=[condition]))


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path)
    (tmp_path / "findings" / "broken.yml").write_text("findings: [\n")
    with pytest.raises(KnowledgeBaseError, match=r"broken\.yml: cannot read"):
        load_knowledge_base(tmp_path)


def test_unknown_top_level_key_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path)
    (tmp_path / "findings" / "extra.yml").write_text("system: general\nfinding: []\n")
    with pytest.raises(KnowledgeBaseError, match=r"extra\.yml: unexpected top-level keys"):
        load_knowledge_base(tmp_path)


def test_duplicate_finding_id_across_files_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path)
    body = {"system": "general", "source": "Test", "findings": [_FINDINGS[0]]}
    (tmp_path / "findings" / "more.yml").write_text(yaml.safe_dump(body))
    with pytest.raises(KnowledgeBaseError, match="duplicate finding id 'fever'"):
        load_knowledge_base(tmp_path)


def test_bad_version_in_kb_yml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"(?s)kb\.yml.*version"):
        load_knowledge_base(_write(tmp_path, version="one"))


def test_hierarchy_navigation(kb: KnowledgeBase) -> None:
    assert list(kb.ancestors_of("thunderclap_headache")) == ["headache"]
    assert "chest_pain_crushing" in kb.children_of("chest_pain")
    assert "hypo_not_responding" in set(kb.descendants_of("low_blood_sugar"))


def test_phrases_map_lowercase_phrases_to_findings(kb: KnowledgeBase) -> None:
    assert kb.phrases["sore froat"] == "sore_throat"
    assert kb.phrases["diarhea"] == "diarrhoea"


def test_shipped_version_is_read_from_kb_yml(kb: KnowledgeBase) -> None:
    raw = yaml.safe_load((default_kb_dir() / "kb.yml").read_text())
    assert kb.version == raw["version"]


def test_alternatives_in_a_phrase_are_expanded_on_load(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "synonyms": ["(high|raised) temperature"]}, *_FINDINGS[1:]]
    kb = load_knowledge_base(_write(tmp_path, findings=findings))
    assert kb.findings["fever"].synonyms == ("high temperature", "raised temperature")


def test_malformed_alternatives_name_the_finding(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "synonyms": ["(high|raised temperature"]}, *_FINDINGS[1:]]
    with pytest.raises(KnowledgeBaseError, match=r"(?s)fever.*unbalanced"):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_ignored_phrases_take_alternatives(tmp_path: Path) -> None:
    kb = load_knowledge_base(_write(tmp_path, ignored_phrases=["(fit|well) and healthy"]))
    assert kb.info.ignored_phrases == ("fit and healthy", "well and healthy")


# --- denials ----------------------------------------------------------------------------------


def test_denials_are_loaded_and_indexed(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "denials": ["no (temperature|temp)"]}, *_FINDINGS[1:]]
    kb = load_knowledge_base(_write(tmp_path, findings=findings))
    assert kb.denial_phrases == {"no temperature": "fever", "no temp": "fever"}


def test_denials_are_not_synonyms(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "denials": ["temperature is normal"]}, *_FINDINGS[1:]]
    assert (
        "temperature is normal"
        not in load_knowledge_base(_write(tmp_path, findings=findings)).phrases
    )


def test_a_denial_must_not_be_another_findings_phrase(tmp_path: Path) -> None:
    findings = [{**_FINDINGS[0], "denials": ["cough"]}, *_FINDINGS[1:]]
    with pytest.raises(
        KnowledgeBaseError, match="denial 'cough' of 'fever' is also a phrase of 'cough'"
    ):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_a_denial_belongs_to_one_finding(tmp_path: Path) -> None:
    findings = [
        {**_FINDINGS[0], "denials": ["all fine"]},
        {**_FINDINGS[1], "denials": ["all fine"]},
        _FINDINGS[2],
    ]
    with pytest.raises(KnowledgeBaseError, match="denial 'all fine' is used by both"):
        load_knowledge_base(_write(tmp_path, findings=findings))


def test_reports_inner_defaults_to_false(kb: KnowledgeBase) -> None:
    assert (
        kb.findings["fever"].reports_inner,
        kb.findings["household_same_symptoms"].reports_inner,
    ) == (
        False,
        True,
    )
