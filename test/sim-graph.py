#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The call graph of drivers/sim (doc/sim.md, "Source files").

For each .c file: the other .c files whose non-static functions or data it
names, directly or through a header macro or static inline. Prints
"file -> files"; with --check, fails when the graph has a cycle or an edge
points up a layer (the IOMMU or a device into the kernel model, the IOMMU
into a device, anything into sim.c).

    sim-graph.py DRIVERS_SIM_DIR [--check] [-v]
"""
import os
import re
import sys


def strip(text):
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def graph_of(root):
    cfiles, hfiles = [], []
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            if f.endswith('.c'):
                cfiles.append(p)
            elif f.endswith('.h'):
                hfiles.append(p)
    defs, src = {}, {}
    for p in cfiles:
        t = strip(open(p).read())
        src[p] = t
        for m in re.finditer(r'^(?!static)[a-z_][^\n;]*\n([a-z_][a-z0-9_]*)\(', t, flags=re.M):
            defs[m.group(1)] = p
        for m in re.finditer(r'^const struct \w+ (\w+)(\[\])? =', t, flags=re.M):
            defs[m.group(1)] = p
    via = {}
    for p in hfiles:
        t = strip(open(p).read())
        for m in re.finditer(r'^#define (\w+)\(.*?(?<!\\)\n', t, flags=re.M | re.S):
            via[m.group(1)] = m.group(0)
        for m in re.finditer(r'^static inline [^\n]*\n(\w+)\(.*?\n}\n', t, flags=re.M | re.S):
            via[m.group(1)] = m.group(0)

    def uses(text, seen):
        out = {n for n in defs if re.search(r'\b' + re.escape(n) + r'\b', text)}
        for name, body in via.items():
            if name not in seen and re.search(r'\b' + re.escape(name) + r'\b', text):
                seen.add(name)
                out |= uses(body, seen)
        return out

    rel = lambda p: os.path.relpath(p, root)
    graph, names = {}, {}
    for p in sorted(cfiles):
        used = {n for n in uses(src[p], set()) if defs[n] != p}
        graph[rel(p)] = sorted({rel(defs[n]) for n in used})
        names[rel(p)] = sorted((n, rel(defs[n])) for n in used)
    return graph, names


def cycles(graph):
    idx, low, stack, on, sccs, c = {}, {}, [], set(), [], [0]

    def strong(v):
        idx[v] = low[v] = c[0]
        c[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, []):
            if w not in idx:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))
    for v in graph:
        if v not in idx:
            strong(v)
    return sccs


def upward(src, dst):
    """An edge that points up a layer."""
    if dst == 'sim.c':
        return True
    if dst.startswith('kernel/'):
        return not (src.startswith('kernel/') or src == 'sim.c')
    if src.startswith('iommu/') and dst.startswith('devices/'):
        return True
    return False


def main():
    sys.setrecursionlimit(10000)
    args = [a for a in sys.argv[1:] if not a.startswith('-')]
    if len(args) != 1:
        sys.exit(__doc__)
    graph, names = graph_of(args[0])
    for k in sorted(graph):
        print(f"{k} -> {', '.join(graph[k]) if graph[k] else '(none)'}")
        if '-v' in sys.argv:
            for n, d in names[k]:
                print(f'    {n} ({d})')
    bad = 0
    for s in cycles(graph):
        print(f"cycle ({len(s)} files): {', '.join(s)}")
        bad += 1
    for k in sorted(graph):
        for d in graph[k]:
            if upward(k, d):
                print(f'upward: {k} -> {d}: {", ".join(n for n, f in names[k] if f == d)}')
                bad += 1
    if '--check' in sys.argv and bad:
        sys.exit(f'sim-graph: {bad} cycle(s) or upward edge(s) in {args[0]}')


if __name__ == '__main__':
    main()
