"""Benchmark twcasual's dedup against datasketch's MinHashLSH on synthetic pairs with known truth.

    python -m bench.dedup_bench --n 100000 1000000 [--reference-cap 100000] [--seed 7]

For each N: wall time and peak memory (high-water RSS of a fresh process above the loaded data,
and the whole process's high-water RSS), pair
precision and recall, recall per planted kind, hard negatives merged, and leaks, for:
  twcasual            the default settings (one side must match)
  twcasual-both@0.8   match = "both-sides" (own MinHash LSH), same n-grams, threshold 0.8 (at
                      0.5 it chains template twins into giant clusters and takes minutes)
  datasketch          MinHashLSH (128 permutations) over the same n-grams of both sides, same
                      threshold, candidates confirmed by exact Jaccard of the concatenated pair
  datasketch-oneside  the same LSH candidates confirmed by twcasual's one-side rule
The last three run on the first min(N, cap) pairs (datasketch takes minutes at 1M); twcasual is
also timed at that size for the ratio. Results go to bench/results/dedup-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from bench.generate import KINDS, Synthetic, generate
from builder.dedup.clusters import Deduplicator, anchored_pairs, components
from builder.dedup.fold import mix64, pair_features, side_features
from builder.dedup.leaks import LeakCheck, RecordTexts, leak_batch
from builder.dedup.settings import DedupSettings
from builder.dedup.similarity import jaccard
from builder.split import assign_splits

RESULTS = Path(__file__).parent / "results"
_DATA: Synthetic | None = None  # the pairs, loaded in each measuring process


def _hwm_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _child(engine: str, n: int, data_path: str, out_path: str) -> None:
    """In a fresh process: load the data, run one engine, save clusters, print the figures."""
    global _DATA
    with open(data_path, "rb") as f:
        _DATA = pickle.load(f)
    base = _rss_kib()
    try:
        with open("/proc/self/clear_refs", "w") as f:  # reset the high-water mark to now
            f.write("5")
    except OSError:
        pass
    start = time.perf_counter()
    cluster = ENGINES[engine](n)
    wall = time.perf_counter() - start
    np.save(out_path, cluster)
    hwm = _hwm_kib()
    print(json.dumps({"seconds": wall, "peak_mib": max(hwm - base, 0) / 1024.0,
                      "process_peak_mib": hwm / 1024.0}))


def _measure(engine: str, n: int, data_path: Path) -> tuple[np.ndarray, dict]:
    """Run an engine in a fresh Python process (so no memory is shared or reused)."""
    out = data_path.with_suffix(f".{engine}.{n}.npy")
    proc = subprocess.run([sys.executable, "-m", "bench.dedup_bench", "--child", engine, str(n),
                           str(data_path), str(out)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent)
    if proc.returncode != 0:
        raise RuntimeError(f"engine {engine} failed: {proc.stderr.strip().splitlines()[-1:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    cluster = np.load(out)
    out.unlink()
    return cluster, figures


def _features(n: int, settings: DedupSettings) -> tuple:
    data = _DATA
    assert data is not None
    en = side_features(data.en[:n], settings.ngram_en, False, 0x656E)
    zh = side_features(data.zh[:n], settings.ngram_zh, True, 0x7A68, space_breaks=True)
    return en, zh


def run_twcasual(n: int, **overrides: object) -> np.ndarray:
    """Deduplicate with twcasual in batches of 10k, as the pipeline does."""
    data = _DATA
    assert data is not None
    dedup = Deduplicator(DedupSettings(**overrides))  # type: ignore[arg-type]
    for lo in range(0, n, 10_000):
        hi = min(lo + 10_000, n)
        dedup.add([str(i) for i in range(lo, hi)], data.en[lo:hi], data.zh[lo:hi])
    return dedup.finish().cluster


def _datasketch_candidates(n: int, settings: DedupSettings) -> tuple[tuple, np.ndarray, np.ndarray]:
    from datasketch import MinHash, MinHashLSH

    en, zh = _features(n, settings)
    lsh = MinHashLSH(threshold=settings.threshold, num_perm=128)
    hashes = []
    for i in range(n):
        m = MinHash(num_perm=128, hashfunc=int)
        # en and zh fingerprints carry different salts: their union is the pair's n-gram set.
        m.update_batch(np.concatenate([en.grams[en.offsets[i]:en.offsets[i + 1]],
                                       zh.grams[zh.offsets[i]:zh.offsets[i + 1]]]).tolist())
        lsh.insert(i, m)
        hashes.append(m)
    a, b = [], []
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j > i:
                a.append(i)
                b.append(j)
    return (en, zh), np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)


def _exact_edges(en: object, zh: object, n: int) -> tuple[np.ndarray, np.ndarray]:
    key = mix64(en.key) ^ zh.key  # type: ignore[attr-defined]
    order = np.argsort(key, kind="stable")
    head = np.maximum.accumulate(np.where(np.r_[True, key[order][1:] != key[order][:-1]],
                                          np.arange(n), 0))
    return order, order[head]


def run_datasketch(n: int, one_side: bool = False) -> np.ndarray:
    """Reference: same exact stage, datasketch LSH candidates, exact confirmation."""
    settings = DedupSettings()
    (en, zh), a, b = _datasketch_candidates(n, settings)
    j_en = jaccard(en.offsets, en.grams, a, b)
    j_zh = jaccard(zh.offsets, zh.grams, a, b)
    if one_side:
        same = (en.clause_hash[a] == en.clause_hash[b]) | (en.key[a] == en.key[b])
        same_zh = (zh.clause_hash[a] == zh.clause_hash[b]) | (zh.key[a] == zh.key[b])
        ok = (same & (j_zh >= settings.threshold)) | (same_zh & (j_en >= settings.threshold))
    else:  # Jaccard of the concatenated pair: (shared en + shared zh) / (union en + union zh)
        len_en = np.diff(en.offsets)
        len_zh = np.diff(zh.offsets)
        inter = (j_en * (len_en[a] + len_en[b]) / (1 + j_en)) + (j_zh * (len_zh[a] + len_zh[b])
                                                                 / (1 + j_zh))
        union = len_en[a] + len_en[b] + len_zh[a] + len_zh[b] - inter
        ok = inter >= settings.threshold * union
    ea, eb = _exact_edges(en, zh, n)
    return components(n, np.r_[ea, a[ok]], np.r_[eb, b[ok]])


ENGINES: dict[str, Callable[[int], np.ndarray]] = {
    "twcasual": run_twcasual,
    "twcasual-both@0.8": lambda n: run_twcasual(n, match="both-sides", threshold=0.8),
    "datasketch": run_datasketch,
    "datasketch-oneside": lambda n: run_datasketch(n, one_side=True),
}
assert anchored_pairs  # the one-side rule's engine, imported so a reader finds it from here


def _pairs(labels: np.ndarray) -> int:
    _, counts = np.unique(labels, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def score(data: Synthetic, cluster: np.ndarray) -> dict:
    """Pair precision and recall, recall per kind, merged hard negatives, leaks."""
    n = cluster.size
    group = np.asarray(data.group[:n], dtype=np.int64)
    kind = np.asarray(data.kind[:n], dtype=object)
    tp = _pairs(group * (n + 1) + cluster)
    predicted, true = _pairs(cluster), _pairs(group)
    first = {}
    for i, (g, k) in enumerate(zip(group.tolist(), kind.tolist())):
        if k == "":
            first[g] = i
    per_kind = {}
    for k in KINDS:
        idx = np.flatnonzero(kind == k)
        idx = np.array([i for i in idx.tolist() if group[i] in first], dtype=np.int64)
        if idx.size:
            origin = np.array([first[g] for g in group[idx].tolist()])
            per_kind[k] = round(float(np.mean(cluster[idx] == cluster[origin])), 5)
    # A hard negative is merged when its cluster holds a pair of another group.
    order = np.lexsort((group, cluster))
    c, g = cluster[order], group[order]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    mixed_cluster = np.repeat(np.maximum.reduceat(g, starts) != np.minimum.reduceat(g, starts),
                              np.diff(np.r_[starts, n]))
    mixed = np.zeros(n, dtype=bool)
    mixed[order] = mixed_cluster
    hard = kind == "hard_negative"
    # Leaks: keep every member, split by cluster; truth groups spread over splits, and what the
    # leak check (same rules as twcasual) finds on the records.
    ids = [f"{i:08d}" for i in range(n)]
    splits = assign_splits(ids, cluster)
    split_code = np.array([{"train": 0, "validation": 1, "test": 2}[s] for s in splits])
    o = np.lexsort((split_code, group))
    gs, sc = group[o], split_code[o]
    gst = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    spread = np.maximum.reduceat(sc, gst) != np.minimum.reduceat(sc, gst)
    truth_leaks = int(np.count_nonzero(spread))
    return {"pairs": n, "precision": round(tp / max(predicted, 1), 5),
            "recall": round(tp / max(true, 1), 5), "predicted_pairs": predicted,
            "true_pairs": true, "recall_by_kind": per_kind,
            "hard_negatives_merged": int(np.count_nonzero(mixed & hard)),
            "hard_negatives": int(np.count_nonzero(hard)),
            "truth_groups_across_splits": truth_leaks, "_splits": splits}


def leak_check(data: Synthetic, splits: list[str], n: int) -> dict:
    """Run the leak check on two record shapes per pair (en->zh and zh->en), all members kept."""
    start = time.perf_counter()
    settings = DedupSettings()
    names = ("test", "train", "validation")
    en, zh = pa.array(data.en[:n], pa.string()), pa.array(data.zh[:n], pa.string())
    offsets = np.arange(n, dtype=np.int64)
    records = [RecordTexts(0, offsets, en, zh), RecordTexts(1, offsets, zh, en)]
    batch = leak_batch(records, 0, en, zh, np.array([names.index(s) for s in splits[:n]], np.uint8),
                       pair_features(data.en[:n], data.zh[:n], settings), settings)
    check = LeakCheck(names, "train", settings)
    check.add(batch)
    report = check.finish(batch.records)
    return {"records": report.records, "exact_leaks": report.exact, "near_leaks": report.near,
            "near_search_cut": report.near_cut, "seconds": round(time.perf_counter() - start, 2)}


def bench(n: int, seed: int, cap: int, engines: list[str]) -> dict:
    """Generate n pairs and measure every engine; return the JSON-ready result."""
    global _DATA
    start = time.perf_counter()
    _DATA = generate(n, seed)
    gen_seconds = time.perf_counter() - start
    rows = []
    with tempfile.TemporaryDirectory(prefix="twcasual-bench-") as tmp:
        data_path = Path(tmp) / "pairs.pickle"
        with data_path.open("wb") as f:
            pickle.dump(_DATA, f, protocol=pickle.HIGHEST_PROTOCOL)
        for engine in engines:
            size = n if engine == "twcasual" else min(n, cap)
            sizes = [size] + ([min(n, cap)] if engine == "twcasual" and cap < n else [])
            for m in sizes:
                cluster, fig = _measure(engine, m, data_path)
                row = {"engine": engine, "seconds": round(fig["seconds"], 2),
                       "peak_mib": round(fig["peak_mib"], 1),
                       "process_peak_mib": round(fig["process_peak_mib"], 1),
                       **score(_DATA, cluster)}
                splits = row.pop("_splits")
                if engine == "twcasual" and m == n:
                    row["leak_check"] = leak_check(_DATA, splits, m)
                rows.append(row)
                print(f"  {engine:<19} n={m:>8} {row['seconds']:7.2f}s peak {row['peak_mib']:7.1f}"
                      f" MiB  P={row['precision']:.4f} R={row['recall']:.4f}", flush=True)
    ours = {r["pairs"]: r["seconds"] for r in rows if r["engine"] == "twcasual"}
    for row in rows:
        if row["engine"] != "twcasual" and row["pairs"] in ours:
            row["seconds_vs_twcasual"] = round(row["seconds"] / max(ours[row["pairs"]], 1e-9), 1)
    return {"n": n, "seed": seed, "reference_cap": cap, "generate_seconds": round(gen_seconds, 1),
            "settings": DedupSettings().signature(),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "numpy": np.__version__, "platform": platform.platform()},
            "rows": rows}


def print_table(result: dict) -> None:
    """Print one result as a table."""
    kinds = list(KINDS)
    head = (f"{'engine':<19}{'pairs':>9}{'sec':>8}{'x':>6}{'MiB':>8}{'RSS':>7}{'P':>8}{'R':>8}"
            f"{'HN':>6}{'leak':>6}")
    print(f"\nN = {result['n']} (reference capped at {result['reference_cap']}); "
          f"{result['settings']}")
    print(head + "".join(f"{k[:8]:>9}" for k in kinds))
    for r in result["rows"]:
        ratio = r.get("seconds_vs_twcasual", "")
        print(f"{r['engine']:<19}{r['pairs']:>9}{r['seconds']:>8}{ratio!s:>6}{r['peak_mib']:>8}"
              f"{r['process_peak_mib']:>7.0f}"
              f"{r['precision']:>8.4f}{r['recall']:>8.4f}{r['hard_negatives_merged']:>6}"
              f"{r['truth_groups_across_splits']:>6}"
              + "".join(f"{r['recall_by_kind'].get(k, float('nan')):>9.4f}" for k in kinds))
        if "leak_check" in r:
            lc = r["leak_check"]
            print(f"{'':<19}leak check: {lc['records']} records, {lc['exact_leaks']} exact and "
                  f"{lc['near_leaks']} near leaks ({lc['seconds']} s)")
    print("x: seconds relative to twcasual at the same size; MiB: peak above the loaded data; RSS: "
          "process peak (MiB); HN: hard negatives merged; leak: truth groups spread over splits "
          "(keep policy)")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark for each N and save the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reference-cap", type=int, default=100_000)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", nargs=4, metavar=("ENGINE", "N", "DATA", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        engine, n, data, out = args.child
        _child(engine, int(n), data, out)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.n:
        print(f"N = {n}: generating ...", flush=True)
        result = bench(n, args.seed, args.reference_cap, args.engines)
        print_table(result)
        path = args.out / f"dedup-{n}.json"
        path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"saved {path}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
