# Shared helpers of scripts/ci/* and scripts/test. Source it, do not run it:
#   . "$(dirname "$0")/lib.sh"          (from scripts/ci/<check>)
# Sourcing defines functions and variables and moves to the repository root; it sets no trap.
#
#   ci_init NAME            a check's prologue: names its messages, stops what ci_emulator_start
#                           started on exit, prints "NAME: ok (Ns)" or "NAME: FAILED" at the end
#   ci_say / ci_die MSG     "NAME: MSG" (ci_die: on stderr, exit 1)
#   ci_step LABEL           "==> [ Ns] LABEL" and remembers LABEL for the failure line
#   ci_need_setup           the tools ./scripts/setup installs are present, or it says to run it
#   ci_need_pkg             pkg/ (./scripts/build) is there, or it names scripts/ci/build
#   ci_need_emulator_bin    target/debug/tim-emulator and tim-seedgen are current (cargo build,
#                           seconds when warm); under ./scripts/test (CI_IN_TEST=1), which built
#                           them in its own step, only checks that they exist
#   ci_emulator_start       starts target/debug/tim-emulator (demo seed, free port), exports
#                           EMULATOR_URL, keeps EMULATOR_PID; ci_emulator_stop stops it by PID
#   ci_js_runner LABEL CMD  runs a JS runner in tests/js/, its output also in tests/js/.out/LABEL.log
#   ci_counts LOG           prints "P F", the last "P passed, F failed" of LOG ("0 1" if none)
#
# Environment the checks read: EMULATOR_URL (the JS checks use that emulator instead of starting
# their own), FUZZ_SECONDS (fuzz-short), CI_IN_TEST=1 (set by ./scripts/test, which runs setup,
# the package build and the emulator build as steps of their own, in order: the checks then
# build nothing themselves and print no staleness note).

CI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$CI_ROOT"
CI_JS="$CI_ROOT/tests/js"
CI_BIN="$CI_JS/node_modules/.bin"
CI_OUT="$CI_JS/.out"
CI_NAME="${CI_NAME:-$(basename "$0")}"
STEP=""
EMULATOR_PID=""

ci_say() { printf '%s: %s\n' "$CI_NAME" "$*"; }
ci_die() { printf '%s: FAILED: %s\n' "$CI_NAME" "$*" >&2; exit 1; }

ci_step() {
  STEP="$1"
  printf '\n==> [%3ss] %s\n' "$SECONDS" "$1"
}

ci_emulator_stop() {
  if [ -n "$EMULATOR_PID" ]; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    EMULATOR_PID=""
  fi
}

# ci_init NAME: the prologue of a check run on its own (scripts/ci/<NAME>).
ci_init() {
  CI_NAME="$1"
  SECONDS=0
  trap '_ci_check_exit' EXIT
  trap 'exit 130' INT TERM
}
_ci_check_exit() {
  local rc=$?
  ci_emulator_stop
  if [ "$rc" -eq 0 ]; then
    printf '%s: ok (%ss)\n' "$CI_NAME" "$SECONDS"
  else
    printf '%s: FAILED (exit %s, after %ss)\n' "$CI_NAME" "$rc" "$SECONDS" >&2
  fi
  exit "$rc"
}

ci_need_setup() {
  local tool
  for tool in "$CI_BIN/tsc" "$CI_BIN/deno" "$CI_BIN/wasm-opt"; do
    [ -x "$tool" ] || ci_die "${tool#"$CI_ROOT"/} missing: run ./scripts/setup first"
  done
  [ -d "$CI_JS/node_modules/playwright-core" ] || ci_die "tests/js/node_modules/playwright-core missing: run ./scripts/setup first"
}

# The built package. Not rebuilt here (a release build of two wasm flavours takes minutes): a check
# that reads pkg/ names scripts/ci/build when it is missing, and warns when sources are newer.
ci_need_pkg() {
  local f
  for f in pkg/package.json pkg/index.node.js pkg/index.web.js pkg/index.deno.js pkg/index.d.ts pkg/index.web.d.ts \
    pkg/tim_contacts_bg.wasm pkg/tim_contacts_node_bg.wasm; do
    [ -f "$f" ] || ci_die "$f missing: run scripts/ci/build (./scripts/build) first"
  done
  if [ "${CI_IN_TEST:-}" != 1 ]; then
    local newer
    newer="$(find src pkg-template Cargo.toml -newer pkg/index.d.ts -type f -print -quit 2>/dev/null || true)"
    [ -z "$newer" ] || ci_say "note: $newer is newer than pkg/: rerun scripts/ci/build to test the current sources"
  fi
}

ci_need_emulator_bin() {
  if [ "${CI_IN_TEST:-}" = 1 ]; then
    [ -x target/debug/tim-emulator ] || ci_die "target/debug/tim-emulator missing (./scripts/test builds it before this step)"
    return 0
  fi
  ci_say "cargo build -p tim-emulator"
  cargo build -p tim-emulator
}

# ci_emulator_start: the demo seed on a free loopback port; its log in tests/js/.out/emulator.log.
ci_emulator_start() {
  mkdir -p "$CI_OUT"
  local log="$CI_OUT/emulator.log" errlog="$CI_OUT/emulator.stderr.log"
  : >"$log"
  target/debug/tim-emulator --port 0 --seed emulator/seeds/demo.json >"$log" 2>"$errlog" &
  EMULATOR_PID=$!
  EMULATOR_URL=""
  for _ in $(seq 1 150); do
    EMULATOR_URL="$(sed -n '1s/^tim-emulator listening on \(http:[^ ]*\).*$/\1/p' "$log")"
    [ -n "$EMULATOR_URL" ] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || { echo "the emulator exited:" >&2; cat "$log" "$errlog" >&2; EMULATOR_PID=""; exit 1; }
    sleep 0.1
  done
  [ -n "$EMULATOR_URL" ] || { echo "the emulator printed no address within 15 s" >&2; exit 1; }
  export EMULATOR_URL
  echo "emulator at $EMULATOR_URL (pid $EMULATOR_PID)"
}

# ci_js_runner LABEL CMD...: runs CMD in tests/js/ (stdout and stderr), keeps a copy in
# tests/js/.out/LABEL.log (./scripts/test reads its "N passed, M failed" line), exits with CMD's status.
ci_js_runner() {
  local label="$1"; shift
  mkdir -p "$CI_OUT"
  local log="$CI_OUT/$label.log" rc
  set +e
  (cd "$CI_JS" && "$@") 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "JS tests in $label failed (exit $rc); log: ${log#"$CI_ROOT"/}" >&2
    exit "$rc"
  fi
}

# ci_counts LOG: "P F" from the last "P passed, F failed" line of LOG; "0 1" when there is none
# (a runner that died before counting counts as one failure).
ci_counts() {
  local line=""
  [ -f "$1" ] && line="$(grep -oE '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1 || true)"
  if [ -n "$line" ]; then
    local p="${line%% passed*}" f="${line#*passed, }"
    echo "$p ${f%% failed}"
  else
    echo "0 1"
  fi
}
