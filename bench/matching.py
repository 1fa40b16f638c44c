"""Benchmark of the matching engine against a dense assignment solve and a greedy one.

    python bench/matching.py --mentees 5000 --mentors 2500 --seed 1 [--skip-dense]

The engine runs in a fresh child process, so its peak memory (the child's ru_maxrss: the
interpreter, the instance and the engine together) is not inflated by the dense solve. The
last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
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
    greedy,
    solve_encoded,
)

RTOL = 1e-9

CRITERIA = (
    Criterion("career_track", SAME, 5.0),
    Criterion("time_zone", DISTANCE, 3.0, scale=12.0, wraparound=True),
    Criterion("values", OVERLAP, 4.0),
    Criterion("department", DIFFERENT, 2.0),
    Criterion("seniority", ORDINAL, 0.0, hard=True),
)

# UTC offsets and how common they are among participants (Americas, Europe, Africa, Asia, Oceania).
TIME_ZONES = np.array([-10, -8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 4, 5.5, 7, 8, 9, 10, 12], dtype=np.float64)
TZ_WEIGHT = np.array([1, 8, 4, 7, 10, 3, 4, 8, 12, 6, 3, 2, 8, 2, 5, 3, 3, 1], dtype=np.float64)


def make_instance(n_mentees: int, n_mentors: int, seed: int) -> Encoded:
    """A random but realistic cohort: career tracks, time zones, values, departments, levels."""
    rng = np.random.default_rng(seed)
    tracks, departments, options = 8, 15, 12
    track_p = rng.dirichlet(np.full(tracks, 4.0))
    dept_p = rng.dirichlet(np.full(departments, 3.0))
    value_p = rng.dirichlet(np.full(options, 3.0))
    tz_p = TZ_WEIGHT / TZ_WEIGHT.sum()

    def values(count: int) -> np.ndarray:
        keys = rng.random((count, options)) ** (1.0 / value_p)
        picks = rng.integers(2, 5, size=count)
        ranks = np.argsort(np.argsort(-keys, axis=1), axis=1)
        return ranks < picks[:, None]

    def answers(count: int, level_p: list[float], skip: float) -> dict[str, np.ndarray]:
        track = rng.choice(tracks, size=count, p=track_p)
        track[rng.random(count) < skip] = -1
        zone = rng.choice(TIME_ZONES, size=count, p=tz_p)
        zone[rng.random(count) < skip] = np.nan
        return {
            "career_track": track,
            "time_zone": zone,
            "values": values(count),
            "department": rng.choice(departments, size=count, p=dept_p),
            "seniority": rng.choice(5, size=count, p=level_p).astype(np.float64) + 1,
        }

    mentee = answers(n_mentees, [0.35, 0.30, 0.20, 0.10, 0.05], 0.02)
    mentor = answers(n_mentors, [0.05, 0.10, 0.25, 0.30, 0.30], 0.02)
    capacity = rng.integers(1, 4, size=n_mentors)
    # About 1% of mentees exclude a few mentors (reporting line, coordinator's call).
    who = np.flatnonzero(rng.random(n_mentees) < 0.01)
    counts = rng.integers(1, 6, size=who.size)
    excluded = (
        np.column_stack([np.repeat(who, counts), rng.integers(0, max(1, n_mentors), size=int(counts.sum()))])
        if n_mentors
        else np.zeros((0, 2), dtype=np.int64)
    )
    return encode_arrays(
        CRITERIA,
        np.arange(1, n_mentees + 1),
        np.arange(100_001, 100_001 + n_mentors),
        capacity,
        mentee,
        mentor,
        excluded=excluded,
    )


def _engine_child(n_mentees: int, n_mentors: int, seed: int, out: mp.Queue) -> None:
    enc = make_instance(n_mentees, n_mentors, seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tick = time.perf_counter()
    got = solve_encoded(enc)
    seconds = time.perf_counter() - tick
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.put(
        {
            "seconds": seconds,
            "peak_mb": peak / 1024.0,
            "before_mb": before / 1024.0,
            "total": got.total_score,
            "matched": got.matched,
            "stats": got.stats,
        }
    )


def run_engine(n_mentees: int, n_mentors: int, seed: int) -> dict[str, object]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_engine_child, args=(n_mentees, n_mentors, seed, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= RTOL * max(1.0, abs(a), abs(b))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentees", type=int, default=5000)
    parser.add_argument("--mentors", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-dense", action="store_true")
    args = parser.parse_args(argv)

    engine = run_engine(args.mentees, args.mentors, args.seed)
    stats = engine["stats"]
    print(
        f"engine: {engine['seconds']:.3f} s, peak {engine['peak_mb']:.0f} MB (process ru_maxrss), "
        f"matched {engine['matched']}, total {engine['total']:.9f}"
    )
    print(
        f"engine stats: rounds {stats['certificate_rounds']}, edges {stats['candidate_edges_initial']} -> "
        f"{stats['candidate_edges']}, gap bound {stats['gap_bound']:.3g}, seconds {stats['seconds']}"
    )
    for i, rnd in enumerate(stats["rounds"]):
        print(f"  round {i}: {rnd}")

    enc = make_instance(args.mentees, args.mentors, args.seed)
    figures: dict[str, object] = {
        "mentees": args.mentees,
        "mentors": args.mentors,
        "seed": args.seed,
        "engine_seconds": round(engine["seconds"], 4),
        "engine_total": engine["total"],
        "engine_matched": engine["matched"],
        "engine_peak_mb": round(engine["peak_mb"], 1),
        "engine_peak_method": "ru_maxrss of a spawned child process running only the engine",
        "certificate_rounds": stats["certificate_rounds"],
        "candidate_edges": stats["candidate_edges"],
        "gap_bound": stats["gap_bound"],
        "dense_seconds": None,
        "dense_build_seconds": None,
        "dense_total": None,
        "dense_matched": None,
        "speedup": None,
    }
    ok = True
    reference = engine["total"]
    if not args.skip_dense:
        dense = dense_solve(enc)
        print(
            f"dense: build {dense.build_seconds:.3f} s, solve {dense.solve_seconds:.3f} s, "
            f"matched {dense.matched}, total {dense.total_score:.9f}"
        )
        ok = dense.matched == engine["matched"] and _close(dense.total_score, engine["total"])
        figures.update(
            dense_seconds=round(dense.solve_seconds, 4),
            dense_build_seconds=round(dense.build_seconds, 4),
            dense_total=dense.total_score,
            dense_matched=dense.matched,
            speedup=round(dense.solve_seconds / engine["seconds"], 2),
            agree=ok,
        )
        reference = dense.total_score
        del dense
    naive = greedy(enc)
    figures.update(
        greedy_total=naive.total_score,
        greedy_matched=naive.matched,
        greedy_percent_of_optimum=round(100.0 * naive.total_score / reference, 3) if reference else None,
    )
    print(f"greedy: matched {naive.matched}, total {naive.total_score:.6f}")
    if not ok:
        print("MISMATCH between engine and dense solve", file=sys.stderr)
    print(json.dumps(figures))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
