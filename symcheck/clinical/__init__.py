"""The clinical engine: knowledge base, red-flag rules, language understanding, scoring,
question choice, triage and the interview. Pure and deterministic given its inputs."""
