#!/usr/bin/env bash
# Data parallelism across processes (issue 23): installs Open MPI when mpirun is missing (root on
# Debian), then with the tiny preset checks that
#   1. `mpirun -np 2` gives the one-process run's losses with the same total batch (bit for bit:
#      one micro-batch per rank sums in the one-process order),
#   2. a rank killed mid-way ends the whole job (the launcher's fault handling),
#   3. that job resumes with --autoresume under `mpirun -np 1` and under `mpirun -np 2`, each
#      continuing to the same losses as the uninterrupted run.
# Ends with one line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export CI=true
# mpirun refuses root without these; CI containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# No InfiniBand or fast interconnect here: keep Open MPI quiet about it.
export OMPI_MCA_btl_base_warn_component_unused=0
# Containers often forbid the cross-process memory copy (ptrace) of Open MPI's shared-memory transport.
export OMPI_MCA_btl_vader_single_copy_mechanism=none

passed=0
failed=0
pass() {
  echo "mpi: ok: $1"
  passed=$((passed + 1))
}
fail() {
  echo "mpi: FAILED: $1"
  failed=$((failed + 1))
}
finish() {
  echo "${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}

if ! command -v mpirun >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo 'mpi: installing Open MPI (openmpi-bin libopenmpi-dev)'
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openmpi-bin libopenmpi-dev; } >/tmp/relora-openmpi-install.log 2>&1; then
      tail -20 /tmp/relora-openmpi-install.log
      fail 'apt-get install openmpi-bin libopenmpi-dev'
      finish
    fi
  else
    fail 'mpirun is missing and Open MPI cannot be installed here (needs root and apt-get)'
    finish
  fi
fi
mpirun --version | head -1

# The unit tests that start mpirun (they skip where it is missing, as in `npm test` before this).
unit=/tmp/relora-mpi-unit.json
if npx vitest run packages/mpi --outputFile.json="$unit" >/tmp/relora-mpi-unit.log 2>&1 &&
  node -e 'const r = require(process.argv[1]); process.exit(r.numPendingTests === 0 && r.numPassedTests > 0 ? 0 : 1)' "$unit"; then
  pass "@relora/mpi's unit tests, none skipped ($(node .ci/summarize.mjs "$unit"))"
else
  tail -30 /tmp/relora-mpi-unit.log
  fail "@relora/mpi's unit tests under mpirun"
fi

# The built CLI, or RELORA_PRETRAIN_CMD (e.g. `node --import tsx apps/pretrain/src/cli.ts`).
if [ -n "${RELORA_PRETRAIN_CMD:-}" ]; then
  read -ra pretrain <<<"$RELORA_PRETRAIN_CMD"
else
  pretrain=(node apps/pretrain/dist/cli.js)
  if [ ! -f apps/pretrain/dist/cli.js ]; then
    npx -y pnpm@10.34.8 exec turbo run build --filter=relora-pretrain... --output-logs=errors-only ||
      { fail 'build relora-pretrain'; finish; }
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Two micro-batches of 2 sequences per step: one per rank under -np 2. ReLoRA with a warm start,
# restarts and LoRA dropout, so the broadcast, the merges and the seeded draws are all exercised.
STEPS=24
flags=(--model-config tiny --backend wasm --batch-size 2 --total-batch-size 4 --max-length 32
  --num-training-steps "$STEPS" --warm-start-steps 6 --relora 6 --warmup-steps 2
  --restart-warmup-steps 2 --eval-every 0 --eval-tokens 128 --sample-tokens 0 --log-every 100
  --checksum-every 5)
run_mpi() {
  local ranks=$1
  shift
  timeout 300 mpirun --oversubscribe -np "$ranks" "${pretrain[@]}" "${flags[@]}" "$@"
}

# The losses of a run directory's metrics.jsonl, one `step loss grad_norm` line per update step
# (the last line logged for a step wins: a resumed run logs the steps after its checkpoint again).
losses() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
    const by = new Map();
    for (const l of lines) { const r = JSON.parse(l); by.set(r.update_step, `${r.update_step} ${r.loss} ${r.grad_norm}`); }
    for (const k of [...by.keys()].sort((a, b) => a - b)) console.log(by.get(k));
  ' "$1/metrics.jsonl"
}

# 1. One process against two with the same total batch.
if "${pretrain[@]}" "${flags[@]}" --save-dir "$work/one" --save-every 100 >"$work/one.log" 2>&1; then
  pass 'one-process reference run'
else
  tail -20 "$work/one.log"
  fail 'one-process reference run'
  finish
fi
losses "$work/one" >"$work/one.losses"
if run_mpi 2 --save-dir "$work/two" --save-every 100 >"$work/two.log" 2>&1; then
  pass 'mpirun -np 2 run'
else
  tail -20 "$work/two.log"
  fail 'mpirun -np 2 run'
fi
if [ -f "$work/two/metrics.jsonl" ] && diff "$work/one.losses" <(losses "$work/two") >/dev/null &&
  [ "$(wc -l <"$work/one.losses")" -eq "$STEPS" ]; then
  pass "mpirun -np 2 losses and gradient norms equal the one-process run's, bit for bit ($STEPS steps)"
else
  diff "$work/one.losses" <(losses "$work/two" 2>/dev/null) | head -10
  fail 'mpirun -np 2 losses differ from the one-process run'
fi

# 2. Kill one rank once a checkpoint of step 8 exists: the launcher ends the whole job.
run_mpi 2 --save-dir "$work/killed" --save-every 4 >"$work/killed.log" 2>&1 &
launcher=$!
for _ in $(seq 1 600); do
  [ -f "$work/killed/checkpoints/model_8/training_state.json" ] && break
  kill -0 "$launcher" 2>/dev/null || break
  sleep 0.1
done
# The ranks: the node processes below the launcher (subshell, timeout, mpirun).
rank_pids() {
  local p
  for p in $(pgrep -P "$1"); do
    if [ "$(ps -o comm= -p "$p")" = node ]; then echo "$p"; else rank_pids "$p"; fi
  done
}
all_ranks=$(rank_pids "$launcher")
victim=$(echo "$all_ranks" | tail -1)
if [ -n "$victim" ] && [ -f "$work/killed/checkpoints/model_8/training_state.json" ]; then
  kill -9 "$victim"
  wait "$launcher"
  status=$?
  # mpirun can return while the other ranks are still being terminated; a restart (by hand, Slurm
  # or an orchestrator) comes after they are gone, and until then the run directory's lock holds.
  for _ in $(seq 1 300); do
    alive=0
    for p in $all_ranks; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  if [ "$status" -ne 0 ]; then
    pass "killing rank pid $victim mid-way ended the job (mpirun exit $status)"
  else
    fail "killing one rank did not end the job (mpirun exit $status)"
  fi
else
  wait "$launcher"
  tail -20 "$work/killed.log"
  fail 'the run to kill ended before its step-8 checkpoint, or no rank was found'
  finish
fi
last=$(ls "$work/killed/checkpoints" | grep -E '^model_[0-9]+$' | sed 's/model_//' | sort -n | tail -1)
if [ "${last:-0}" -lt "$STEPS" ]; then
  pass "the killed job left checkpoints up to step $last of $STEPS"
else
  fail "the killed job finished (checkpoint $last) before it was killed"
fi

# 3. Resume the killed job under 1 and under 2 processes (copies of its run directory).
for ranks in 1 2; do
  cp -r "$work/killed" "$work/resume$ranks"
  if run_mpi "$ranks" --save-dir "$work/resume$ranks" --save-every 4 --autoresume \
    >"$work/resume$ranks.log" 2>&1; then
    if diff "$work/one.losses" <(losses "$work/resume$ranks") >/dev/null; then
      pass "--autoresume under mpirun -np $ranks continued from step $last to the uninterrupted run's losses"
    else
      diff "$work/one.losses" <(losses "$work/resume$ranks") | head -10
      fail "--autoresume under mpirun -np $ranks: losses differ from the uninterrupted run's"
    fi
  else
    tail -20 "$work/resume$ranks.log"
    fail "--autoresume under mpirun -np $ranks"
  fi
done
finish
