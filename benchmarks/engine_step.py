"""Time one interview step (extract + score + choose the next question) on the real knowledge base.

Runs a set of scripted interviews through the same engine the action server uses and reports
the latency of each ``engine.step`` (p50 / p95 / max) and of the knowledge-base scorer alone,
plus the red-flag check alone as the baseline measured in the same run.

Usage: ``.venv/bin/python -m benchmarks.engine_step [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from symcheck.clinical.engine_factory import load_interview_engine
from symcheck.clinical.interview.protocol import Act, Turn
from symcheck.clinical.safety import check_message
from symcheck.clinical.scoring import Evidence

OPENINGS = [
    "I'm a 40 year old woman with a headache and a sore throat since yesterday",
    "my 3 year old has had a fever and a cough for two days",
    "burning when I pee and I keep needing to go, I'm 29 and female",
    "I'm 67, male, I get chest tightness when I walk up hills",
    "I twisted my ankle playing football and it's swollen, I'm 22",
    "I've had diarrhoea and stomach cramps since Tuesday, 35 yo man",
]
ANSWERS = [Act.DENY, Act.AFFIRM, Act.DONT_KNOW, Act.DENY, Act.DENY, Act.AFFIRM, Act.DENY]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    engine = load_interview_engine()
    load_ms = (time.perf_counter() - started) * 1000

    step_ms: list[float] = []
    score_ms: list[float] = []
    safety_ms: list[float] = []
    for _ in range(args.repeat):
        for opening in OPENINGS:
            state = engine.new_state()
            turns = [Turn(Act.DESCRIBE, opening), *(Turn(a) for a in ANSWERS * 2)]
            for turn in turns:
                t0 = time.perf_counter()
                result = engine.step(state, turn)
                step_ms.append((time.perf_counter() - t0) * 1000)
                state = result.state
                t0 = time.perf_counter()
                engine.scorer.rank(Evidence(facts=state.facts))
                score_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                check_message(opening, state.facts, engine.extractor, engine.rules)
                safety_ms.append((time.perf_counter() - t0) * 1000)
                if state.phase.value in ("result", "handoff", "closed"):
                    break

    report = {
        "steps": len(step_ms),
        "engine_load_ms": round(load_ms, 1),
        "step_ms": _stats(step_ms),
        "kb_scorer_alone_ms": _stats(score_ms),
        "red_flag_check_alone_ms": _stats(safety_ms),
        "kb_version": engine.kb.version,
        "conditions": len(engine.kb.conditions),
        "findings": len(engine.kb.findings),
        "rules": len(engine.rules),
    }
    print(json.dumps(report, indent=2))
    return 0


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 3),
        "p95": round(percentile(values, 95), 3),
        "max": round(max(values), 3),
    }


if __name__ == "__main__":
    raise SystemExit(main())
