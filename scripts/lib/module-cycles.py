#!/usr/bin/env python3
"""Lists import circles between the modules of a Rust crate (by `use crate::`,
`use super::` and `crate::x::` paths in each file), and each file's size.

  python3 scripts/lib/module-cycles.py [SRC_DIR ...]   (default: src emulator/src)

A module is a file (`src/wasm/client.rs` is `wasm::client`; `mod.rs` and
`lib.rs` name their folder). An edge a -> b means a file of module a names a
path inside module b. Prints every strongly connected component of more than
one module (a circle), then exits 1 if there is one: a circle means two files
that cannot be understood, tested or moved apart. Tests (`#[cfg(test)] mod
tests` blocks and files named tests.rs) and comments (doc links) do not count.
"""
import os
import re
import sys


def module_of(root, path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return "::".join(rel) or "crate"


def strip_tests(text):
    # Drop `#[cfg(test)] mod tests { ... }` blocks (brace matching).
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def edges(root):
    mods, graph = {}, {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".rs") and f != "tests.rs" and "bin" not in d.split(os.sep):
                p = os.path.join(d, f)
                mods[module_of(root, p)] = p
    names = set(mods)
    for m, p in mods.items():
        text = strip_tests(open(p, encoding="utf-8").read())
        # Doc links and comments name modules without depending on them.
        text = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("//"))
        here = m.split("::") if m != "crate" else []
        parent = here[:-1]
        targets = set()
        for path in re.findall(r"\bcrate::((?:\w+::)*\w+)", text):
            targets.add(tuple(path.split("::")))
        for path in re.findall(r"\bsuper::((?:\w+::)*\w+)", text):
            targets.add(tuple(parent + path.split("::")))
        for path in re.findall(r"use\s+super::\{([^}]*)\}", text):
            for part in path.split(","):
                part = part.strip().split("::")[0].strip()
                if part and part != "self":
                    targets.add(tuple(parent + [part]))
        for path in re.findall(r"use\s+crate::\{([^}]*)\}", text):
            for part in path.split(","):
                part = part.strip().split("::")[0].strip()
                if part:
                    targets.add((part,))
        out = set()
        for t in targets:
            # The longest module prefix of the path.
            for k in range(len(t), 0, -1):
                name = "::".join(t[:k])
                if name in names:
                    if name != m and not m.startswith(name + "::") and not name.startswith(m + "::"):
                        out.add(name)
                    break
        graph[m] = out
    return graph, mods


def sccs(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def main():
    roots = sys.argv[1:] or ["src", "emulator/src"]
    found = False
    for root in roots:
        graph, mods = edges(root)
        circles = sccs(graph)
        for c in circles:
            found = True
            print(f"{root}: circle of {len(c)} modules: {' <-> '.join(sorted(c))}")
        if not circles:
            print(f"{root}: no import circles ({len(mods)} modules)")
    sys.exit(1 if found else 0)


main()
