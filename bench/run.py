"""End-to-end throughput benchmark: `twcasual build` against the Parquet I/O floor (`make bench`).

    python -m bench.run [--n 100000 1000000] [--workdir bench/work] [--workers 0] [--keep]
                        [--seed 1] [--dup-rate 0.03] [--results bench/results]

For each N: make (or reuse) the corpus from bench.corpus, run the default build as a child
process (all built-in recipes, lexicon annotation, default dedup and split, Parquet), then the
I/O floor on the same input, then the same build again ("rebuild": the build cache's case).
Each child is measured from outside: wall time, CPU (user + sys of the child and the worker
processes it reaped, from wait4; the main process's own share from /proc), peak RSS of the
largest process (ru_maxrss) and of the whole process tree (summed VmRSS, sampled every 0.2 s from
/proc), and the CPU other processes took meanwhile (so a busy machine shows). Figures go to
RESULTS/<UTC time>-<git sha>.json and RESULTS/latest.json; targets are printed, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.corpus import VERSION as CORPUS_VERSION
from bench.corpus import write_corpus

__all__ = ["Measured", "main", "measure", "write_floor"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_S = 0.2
TIMELINE = 300
MB = 1024 * 1024
# (key, label, limit): informational targets from issue 18, for 2 cores. scale_rss_3m needs a
# 3M run (`--n 1000000 3000000`): peak RSS 3M / 1M below 3 is sub-linear.
TARGETS = (("wall_1m", "1M pairs wall <= 40 s", 40.0),
           ("floor_1m", "1M wall / I/O floor <= 5", 5.0),
           ("wall_100k", "100k pairs wall <= 5 s", 5.0),
           ("peak_1m", "1M peak RSS (tree) <= 2.5 GB", 2560.0),
           ("scale_rss_3m", "peak RSS 3M / 1M < 3 (sub-linear)", 3.0),
           ("rebuild", "rebuild < 10 % of first build", 0.10))


@dataclass(frozen=True)
class Measured:
    """One child process measured from outside."""

    wall_s: float
    cpu_s: float  # user + sys of the child and every descendant it reaped
    user_s: float
    sys_s: float
    cpu_sampled_s: float  # utime + stime last seen in /proc per process: catches unreaped workers
    cpu_main_s: float  # the same for the child alone: busy near wall_s means it is the bottleneck
    peak_rss_max_mb: float  # the largest single process (ru_maxrss)
    peak_rss_tree_mb: float  # the sampled sum of VmRSS over the process tree
    peak_pss_tree_mb: float  # the same with PSS: pages shared after fork() counted once
    processes: int  # distinct processes seen in the tree
    others_cores: float  # CPU the rest of the machine used meanwhile, in cores: contention
    exit_code: int
    # every sample, thinned to at most TIMELINE rows: (s, tree RSS MB, main RSS MB, tree CPU s,
    # main CPU s), to see which phase holds the memory peak and which runs on one core
    timeline: tuple[tuple[float, ...], ...] = ()


class _TreeSampler(threading.Thread):
    """Sum VmRSS over a process and its descendants every SAMPLE_S seconds; keep the peak."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.stop = root, threading.Event()
        self.peak_kb = self.peak_pss_kb = 0
        self.started = time.perf_counter()
        # (seconds, tree RSS MB, main RSS MB, tree CPU s, main CPU s); CPU is cumulative, so
        # differences between any two rows give the cores used in between, also after thinning
        self.timeline: list[tuple[float, ...]] = []
        self.cpu_ticks: dict[int, int] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(SAMPLE_S)

    def sample(self) -> None:
        children: dict[int, list[int]] = {}
        ticks: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except OSError:  # gone between listing and reading
                continue
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
        rss = pss = main_rss = 0
        todo = [self.root]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, ()))
            self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), ticks.get(pid, 0))
            kb = _kb_field(f"/proc/{pid}/status", b"VmRSS:")
            rss += kb
            main_rss = kb if pid == self.root else main_rss
            pss += _kb_field(f"/proc/{pid}/smaps_rollup", b"Pss:")
        self.peak_kb = max(self.peak_kb, rss)
        self.peak_pss_kb = max(self.peak_pss_kb, pss)
        clock = os.sysconf("SC_CLK_TCK")
        self.timeline.append((round(time.perf_counter() - self.started, 2), round(rss / 1024, 1),
                              round(main_rss / 1024, 1),
                              round(sum(self.cpu_ticks.values()) / clock, 2),
                              round(self.cpu_ticks.get(self.root, 0) / clock, 2)))


def _kb_field(path: str, key: bytes) -> int:
    """Return a "Key: N kB" field of a /proc file, 0 if the process is gone."""
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(command: list[str], cwd: Path, log: Path) -> Measured:
    """Run `command`, stdout and stderr to `log`; measure it and its process tree."""
    with log.open("wb") as out:
        busy_before, self_before = _machine_busy_s(), _self_cpu_s()
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(child.pid)
        sampler.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        busy = _machine_busy_s() - busy_before - (_self_cpu_s() - self_before)  # less our sampler
        sampler.stop.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen quiet
    clock = os.sysconf("SC_CLK_TCK")
    return Measured(
        wall_s=round(wall, 3), cpu_s=round(usage.ru_utime + usage.ru_stime, 3),
        user_s=round(usage.ru_utime, 3), sys_s=round(usage.ru_stime, 3),
        cpu_sampled_s=round(sum(sampler.cpu_ticks.values()) / clock, 2),
        cpu_main_s=round(sampler.cpu_ticks.get(child.pid, 0) / clock, 2),
        peak_rss_max_mb=round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        peak_rss_tree_mb=round(sampler.peak_kb / 1024, 1),
        peak_pss_tree_mb=round(sampler.peak_pss_kb / 1024, 1),
        processes=len(sampler.cpu_ticks),
        others_cores=round(max(busy - usage.ru_utime - usage.ru_stime, 0.0) / max(wall, 1e-9), 2),
        exit_code=child.returncode,
        timeline=tuple(sampler.timeline[::-(-len(sampler.timeline) // TIMELINE)]))


def _machine_busy_s() -> float:
    """Return the CPU seconds all cores have spent busy since boot (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as handle:
        ticks = [int(x) for x in handle.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle and iowait


def _self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def code_fingerprint() -> str:
    """Hash builder/ and recipes/ on disk: a rebuild tests the cache only if this is unchanged."""
    digest = hashlib.sha256()
    for folder in ("builder", "recipes"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# --- the I/O floor ------------------------------------------------------------------------

_FLOOR_PROMPTS = ("Rewrite this formal English sentence as casual Taiwanese Mandarin.",
                  "把這句口語的台灣華語翻成正式的英文。",
                  "把這句話改得口語一點，像台灣人聊天那樣。",
                  "Explain the particles in this sentence.")


def write_floor(source: Path, pairs: int, records: int, out: Path, batch: int = 65_536) -> int:
    """Read paired lines plainly; write `records` rows spread over the pairs with pyarrow alone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, pa.string()) for name in
                        ("id", "instruction", "input", "output", "en", "zh")])
    columns: list[list[str]] = [[] for _ in schema.names]
    written = index = 0
    pending: str | None = None
    with source.open(encoding="utf-8") as lines, \
            pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            if pending is None:
                pending = line
                continue
            en, zh, pending = pending, line, None
            # records spread evenly over the pairs: floor((i+1)R/P) - floor(iR/P)
            count = (index + 1) * records // pairs - index * records // pairs
            for k in range(count):
                recipe = k % len(_FLOOR_PROMPTS)
                row = (f"r{recipe}/{index:016x}/{k}", _FLOOR_PROMPTS[recipe],
                       en if recipe % 2 == 0 else zh, zh if recipe % 2 == 0 else en, en, zh)
                for column, value in zip(columns, row):
                    column.append(value)
            index += 1
            if len(columns[0]) >= batch or index == pairs:
                writer.write_table(pa.table(columns, schema=schema))
                written += len(columns[0])
                columns = [[] for _ in schema.names]
            if index == pairs:
                break
        if columns[0]:
            writer.write_table(pa.table(columns, schema=schema))
            written += len(columns[0])
    return written


def _floor_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run floor")
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--pairs", type=int, required=True)
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(f"floor: wrote {write_floor(args.input, args.pairs, args.records, args.out)} records")
    return 0


# --- one N --------------------------------------------------------------------------------

def _corpus(workdir: Path, n: int, seed: int, dup_rate: float) -> tuple[Path, dict[str, Any]]:
    """Return the corpus for (n, seed, dup_rate) and its stats, generating it once per workdir."""
    path = workdir / f"corpus-v{CORPUS_VERSION}-n{n}-s{seed}-d{dup_rate:g}.txt"
    meta = path.with_suffix(".json")
    if path.is_file() and meta.is_file():
        stats = json.loads(meta.read_text(encoding="utf-8"))
        if stats.get("bytes") == path.stat().st_size:
            return path, {**stats, "cached": True}
    partial = path.with_suffix(".partial")
    stats = write_corpus(partial, n, seed, dup_rate).to_dict()
    os.replace(partial, path)
    meta.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    return path, {**stats, "cached": False}


def _write_config(workdir: Path, n: int, corpus: Path, workers: int) -> Path:
    config = workdir / f"bench-{n}.toml"
    config.write_text(
        "# Written by bench/run.py: the default build (all built-in recipes) over the corpus.\n"
        f'[dataset]\nname = "twcasual-bench-{n}"\n\n'
        f'[input]\npaths = ["{corpus.name}"]\nformat = "lines"\n\n'
        '[annotate]\nbackend = "lexicon"\n\n[export]\nformats = ["parquet"]\n\n'
        f'[build]\nworkers = {workers}\ncache_dir = "cache-{n}"\n', encoding="utf-8")
    return config


def _say(label: str, figures: dict[str, Any]) -> None:
    print(f"   {label:<7} {figures['wall_s']:8.1f} s  exit {figures['exit_code']}", flush=True)
    if figures["others_cores"] > 0.25:  # other work inflates wall times (CPU times much less)
        print(f"   note: other processes kept {figures['others_cores']:.2f} cores busy meanwhile: "
              "this wall time is not comparable", flush=True)


def _timed_build(workdir: Path, n: int, config: Path, label: str) -> dict[str, Any]:
    timings = workdir / f"timings-{n}-{label}.json"
    timings.unlink(missing_ok=True)
    log = workdir / f"{label}-{n}.log"
    command = [sys.executable, "-m", "builder", "build", "--config", str(config),
               "--out", str(workdir / f"out-{n}"), "--quiet", "--timings-json", str(timings)]
    code = code_fingerprint()
    result = asdict(measure(command, workdir, log))
    result["code"] = code
    result["stages"] = json.loads(timings.read_text()) if timings.is_file() else {}
    result["pairs_per_s"] = round(n / result["wall_s"], 1) if result["wall_s"] else 0.0
    result["log_tail"] = log.read_text(encoding="utf-8", errors="replace")[-2000:].strip()
    return result


def bench_one(workdir: Path, n: int, seed: int, dup_rate: float, workers: int,
              keep: bool) -> dict[str, Any]:
    """Corpus, build, floor and rebuild for one N; return every figure."""
    print(f"\n== N = {n:,}", flush=True)
    started = time.perf_counter()
    corpus, stats = _corpus(workdir, n, seed, dup_rate)
    print(f"   corpus {corpus.name} ({'cached' if stats['cached'] else 'made'} "
          f"in {time.perf_counter() - started:.1f} s)", flush=True)
    out, cache = workdir / f"out-{n}", workdir / f"cache-{n}"
    for stale in (out, cache, workdir / ".twcasual-cache"):
        shutil.rmtree(stale, ignore_errors=True)  # the first build must be a cold one
    config = _write_config(workdir, n, corpus, workers)
    run: dict[str, Any] = {"n": n, "corpus": {**stats, "file": corpus.name},
                           "load_avg_before": [round(x, 2) for x in os.getloadavg()]}
    build = run["build"] = _timed_build(workdir, n, config, "build")
    _say("build", build)
    if build["exit_code"] != 0:
        print(build["log_tail"], file=sys.stderr)
        return run
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    totals = report["totals"]
    run["report"] = {"pairs": totals["pairs"], "records": totals["records"],
                     "duplicates": totals["duplicates"],
                     "duplicates_by_kind": report.get("dedup", {}).get("by_kind", {}),
                     "planted": sum(stats["planted"].values())}
    floor_file = workdir / f"floor-{n}.parquet"
    floor = run["floor"] = asdict(measure(
        [sys.executable, "-m", "bench.run", "floor", "--input", str(corpus), "--pairs", str(n),
         "--records", str(totals["records"]), "--out", str(floor_file)],
        ROOT, workdir / f"floor-{n}.log"))
    floor["records"] = totals["records"]
    _say("floor", floor)
    run["ratio"] = round(build["wall_s"] / floor["wall_s"], 2) if floor["wall_s"] else None
    rebuild = run["rebuild"] = _timed_build(workdir, n, config, "rebuild")
    _say("rebuild", rebuild)
    run["rebuild_fraction"] = round(rebuild["wall_s"] / build["wall_s"], 3)
    if rebuild["code"] != build["code"]:
        print("   note: builder/ or recipes/ changed between the build and the rebuild: "
              "the rebuild is not a test of the cache", flush=True)
    if not keep:
        for path in (out, cache):
            shutil.rmtree(path, ignore_errors=True)
        floor_file.unlink(missing_ok=True)
    return run


# --- machine, targets, tables -------------------------------------------------------------

def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine_info() -> dict[str, Any]:
    """Return what the figures depend on: cores, CPU, memory, versions, the commit."""
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return ""

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    return {"nproc": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0)), "cpu": cpu,
            "memory_gb": round(mem_kb / MB, 1), "platform": platform.platform(),
            "python": platform.python_version(), "pyarrow": version("pyarrow"),
            "datasets": version("datasets"), "opencc": version("opencc"),
            "twcasual": version("twcasual"), "git_sha": _git("rev-parse", "--short", "HEAD"),
            "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no", "--", "builder",
                                   "recipes"))}


def targets(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Compare the figures with issue 18's targets; a target without its figures is None (n/a)."""
    by_n = {run["n"]: run for run in runs if run.get("rebuild")}
    big, small, huge = by_n.get(1_000_000), by_n.get(100_000), by_n.get(3_000_000)
    rebuilds = [run["rebuild_fraction"] for run in by_n.values()]
    values = {
        "wall_1m": big and big["build"]["wall_s"],
        "floor_1m": big and big["ratio"],
        "wall_100k": small and small["build"]["wall_s"],
        "peak_1m": big and max(big[label]["peak_rss_tree_mb"] for label in ("build", "rebuild")),
        "scale_rss_3m": big and huge and round(huge["build"]["peak_rss_tree_mb"]
                                               / big["build"]["peak_rss_tree_mb"], 2),
        "rebuild": max(rebuilds) if rebuilds else None,
    }
    out = []
    for key, label, limit in TARGETS:
        value = values[key] or None
        strict = key in ("rebuild", "scale_rss_3m")
        met = None if value is None else (value < limit if strict else value <= limit)
        out.append({"key": key, "target": label, "limit": limit, "value": value, "met": met})
    return out


def print_tables(runs: list[dict[str, Any]], checks: list[dict[str, Any]]) -> None:
    """Print the summary, the seconds per stage, and the targets."""
    print("\n   N      run        wall s    CPU s  cores  main others  RSS max MB  RSS tree MB"
          "     pairs/s  vs floor")
    for run in runs:
        for label in ("build", "floor", "rebuild"):
            m = run.get(label)
            if not m:
                continue
            ratio = run.get("ratio") if label == "build" else (
                round(m["wall_s"] / run["floor"]["wall_s"], 2) if label == "rebuild" else 1.0)
            wall = max(m["wall_s"], 1e-9)
            speed = f"{run['n'] / wall:11,.0f}"
            print(f"{run['n']:>9,}  {label:<8} {m['wall_s']:8.1f} {m['cpu_s']:8.1f} "
                  f"{m['cpu_s'] / wall:6.2f} {m['cpu_main_s'] / wall:5.2f} "
                  f"{m['others_cores']:6.2f} {m['peak_rss_max_mb']:11.0f} "
                  f"{m['peak_rss_tree_mb']:12.0f} {speed} {'-' if ratio is None else ratio:>9}x")
    stages: list[str] = []
    for run in runs:
        for label in ("build", "rebuild"):
            stages += [s for s in run.get(label, {}).get("stages", {}) if s not in stages]
    if stages:
        heads = [(run, label) for run in runs for label in ("build", "rebuild") if run.get(label)]
        titles = [f"{run['n']:,} {label}" for run, label in heads]
        print("\n  stage s    " + "".join(f"{title:>18}" for title in titles))
        for stage in stages:
            cells = []
            for run, label in heads:
                times = run[label]["stages"]
                value = times.get(stage)
                mark = "*" if value is not None and times and value == max(times.values()) else " "
                cells.append(f"{'-' if value is None else f'{value:.2f}':>17}{mark}")
            print(f"  {stage:<11}" + "".join(cells))
        print("  (* slowest stage; worker stages add up their workers' seconds, can exceed wall)")
    print("\n  target                                  value       met")
    for check in checks:
        met = {True: "yes", False: "NO", None: "n/a"}[check["met"]]
        value = "-" if check["value"] is None else f"{check['value']:g}"
        print(f"  {check['target']:<38} {value:>8}  {met:>8}")


def save(results: Path, payload: dict[str, Any]) -> Path:
    """Write the figures as <UTC time>-<sha>.json and latest.json under `results`."""
    results.mkdir(parents=True, exist_ok=True)
    stamp = payload["timestamp"].replace("-", "").replace(":", "")
    path = results / f"{stamp}-{payload['machine']['git_sha'] or 'nogit'}.json"
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    for target in (path, results / "latest.json"):
        partial = target.with_suffix(".tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for every N, print the tables, save the JSON; exit 1 if a run fails."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["floor"]:
        return _floor_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench.run",
                                     description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="pair counts")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument("--workers", type=int, default=0, help="[build] workers (0: one per core)")
    parser.add_argument("--keep", action="store_true",
                        help="keep build outputs, caches and floor files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dup-rate", type=float, default=0.03)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.n) or args.workers < 0:
        parser.error("--n must be >= 1 and --workers >= 0")
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    machine = machine_info()
    dirty = " (dirty)" if machine["git_dirty"] else ""
    print(f"twcasual {machine['twcasual']} @ {machine['git_sha']}{dirty}"
          f"; {machine['cores_usable']} cores ({machine['cpu']}); Python {machine['python']}, "
          f"pyarrow {machine['pyarrow']}; workdir {workdir}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs = [bench_one(workdir, n, args.seed, args.dup_rate, args.workers, args.keep)
            for n in args.n]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    checks = targets(runs)
    print_tables(runs, checks)
    # Issue 4's figure: the lexicon annotator alone vs merely reading the same zh lines.
    from bench.annotate_bench import measure as measure_annotation

    annotation = measure_annotation(_corpus(workdir, max(args.n), args.seed, args.dup_rate)[0],
                                    limit=min(max(args.n), 500_000))
    print(f"\nlexicon annotation: {annotation['lines']:,} zh lines, read "
          f"{annotation['read_lines_per_s']:,} lines/s, annotate "
          f"{annotation['annotate_lines_per_s']:,} lines/s")
    payload = {
        "schema": 1,
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": [Path(sys.executable).name, "-m", "bench.run", *argv],
        "settings": {"n": args.n, "seed": args.seed, "dup_rate": args.dup_rate,
                     "workers": args.workers, "sample_s": SAMPLE_S,
                     "corpus_version": CORPUS_VERSION},
        "machine": machine,
        "runs": runs,
        "targets": checks,
        "annotation": annotation,
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        # every child of this run together: a check on the per-run CPU figures
        "children_cpu_s": round(after.ru_utime + after.ru_stime
                                - before.ru_utime - before.ru_stime, 2),
    }
    path = save(args.results, payload)
    print(f"\nsaved {path} and {path.with_name('latest.json')} (targets are informational)")
    failed = any(run.get(label, {}).get("exit_code", 0) != 0
                 for run in runs for label in ("build", "floor", "rebuild"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
