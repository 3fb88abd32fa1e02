#!/usr/bin/env bash
# Train the Rasa model and the condition classifier, each only when its inputs changed
# (content hashes, not timestamps).
set -euo pipefail
cd "$(dirname "$0")/.."
model=models/symcheck.tar.gz
stamp=models/.symcheck.inputs
inputs=$(find config.yml bot nlu_data stories -type f \( -name '*.yml' -o -name '*.yaml' \) | LC_ALL=C sort)
want=$( (echo "rasa=$(.venv-rasa/bin/python -c 'import rasa; print(rasa.__version__)')"; for f in $inputs; do echo "$f"; cat "$f"; done) | sha256sum | cut -d' ' -f1)
if [ -f "$model" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ]; then
  echo "==> Rasa model is up to date ($model)"
else
  echo "==> training the Rasa model (inputs changed or no model yet)"
  mkdir -p models
  export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONHASHSEED=0 PYTHONWARNINGS=ignore \
    SQLALCHEMY_SILENCE_UBER_WARNING=1
  .venv-rasa/bin/rasa train --config config.yml --domain bot/domain.yml --data nlu_data stories \
    --out models --fixed-model-name symcheck --quiet
  echo "$want" > "$stamp"
fi
# The transformer condition classifier (models/classifier/): retrained when the knowledge base,
# the training code, the seed or the encoder and ML package versions changed. Never downloads.
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONWARNINGS=ignore \
  .venv/bin/symcheck classifier train --if-stale
