"""Time one assessment with the transformer classifier in the loop, against the
knowledge-base scorer alone measured in the same run; memory and size of the model.

An assessment is what the engine does to decide what to say next once a message is read and
the demographics are known (:meth:`InterviewEngine.assess`): encode the patient's words (int8
ONNX encoder), score every condition (classifier head pooled with the naive-Bayes scorer),
triage, and choose the next question or stop. The benchmark runs scripted interviews through
the real engine (``engine.step``) and times every assessment the engine performs in them; the
encoder's cache is cleared before every step, so every assessment pays for the encoder (in
the product an answer button does not change the words, so the encoder is skipped then).

The engine with the classifier and the one with the knowledge-base scorer alone take turns on
the same interviews, so machine noise hits both alike; so does the engine with the classifier
scoring in series (``parallel_scoring`` off: no overlap of the encoder with the question
choice). Reported: p50 / p95 / max over all assessments, and the p95 over assessments of the
best of the repeats of each (the code's own cost, without this machine's slow phases); the
full ``engine.step`` (which also reads the message: extraction, red-flag rules); the encoder
alone and the classifier scorer alone; the model's size on disk; and the resident memory of a
real action server (``symcheck serve-actions``) with the model loaded and with it off.

This machine's speed changes from day to day by a factor of two and more, so the report also
repeats the issue's own yardstick (:mod:`benchmarks.machine_yardstick`, in a process of its
own, before the timed runs): how much slower this machine is than the one the target was set
on, and the p95s divided by that factor.

Usage: ``.venv/bin/python -m benchmarks.classifier_step [--repeat 5] [--threads 1]``.
Target: assessment p95 <= 10 ms with the classifier.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.engine_step import ANSWERS, OPENINGS, percentile
from symcheck.clinical.classifier.runtime import freeze_loaded_objects, limit_math_threads
from symcheck.clinical.classifier.scorer import ClassifierScorer
from symcheck.clinical.engine_factory import ScorerChoice, load_interview_engine
from symcheck.clinical.interview.engine import InterviewEngine
from symcheck.clinical.interview.protocol import Act, Turn
from symcheck.clinical.scoring import Evidence
from symcheck.clinical.scoring.combined import CombinedScorer
from symcheck.settings import get_settings

#: More openings than the engine-step benchmark, each with the age and sex, so that most
#: steps end in an assessment.
MORE_OPENINGS = [
    "I've had a cough and a runny nose for 4 days, I'm 31 and male",
    "my 8 month old daughter has a rash and a temperature",
    "I'm 52, female, with lower back pain since I lifted a box yesterday",
    "45 yo man, burning in my chest after meals for weeks",
    "I'm a 24 year old woman with a headache and I feel sick",
    "I'm 70 and male, I get short of breath and my ankles are swollen",
]
TARGET_P95_MS = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads")
    parser.add_argument("--no-memory", action="store_true", help="skip the action-server RSS")
    parser.add_argument("--no-yardstick", action="store_true", help="skip the machine yardstick")
    args = parser.parse_args()

    machine = None if args.no_yardstick else yardstick()

    limit_math_threads(1)  # as the action server does
    settings = get_settings().model_copy(update={"classifier_threads": args.threads})
    combined = load_interview_engine(settings, ScorerChoice.COMBINED)
    kb_only = load_interview_engine(settings, ScorerChoice.KB)
    classifier = _classifier_of(combined)
    freeze_loaded_objects()  # as the action server does once loaded
    encoder = classifier.model.encoder
    parallel = combined.config
    serial = dataclasses.replace(parallel, parallel_scoring=False)
    engines: dict[str, tuple[InterviewEngine, Any]] = {
        "combined": (combined, parallel),
        "serial": (combined, serial),
        "kb": (kb_only, kb_only.config),
    }

    # Per engine: assessment times keyed by (opening, turn), and step times.
    assessed: dict[str, dict[tuple[int, int], list[float]]] = {name: {} for name in engines}
    steps: dict[str, list[float]] = {name: [] for name in engines}
    alone: dict[str, list[float]] = {"encode": [], "classifier": []}
    openings = [*OPENINGS, *MORE_OPENINGS]
    for _ in range(args.repeat):
        for o, opening in enumerate(openings):
            states = {name: engine.new_state() for name, (engine, _) in engines.items()}
            turns = [Turn(Act.DESCRIBE, opening), *(Turn(a) for a in ANSWERS * 2)]
            for t, turn in enumerate(turns):
                for name, (engine, config) in engines.items():
                    engine.config = config
                    encoder.clear_cache()  # every step pays for the encoder
                    record = assessed[name].setdefault((o, t), [])
                    with _timing(engine, record):
                        t0 = time.perf_counter()
                        states[name] = engine.step(states[name], turn).state
                        steps[name].append(_ms(t0))
                state = states["combined"]
                encoder.clear_cache()
                t0 = time.perf_counter()
                encoder.encode(" | ".join(state.texts))
                alone["encode"].append(_ms(t0))
                t0 = time.perf_counter()
                classifier.rank(Evidence(state.facts, state.texts))
                alone["classifier"].append(_ms(t0))
                if state.phase.value in ("result", "handoff", "closed"):
                    break
    combined.config = parallel

    every = {name: [v for vs in by.values() for v in vs] for name, by in assessed.items()}
    best = {name: [min(vs) for vs in by.values() if vs] for name, by in assessed.items()}
    p95 = percentile(every["combined"], 95)
    model_dir = settings.classifier_dir
    size_mb = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) / 1e6
    onnx_mb = (model_dir / "encoder.int8.onnx").stat().st_size / 1e6
    report: dict[str, Any] = {
        "assessments_per_engine": len(every["kb"]),
        "onnxruntime_threads": args.threads,
        "assessment_with_classifier_ms": _stats(every["combined"], best["combined"]),
        "assessment_kb_scorer_alone_ms": _stats(every["kb"], best["kb"]),
        "assessment_with_classifier_in_series_ms": _stats(every["serial"], best["serial"]),
        "p95_ratio_with_classifier_vs_kb": round(p95 / percentile(every["kb"], 95), 2),
        "engine_step_with_classifier_ms": _stats(steps["combined"]),
        "engine_step_kb_scorer_alone_ms": _stats(steps["kb"]),
        "encoder_alone_ms": _stats(alone["encode"]),
        "classifier_scorer_alone_ms": _stats(alone["classifier"]),
        "target_p95_ms": TARGET_P95_MS,
        "target_met": p95 <= TARGET_P95_MS,
        "target_met_best_of_repeats": percentile(best["combined"], 95) <= TARGET_P95_MS,
        **({} if machine is None else _scaled(machine, every["combined"], best["combined"])),
        "model_size_on_disk_mb": round(size_mb, 1),
        "encoder_onnx_int8_mb": round(onnx_mb, 1),
    }
    if not args.no_memory:
        report["action_server_rss_mb"] = {
            "classifier_loaded": action_server_rss(classifier_enabled=True),
            "classifier_off": action_server_rss(classifier_enabled=False),
        }
    print(json.dumps(report, indent=2))
    return 0


class _timing:
    """Times every :meth:`InterviewEngine.assess` call of ``engine`` into ``record``."""

    def __init__(self, engine: InterviewEngine, record: list[float]) -> None:
        self._engine = engine
        self._record = record

    def __enter__(self) -> None:
        original: Callable[..., Any] = type(self._engine).assess.__get__(self._engine)
        record = self._record

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                record.append(_ms(t0))

        self._engine.assess = timed  # type: ignore[method-assign]

    def __exit__(self, *exc: object) -> None:
        del self._engine.assess


def _classifier_of(engine: InterviewEngine) -> ClassifierScorer:
    scorer = engine.scorer
    if isinstance(scorer, CombinedScorer):
        for part, _ in scorer.scorers:
            if isinstance(part, ClassifierScorer):
                return part  # the engine's own: its encoder's cache is the one to clear
    raise SystemExit("the classifier did not load: run `make train` first")


def yardstick() -> dict[str, Any]:
    """:mod:`benchmarks.machine_yardstick`, run in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.machine_yardstick"],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _scaled(machine: dict[str, Any], every: list[float], best: list[float]) -> dict[str, Any]:
    """The yardstick and the assessment p95s on the issue's machine (divided by the factor)."""
    factor = float(machine["slower_than_issue_machine"])
    return {
        "machine_yardstick": machine,
        "assessment_with_classifier_on_issue_machine_ms": {
            "p95": round(percentile(every, 95) / factor, 2),
            "p95_best_of_repeats": round(percentile(best, 95) / factor, 2),
        },
    }


def action_server_rss(*, classifier_enabled: bool) -> float:
    """RSS (MB) of a real action server once healthy and after scoring one interview."""
    import psutil

    port = _free_port()
    env = {
        **os.environ,
        "SYMCHECK_ACTION_TOKEN": "benchmark-token-" + "x" * 24,
        "SYMCHECK_ACTION_PORT": str(port),
        "SYMCHECK_CLASSIFIER_ENABLED": "true" if classifier_enabled else "false",
        "SYMCHECK_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("symcheck")), "serve-actions"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the action server did not become healthy")
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(True)]
        return round(sum(p.memory_info().rss for p in tree) / 1e6, 1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def _stats(values: list[float], best: list[float] | None = None) -> dict[str, float]:
    out = {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "max": round(max(values), 2),
    }
    if best:
        out["p95_best_of_repeats"] = round(percentile(best, 95), 2)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
