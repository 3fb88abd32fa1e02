"""Time one assessment step with the transformer classifier in the loop, against the
knowledge-base scorer alone measured in the same run; memory and size of the model.

The assessment step is what the engine does to decide what to say next once a message is
read: encode the patient's words (int8 ONNX encoder, its cache cleared so every step pays for
the encoder), score every condition (head, pooled with the naive-Bayes scorer), triage, and
choose the next question. The full ``engine.step`` (which also reads the message: finding
extraction, red-flag rules) is reported too. The two engines take turns on the same scripted
interviews, so machine noise hits both alike. Also reported: the encoder alone, the
classifier scorer alone, the model's size on disk, and the resident memory of a real action
server (``symcheck serve-actions``) with the model loaded and with the classifier turned off.

Usage: ``.venv/bin/python -m benchmarks.classifier_step [--repeat 5] [--threads 1]``.
Target: assessment step p95 <= 10 ms with the classifier.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.engine_step import ANSWERS, OPENINGS, percentile
from symcheck.clinical.classifier.runtime import limit_math_threads
from symcheck.clinical.engine_factory import ScorerChoice, load_interview_engine
from symcheck.clinical.interview.engine import InterviewEngine
from symcheck.clinical.interview.protocol import Act, Turn
from symcheck.clinical.interview.state import InterviewState
from symcheck.clinical.scoring import Evidence
from symcheck.settings import get_settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads")
    parser.add_argument("--no-memory", action="store_true", help="skip the action-server RSS")
    args = parser.parse_args()

    limit_math_threads(1)  # as the action server does
    settings = get_settings().model_copy(update={"classifier_threads": args.threads})
    combined = load_interview_engine(settings, ScorerChoice.COMBINED)
    kb_only = load_interview_engine(settings, ScorerChoice.KB)
    classifier = load_interview_engine(settings, ScorerChoice.CLASSIFIER).scorer
    encoder = classifier.model.encoder  # type: ignore[attr-defined]

    names = ("combined", "kb", "step_combined", "step_kb", "encode", "classifier")
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(args.repeat):
        for opening in OPENINGS:
            states = {"combined": combined.new_state(), "kb": kb_only.new_state()}
            turns = [Turn(Act.DESCRIBE, opening), *(Turn(a) for a in ANSWERS * 2)]
            for turn in turns:
                for name, engine in (("combined", combined), ("kb", kb_only)):
                    t0 = time.perf_counter()
                    states[name] = engine.step(states[name], turn).state
                    times[f"step_{name}"].append((time.perf_counter() - t0) * 1000)
                    encoder.clear_cache()
                    t0 = time.perf_counter()
                    assess(engine, states[name])
                    times[name].append((time.perf_counter() - t0) * 1000)
                state = states["combined"]
                encoder.clear_cache()
                t0 = time.perf_counter()
                encoder.encode(" | ".join(state.texts))
                times["encode"].append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                classifier.rank(Evidence(state.facts, state.texts))
                times["classifier"].append((time.perf_counter() - t0) * 1000)
                if state.phase.value in ("result", "handoff", "closed"):
                    break

    model_dir = settings.classifier_dir
    size_mb = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) / 1e6
    onnx_mb = (model_dir / "encoder.int8.onnx").stat().st_size / 1e6
    p95_combined = percentile(times["combined"], 95)
    p95_kb = percentile(times["kb"], 95)
    report = {
        "steps_per_engine": len(times["kb"]),
        "onnxruntime_threads": args.threads,
        "assessment_with_classifier_ms": _stats(times["combined"]),
        "assessment_kb_scorer_alone_ms": _stats(times["kb"]),
        "p95_ratio_with_classifier_vs_kb": round(p95_combined / p95_kb, 2),
        "engine_step_with_classifier_ms": _stats(times["step_combined"]),
        "engine_step_kb_scorer_alone_ms": _stats(times["step_kb"]),
        "encoder_alone_ms": _stats(times["encode"]),
        "classifier_scorer_alone_ms": _stats(times["classifier"]),
        "target_p95_ms": 10,
        "target_met": p95_combined <= 10,
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


def assess(engine: InterviewEngine, state: InterviewState) -> None:
    """Score, triage and choose the next question for ``state`` (no message to read)."""
    estimate = engine.estimate(state)
    engine.selector.choose(
        state.facts,
        estimate.question_ranking,
        fired=[engine.rules.rules[r] for r in state.fired_rule_ids if r in engine.rules.rules],
        asked=state.asked,
        questions_asked=state.questions_asked,
        max_questions=engine.config.max_questions,
        danger_asked=state.danger_asked,
    )


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


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "max": round(max(values), 2),
    }


if __name__ == "__main__":
    raise SystemExit(main())
