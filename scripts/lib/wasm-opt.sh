# The wasm-opt steps of the npm package's two builds, sourced by scripts/build and
# bench/build-pkg.sh so that the benchmarks measure exactly what ships.
#
# The size build (what browsers load), issue 20, each measured 2026-12-02 in gzip -9 bytes:
# - --flatten --rereloop -Os -Os --converge is 2.0 KB smaller than -Oz --converge (-Oz after the
#   flatten is larger again, --gufa adds nothing).
# - --merge-similar-functions (functions that differ only in constants become one with a
#   parameter) saved 0.9 KB before the next flag; with it, it costs 0.9 KB, so it is not used.
# - --one-caller-inline-max-function-size=20: wasm-opt inlines every function that has one
#   caller, whatever its size; after the flatten those bodies swell their callers into huge
#   functions whose many locals need long indices and repeat nowhere else, which gzip cannot
#   squeeze. Inlining only small ones: 22 KB raw more, 29 KB gzip less (182.0 -> 153.0 KB for the
#   wasm; 10 and 50 are within 3 KB of 20, 0 is 0.8 KB larger, 500 gives back 25 KB). Less
#   inlining in LLVM instead (-inline-threshold 0 or 50) is larger again.
# The Node build is opt-level 3 and -O3: per-call CPU over size (bench/overhead).
WASM_OPT_FEATURES=(--enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-multivalue)
SIZE_OPT=(--flatten --rereloop -Os -Os --converge --one-caller-inline-max-function-size=20)
NODE_OPT=(-O3)
