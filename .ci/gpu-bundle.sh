#!/usr/bin/env bash
# GPU-host bundle check (issue 18): builds relora-gpu-linux-x64.tar.gz, checks its size, unpacks it
# into an empty folder and runs it there with a PATH holding no node or npm, on whatever Vulkan
# driver this machine has (lavapipe on CI): the bench on a tiny case, pretrain for a few steps
# (through the archive's own Vulkan loader), and the one-line stop when no adapter exists.
# Prints `N passed, N failed`; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export CI=true

passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "FAIL - $name"
    failed=$((failed + 1))
  fi
}
finish() {
  echo "${passed} passed, ${failed} failed"
  if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
  exit 0
}

archive=apps/gpu-bundle/dist/relora-gpu-linux-x64.tar.gz
started=$SECONDS
check "npx -y pnpm@10.34.8 run bundle:gpu builds $archive" \
  bash -c "npx -y pnpm@10.34.8 run bundle:gpu && test -f $archive"
[ -f "$archive" ] || finish
echo "build: $((SECONDS - started)) s"

bytes=$(stat -c %s "$archive")
echo "archive: $bytes bytes"
check "the archive is at most 60 MB ($bytes bytes)" test "$bytes" -le 60000000

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/host"
check "it unpacks into an empty folder" tar -C "$tmp/host" -xzf "$archive"

# A PATH without node or npm: /usr/bin:/bin where they are not there (CI), else an empty folder.
host_path=/usr/bin:/bin
if env -i PATH="$host_path" /bin/sh -c 'command -v node || command -v npm' >/dev/null; then
  host_path=$tmp/empty-bin
  mkdir "$host_path"
fi
check "PATH=$host_path holds no node and no npm" \
  env -i PATH="$host_path" /bin/sh -c '! command -v node && ! command -v npm'
# Runs a command in the unpacked folder with that PATH and nothing else inherited; $1: time limit (s).
host() {
  local limit=$1
  shift
  (cd "$tmp/host" && timeout "$limit" env -i PATH="$host_path" HOME="$tmp/host" "$@")
}

started=$SECONDS
host 300 ./relora-gpu/bench --presets tiny --modes full --vocab-size 258 --seq-len 32 \
  --batch-size 2 --warmup-steps 1 --warmup-sec 0 --steps 3 --rounds 1 \
  >"$tmp/bench.out" 2>"$tmp/bench.err"
bench_status=$?
echo "bench: exit $bench_status in $((SECONDS - started)) s"
tail -n 12 "$tmp/bench.out"
[ "$bench_status" -eq 0 ] || tail -n 20 "$tmp/bench.err"
check "bench (tiny, full rank, webgpu) exits 0" test "$bench_status" -eq 0
check "bench ran on webgpu and its checks passed" \
  bash -c "grep -q '^backend webgpu' '$tmp/bench.out' && grep -Eq '^checks: [1-9][0-9]* passed, 0 failed' '$tmp/bench.out'"
check "bench wrote its results in the folder it ran from" \
  bash -c "ls '$tmp'/host/runs/bench/*/bench-results.json >/dev/null 2>&1"

started=$SECONDS
host 300 RELORA_GPU_BUNDLED_VULKAN=1 ./relora-gpu/pretrain --model_config tiny \
  --batch_size 2 --max_length 16 --warmup_steps 1 --num_training_steps 8 --warm_start_steps 2 \
  --relora 3 --restart_warmup_steps 1 --lora_r 4 --eval_every 4 --eval_tokens 32 --save_every 8 \
  --sample_tokens 4 --save_dir "$tmp/host/run" >"$tmp/pretrain.out" 2>"$tmp/pretrain.err"
pretrain_status=$?
echo "pretrain: exit $pretrain_status in $((SECONDS - started)) s"
tail -n 6 "$tmp/pretrain.out"
[ "$pretrain_status" -eq 0 ] || tail -n 20 "$tmp/pretrain.err"
check "pretrain (tiny, 8 steps with a restart, webgpu, the archive's Vulkan loader) exits 0" \
  test "$pretrain_status" -eq 0
check "pretrain ran on webgpu, logged 8 steps and saved a checkpoint" \
  bash -c "grep -q 'backend webgpu on' '$tmp/pretrain.out' && test \$(wc -l <'$tmp/host/run/metrics.jsonl') -eq 8 && test -d '$tmp/host/run/checkpoints/model_8'"

# No Vulkan driver at all: one line on stderr, exit code 4, well before any timeout.
for app in bench pretrain; do
  host 120 VK_DRIVER_FILES=/nonexistent VK_ICD_FILENAMES=/nonexistent \
    "./relora-gpu/$app" >"$tmp/$app-none.out" 2>"$tmp/$app-none.err"
  status=$?
  echo "$app without an adapter: exit $status: $(cat "$tmp/$app-none.err")"
  check "$app without an adapter exits 4" test "$status" -eq 4
  check "$app without an adapter prints one line naming why" bash -c \
    "test \$(wc -l <'$tmp/$app-none.err') -eq 1 && grep -q 'no WebGPU adapter' '$tmp/$app-none.err' && test ! -s '$tmp/$app-none.out'"
done

finish
