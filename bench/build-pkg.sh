#!/usr/bin/env bash
# Builds the npm package into bench/.out/pkg with the same steps as scripts/build
# (release wasm -> wasm-bindgen --target web -> npm wasm-opt with the flags of scripts/lib/wasm-opt.sh, the same for the
# Node build at opt-level 3 -> pkg-template/*), but without its size gate
# (bench/size.mjs reports the budget instead), and keeps the un-optimised wasm-bindgen
# output in bench/.out/bindgen/ (and bindgen-node/) for twiggy and profiles. Also builds
# bench/floor (an empty async export) into bench/.out/floor for bench/overhead.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/.out
WASM_OPT=tests/js/node_modules/.bin/wasm-opt
say() { printf 'bench/build-pkg: %s\n' "$*"; }
[ -x "$WASM_OPT" ] || { echo "bench/build-pkg: $WASM_OPT missing: run scripts/setup" >&2; exit 1; }

say "cargo build --release --target wasm32-unknown-unknown -p tim-contacts --features js"
# Without SecretKey minting, as scripts/build (issue 20).
TIM_CONTACTS_NO_MINTING=1 cargo build -q --release --target wasm32-unknown-unknown -p tim-contacts --features js
rm -rf "$OUT/pkg" "$OUT/bindgen"
mkdir -p "$OUT/pkg" "$OUT/bindgen"
say "wasm-bindgen --target web"
wasm-bindgen --target web --out-dir "$OUT/bindgen" --out-name tim_contacts \
  target/wasm32-unknown-unknown/release/tim_contacts.wasm
cp -r "$OUT"/bindgen/. "$OUT/pkg/"
. scripts/lib/wasm-opt.sh
say "wasm-opt ${SIZE_OPT[*]} (as scripts/build)"
"$WASM_OPT" "${SIZE_OPT[@]}" --strip-debug --strip-producers "${WASM_OPT_FEATURES[@]}" \
  -o "$OUT/pkg/tim_contacts_bg.wasm" "$OUT/bindgen/tim_contacts_bg.wasm"
# The Node build (opt-level 3), as scripts/build makes it.
say "cargo build --profile release-node --target wasm32-unknown-unknown -p tim-contacts --features js"
cargo build -q --profile release-node --target wasm32-unknown-unknown -p tim-contacts --features js
rm -rf "$OUT/bindgen-node"
wasm-bindgen --target web --out-dir "$OUT/bindgen-node" --out-name tim_contacts_node \
  target/wasm32-unknown-unknown/release-node/tim_contacts.wasm
say "wasm-opt ${NODE_OPT[*]} (Node build)"
"$WASM_OPT" "${NODE_OPT[@]}" --strip-debug --strip-producers "${WASM_OPT_FEATURES[@]}" \
  -o "$OUT/pkg/tim_contacts_node_bg.wasm" "$OUT/bindgen-node/tim_contacts_node_bg.wasm"
cp "$OUT/bindgen-node/tim_contacts_node.js" "$OUT/bindgen-node/tim_contacts_node.d.ts" "$OUT/pkg/"
# The glue and snippets minified as scripts/build does.
while IFS= read -r js; do
  tests/js/node_modules/.bin/esbuild "$js" --minify-whitespace --minify-syntax --log-level=error --outfile="$js.min" || { echo "bench/build-pkg: esbuild failed on $js" >&2; exit 1; }
  mv "$js.min" "$js"
done < <(printf '%s\n' "$OUT/pkg/tim_contacts.js" "$OUT/pkg/tim_contacts_node.js"; find "$OUT/pkg/snippets" -name '*.js')
cp pkg-template/* "$OUT/pkg/"
rm -f "$OUT/pkg/.gitignore"
node --input-type=module -e '
  const m = await import(new URL(process.argv[1], "file://" + process.cwd() + "/"));
  if (typeof m.TimClient !== "function") { console.error("bench/build-pkg: the package exports no TimClient"); process.exit(1); }
' "$OUT/pkg/index.node.js"
say "ready: $OUT/pkg"
# The same package with the un-optimised, named wasm: for `node --cpu-prof` attribution.
rm -rf "$OUT/pkg-names"
cp -r "$OUT/pkg" "$OUT/pkg-names"
cp "$OUT/bindgen/tim_contacts_bg.wasm" "$OUT/pkg-names/tim_contacts_bg.wasm"
cp "$OUT/bindgen-node/tim_contacts_node_bg.wasm" "$OUT/pkg-names/tim_contacts_node_bg.wasm"
say "ready: $OUT/pkg-names (named wasm, for profiles)"
# The floor of a wasm client call (bench/floor): an async export awaiting one promise.
say "cargo build bench/floor (opt-level 3) -> $OUT/floor"
cargo build -q --release --target wasm32-unknown-unknown \
  --manifest-path bench/floor/Cargo.toml --target-dir target/bench-floor
rm -rf "$OUT/floor"
wasm-bindgen --target web --out-dir "$OUT/floor" --out-name floor \
  target/bench-floor/wasm32-unknown-unknown/release/tim_bench_floor.wasm
say "ready: $OUT/floor"
