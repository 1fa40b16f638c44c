"""Benchmark of the matching engine against the dense assignment solve.

    python bench/matching.py --mentees 5000 --mentors 2500 --seed 1 [--shape balanced] [--skip-dense]
    python bench/matching.py --family [--only balanced,scarce] [--dense-cache FILE] [--results FILE]

The dense solve is SciPy's ``linear_sum_assignment`` on every pair, each mentor's column
repeated once per seat. Its time is the whole method: scoring every pair into the matrix
("build") and the solve; the solve alone is printed too. The engine's time is the whole of
``solve_encoded``: classes, scoring, strategy, solve, alternatives. Each runs in a fresh child
process, after one warm-up call on a tiny instance (as in a worker that has run before), so that
its peak memory (the child's ru_maxrss: interpreter, instance and solver together) is its own;
a run under half a second is repeated until its runs add up to half a second (at least nine,
at most 1,000 runs) and the fastest taken, the same way for both: on a shared machine the
slower repeats measure the other processes, not the solve.

``--family`` runs every named shape over several seeds and prints, per instance, both times,
the ratio ``(dense + 0.05 s) / (engine + 0.05 s)`` (a fixed overhead of a few milliseconds on a
tiny instance is not a slowdown), the CPU seconds of each (``time.process_time`` of the child,
all its threads; the fastest run's, like the wall seconds) and the same ratio on them, which a
busy shared machine disturbs far less than wall seconds, whether the engine is exact (same matched count and totals
equal to 1e-9) and its peak memory. The last line is one JSON object with the summary.
``--dense-cache FILE`` keeps dense results between runs (the 20,000 x 10,000 solve needs 3 to
6 GB and two minutes per seed on a quiet machine); delete the file to measure the dense solve
again.
``--results FILE`` keeps every instance's row, so that a family run in parts (the small shapes
now, the large ones when the machine is quiet) ends with one summary over all of them; a row
there also stands in for the dense solve of its instance when that took over a minute, which
is then not run again (only the engine is); shorter dense solves are always measured again
right before the engine, under the same load.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.engine import (
    DIFFERENT,
    DISTANCE,
    ORDINAL,
    OVERLAP,
    SAME,
    Criterion,
    Encoded,
    dense_solve,
    encode_arrays,
    solve_encoded,
)

RTOL = 1e-9
OVERHEAD = 0.05
# A kept dense figure is reused only for solves this long (the 20,000 x 10,000 ones); shorter
# ones are measured again right before the engine, so that both see the same load.
REUSE_DENSE = 60.0
# A run shorter than SHORT is repeated until its runs add up to SHORT (at least MIN_REPEATS and
# at most MAX_REPEATS runs) and the fastest is taken.
SHORT = 0.5
MIN_REPEATS = 9
MAX_REPEATS = 1000


def _repeats(first: float) -> int:
    """How many runs in all for a solve whose first run took ``first`` seconds."""
    if first >= SHORT:
        return 1
    return int(min(MAX_REPEATS, max(MIN_REPEATS, SHORT / max(first, 1e-6))))


CRITERIA = (
    Criterion("career_track", SAME, 5.0),
    Criterion("time_zone", DISTANCE, 3.0, scale=12.0, wraparound=True),
    Criterion("values", OVERLAP, 4.0),
    Criterion("department", DIFFERENT, 2.0),
    Criterion("seniority", ORDINAL, 0.0, hard=True),
)
# Heavy ties: one criterion dominates and every question has few answers.
TIED_CRITERIA = (
    Criterion("career_track", SAME, 10.0),
    Criterion("time_zone", DISTANCE, 1.0, scale=12.0, wraparound=True),
    Criterion("values", OVERLAP, 1.0),
    Criterion("department", DIFFERENT, 1.0),
    Criterion("seniority", ORDINAL, 0.0, hard=True),
)

# UTC offsets and how common they are among participants (Americas, Europe, Africa, Asia, Oceania).
TIME_ZONES = np.array([-10, -8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 4, 5.5, 7, 8, 9, 10, 12], dtype=np.float64)
TZ_WEIGHT = np.array([1, 8, 4, 7, 10, 3, 4, 8, 12, 6, 3, 2, 8, 2, 5, 3, 3, 1], dtype=np.float64)
MENTEE_LEVELS = [0.35, 0.30, 0.20, 0.10, 0.05]
MENTOR_LEVELS = [0.05, 0.10, 0.25, 0.30, 0.30]

# name -> (mentees, mentors, seeds); the degenerate shapes are smaller, the family runs them all.
SHAPES: dict[str, tuple[int, int, tuple[int, ...]]] = {
    "balanced": (5000, 2500, (1, 2, 11)),
    "scarce": (3000, 800, (1, 2, 3)),
    "abundant": (1200, 700, (1, 2, 3)),
    "ties": (5000, 2500, (1, 2, 3)),
    "forbidden": (5000, 2500, (1, 2, 3)),
    "equal_scores": (2000, 1000, (1, 2)),
    "zero_weights": (2000, 1000, (1, 2)),
    "one_mentor": (2000, 1, (1, 2)),
    "no_eligible": (2000, 1000, (1, 2)),
    "huge": (20000, 10000, (1, 2, 3, 4, 5)),
}


def make_instance(n_mentees: int, n_mentors: int, seed: int, shape: str = "balanced") -> Encoded:
    """A random but realistic cohort (career tracks, time zones, values, departments, levels),
    bent into ``shape``."""
    rng = np.random.default_rng(seed)
    tied = shape == "ties"
    tracks, departments, options, zones = (3, 2, 3, 3) if tied else (8, 15, 12, len(TIME_ZONES))
    track_p = rng.dirichlet(np.full(tracks, 4.0))
    dept_p = rng.dirichlet(np.full(departments, 3.0))
    value_p = rng.dirichlet(np.full(options, 3.0))
    tz_p = TZ_WEIGHT[:zones] / TZ_WEIGHT[:zones].sum()

    def values(count: int) -> np.ndarray:
        keys = rng.random((count, options)) ** (1.0 / value_p)
        picks = rng.integers(1 if tied else 2, 3 if tied else 5, size=count)
        ranks = np.argsort(np.argsort(-keys, axis=1), axis=1)
        return ranks < picks[:, None]

    def answers(count: int, level_p: list[float], skip: float) -> dict[str, np.ndarray]:
        track = rng.choice(tracks, size=count, p=track_p)
        track[rng.random(count) < skip] = -1
        zone = rng.choice(TIME_ZONES[:zones], size=count, p=tz_p)
        zone[rng.random(count) < skip] = np.nan
        return {
            "career_track": track,
            "time_zone": zone,
            "values": values(count),
            "department": rng.choice(departments, size=count, p=dept_p),
            "seniority": rng.choice(len(level_p), size=count, p=level_p).astype(np.float64) + 1,
        }

    levels = [0.4, 0.35, 0.25] if tied else MENTEE_LEVELS
    mentee = answers(n_mentees, levels, 0.0 if tied else 0.02)
    mentor = answers(n_mentors, [0.1, 0.3, 0.6] if tied else MENTOR_LEVELS, 0.0 if tied else 0.02)
    capacity = rng.integers(1, 7 if shape == "abundant" else 4, size=n_mentors)
    criteria = TIED_CRITERIA if tied else CRITERIA
    # About 1% of mentees exclude a few mentors (reporting line, coordinator's call).
    who = np.flatnonzero(rng.random(n_mentees) < 0.01)
    counts = rng.integers(1, 6, size=who.size)
    excluded = np.column_stack([np.repeat(who, counts), rng.integers(0, n_mentors, size=int(counts.sum()))])
    if shape == "forbidden":
        # 30% of all pairs forbidden, and one mentor in ten at the lowest level, whom the hard
        # seniority criterion leaves eligible for nobody.
        keys = np.flatnonzero(rng.random(n_mentees * n_mentors) < 0.3)
        excluded = np.column_stack([keys // n_mentors, keys % n_mentors])
        mentor["seniority"][rng.random(n_mentors) < 0.1] = 1.0
    elif shape == "equal_scores":
        for side in (mentee, mentor):
            for key, column in side.items():
                side[key] = np.repeat(column[:1], column.shape[0], axis=0)
        mentor["seniority"][:] = mentee["seniority"][0] + 1
        excluded = excluded[:0]
    elif shape == "zero_weights":
        criteria = tuple(Criterion(c.key, c.kind, 0.0, hard=c.hard, scale=c.scale) for c in criteria)
    elif shape == "no_eligible":
        mentee["seniority"][:] = 5.0
    elif shape == "one_mentor":
        capacity[:] = 5
    return encode_arrays(
        criteria,
        np.arange(1, n_mentees + 1),
        np.arange(100_001, 100_001 + n_mentors),
        capacity,
        mentee,
        mentor,
        excluded=excluded,
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _engine_child(args: tuple[int, int, int, str], out: mp.Queue) -> None:
    solve_encoded(make_instance(20, 10, 0))
    enc = make_instance(*args)
    times: list[float] = []
    cpu: list[float] = []
    while not times or len(times) < _repeats(times[0]):
        tick, cpu_tick = time.perf_counter(), time.process_time()
        got = solve_encoded(enc)
        times.append(time.perf_counter() - tick)
        cpu.append(time.process_time() - cpu_tick)
    out.put(
        {
            "seconds": min(times),
            "cpu_seconds": min(cpu),
            "peak_mb": _peak_mb(),
            "total": got.total_score,
            "matched": got.matched,
            "stats": got.stats,
        }
    )


def _dense_child(args: tuple[int, int, int, str], out: mp.Queue) -> None:
    dense_solve(make_instance(20, 10, 0))
    enc = make_instance(*args)
    cpu_tick = time.process_time()
    got = dense_solve(enc)
    cpu = [time.process_time() - cpu_tick]
    runs = [got]
    for _ in range(_repeats(got.build_seconds + got.solve_seconds) - 1):
        cpu_tick = time.process_time()
        runs.append(dense_solve(enc))
        cpu.append(time.process_time() - cpu_tick)
    fastest = min(runs, key=lambda r: r.build_seconds + r.solve_seconds)
    out.put(
        {
            "seconds": fastest.build_seconds + fastest.solve_seconds,
            "cpu_seconds": min(cpu),
            "solve_seconds": fastest.solve_seconds,
            "build_seconds": fastest.build_seconds,
            "peak_mb": _peak_mb(),
            "total": got.total_score,
            "matched": got.matched,
        }
    )


def in_child(target, args: tuple[int, int, int, str]) -> dict:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def exact(engine: dict, dense: dict) -> bool:
    a, b = engine["total"], dense["total"]
    return engine["matched"] == dense["matched"] and abs(a - b) <= RTOL * max(1.0, abs(a), abs(b))


def ratio(engine: dict, dense: dict, key: str = "seconds") -> float:
    return (dense[key] + OVERHEAD) / (engine["seconds"] + OVERHEAD)


def cpu_ratio(engine: dict, dense: dict) -> float | None:
    """The same ratio on CPU seconds (all of the process's threads), which other processes on a
    shared machine disturb far less than wall seconds; None when a kept row has no CPU figure."""
    if engine.get("cpu_seconds") is None or dense.get("cpu_seconds") is None:
        return None
    return (dense["cpu_seconds"] + OVERHEAD) / (engine["cpu_seconds"] + OVERHEAD)


def _load() -> str:
    try:
        return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:  # pragma: no cover - platforms without load averages
        return "load unknown"


def _dense_from_row(row: dict | None) -> dict | None:
    """The dense figures of an instance's kept row, as the dense child reports them."""
    if not row or "dense_matched" not in row:
        return None
    return {
        "seconds": row["dense_seconds"],
        "solve_seconds": row["dense_solve_seconds"],
        "build_seconds": row["dense_build_seconds"],
        "peak_mb": row["dense_peak_mb"],
        "total": row["dense_total"],
        "matched": row["dense_matched"],
        "cpu_seconds": row.get("dense_cpu_seconds"),
    }


def run_family(only: set[str] | None, cache_path: Path | None, results_path: Path | None = None) -> int:
    cache: dict[str, dict] = {}
    if cache_path is not None and cache_path.exists():
        cache = json.loads(cache_path.read_text())
    kept: dict[str, dict] = {}
    if results_path is not None and results_path.exists():
        kept = json.loads(results_path.read_text())
    print(
        f"{'shape':<13} {'mentees':>7} {'mentors':>7} {'seed':>4} {'strategy':<9} {'engine s':>9} "
        f"{'cpu s':>7} {'dense s':>9} {'cpu s':>7} {'(solve)':>8} {'ratio':>7} {'(solve)':>7} {'(cpu)':>6} "
        f"{'exact':>5} {'peak MB':>8}  ({_load()})"
    )
    for shape, (n, m, seeds) in SHAPES.items():
        if only and shape not in only:
            continue
        for seed in seeds:
            args = (n, m, seed, shape)
            key = f"{shape}:{n}:{m}:{seed}"
            dense = cache.get(key) or _dense_from_row(kept.get(key))
            if dense is None or dense["seconds"] < REUSE_DENSE:
                dense = in_child(_dense_child, args)
                cache[key] = dense
                if cache_path is not None:
                    cache_path.write_text(json.dumps(cache, indent=1))
            engine = in_child(_engine_child, args)
            row = {
                "shape": shape,
                "mentees": n,
                "mentors": m,
                "seed": seed,
                "strategy": engine["stats"]["strategy"],
                "engine_seconds": round(engine["seconds"], 6),
                "engine_cpu_seconds": round(engine["cpu_seconds"], 6),
                "dense_seconds": round(dense["seconds"], 6),
                "dense_cpu_seconds": None if dense.get("cpu_seconds") is None else round(dense["cpu_seconds"], 6),
                "dense_solve_seconds": round(dense["solve_seconds"], 6),
                "ratio": round(ratio(engine, dense), 2),
                "ratio_to_solve": round(ratio(engine, dense, "solve_seconds"), 2),
                "cpu_ratio": None if cpu_ratio(engine, dense) is None else round(cpu_ratio(engine, dense), 2),
                "exact": exact(engine, dense),
                "engine_peak_mb": round(engine["peak_mb"], 1),
                "dense_peak_mb": round(dense["peak_mb"], 1),
                "matched": engine["matched"],
                "total": engine["total"],
                "dense_total": dense["total"],
                "dense_matched": dense["matched"],
                "dense_build_seconds": round(dense.get("build_seconds", dense["seconds"] - dense["solve_seconds"]), 6),
            }
            kept[key] = row
            if results_path is not None:
                results_path.write_text(json.dumps(kept, indent=1))
            dense_cpu = "-" if row["dense_cpu_seconds"] is None else f"{row['dense_cpu_seconds']:.3f}"
            cpu_r = "-" if row["cpu_ratio"] is None else f"{row['cpu_ratio']:.2f}"
            print(
                f"{shape:<13} {n:>7} {m:>7} {seed:>4} {row['strategy']:<9} {row['engine_seconds']:>9.3f} "
                f"{row['engine_cpu_seconds']:>7.3f} {row['dense_seconds']:>9.3f} {dense_cpu:>7} "
                f"{row['dense_solve_seconds']:>8.3f} {row['ratio']:>7.2f} {row['ratio_to_solve']:>7.2f} {cpu_r:>6} "
                f"{'yes' if row['exact'] else 'NO':>5} {row['engine_peak_mb']:>8.0f}"
                f"  ({_load()})",
                flush=True,
            )
    rows = list(kept.values())
    five_k = [r["ratio"] for r in rows if r["mentees"] == 5000]
    huge = [r for r in rows if r["mentees"] == 20000]
    summary = {
        "instances": len(rows),
        "exact": sum(r["exact"] for r in rows),
        "min_speedup": min((r["ratio"] for r in rows), default=None),
        "median_speedup_5k": statistics.median(five_k) if five_k else None,
        "min_speedup_20k": min((r["ratio"] for r in huge), default=None),
        "min_speedup_cpu": min((r["cpu_ratio"] for r in rows if r.get("cpu_ratio") is not None), default=None),
        "max_peak_mb_20k": max((r["engine_peak_mb"] for r in huge), default=None),
        "worst": sorted(rows, key=lambda r: r["ratio"])[:3],
        "load_at_end": _load(),
    }
    print(json.dumps(summary))
    return 0 if summary["exact"] == len(rows) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentees", type=int, default=5000)
    parser.add_argument("--mentors", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="balanced")
    parser.add_argument("--skip-dense", action="store_true")
    parser.add_argument("--family", action="store_true", help="run every named shape over several seeds")
    parser.add_argument("--only", help="with --family: comma-separated shapes to run")
    parser.add_argument("--dense-cache", type=Path, help="with --family: JSON file keeping dense results")
    parser.add_argument("--results", type=Path, help="with --family: JSON file keeping every instance's row")
    args = parser.parse_args(argv)
    if args.family:
        only = set(args.only.split(",")) if args.only else None
        return run_family(only, args.dense_cache, args.results)

    instance = (args.mentees, args.mentors, args.seed, args.shape)
    engine = in_child(_engine_child, instance)
    stats = engine["stats"]
    print(
        f"engine: {engine['seconds']:.3f} s ({engine['cpu_seconds']:.3f} s CPU), peak {engine['peak_mb']:.0f} MB (process ru_maxrss), "
        f"matched {engine['matched']}, total {engine['total']:.9f}"
    )
    print(
        f"engine stats: strategy {stats['strategy']}, classes {stats['mentee_classes']} x "
        f"{stats['mentor_classes']}, arcs {stats['arcs']}, gap bound {stats['gap_bound']:.3g}, "
        f"seconds {stats['seconds']}"
    )
    for i, rnd in enumerate(stats["rounds"]):
        print(f"  round {i}: {rnd}")
    figures: dict[str, object] = {
        "mentees": args.mentees,
        "mentors": args.mentors,
        "seed": args.seed,
        "shape": args.shape,
        "strategy": stats["strategy"],
        "engine_seconds": round(engine["seconds"], 6),
        "engine_cpu_seconds": round(engine["cpu_seconds"], 6),
        "engine_total": engine["total"],
        "engine_matched": engine["matched"],
        "engine_peak_mb": round(engine["peak_mb"], 1),
        "gap_bound": stats["gap_bound"],
        "dense_seconds": None,
        "speedup": None,
    }
    ok = True
    if not args.skip_dense:
        dense = in_child(_dense_child, instance)
        print(
            f"dense: build {dense['build_seconds']:.3f} s, solve {dense['solve_seconds']:.3f} s "
            f"({dense['cpu_seconds']:.3f} s CPU in all), "
            f"peak {dense['peak_mb']:.0f} MB, matched {dense['matched']}, total {dense['total']:.9f}"
        )
        ok = exact(engine, dense)
        figures.update(
            dense_seconds=round(dense["seconds"], 4),
            dense_solve_seconds=round(dense["solve_seconds"], 4),
            dense_cpu_seconds=round(dense["cpu_seconds"], 4),
            speedup_cpu=round(cpu_ratio(engine, dense), 2),
            dense_total=dense["total"],
            dense_matched=dense["matched"],
            speedup=round(ratio(engine, dense), 2),
            speedup_to_solve=round(ratio(engine, dense, "solve_seconds"), 2),
            exact=ok,
        )
    if not ok:
        print("MISMATCH between engine and dense solve", file=sys.stderr)
    print(json.dumps(figures))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
