"""Run the whole fuzz corpus (tests/fuzzgen.py) and print a summary table.

    python bench/fuzz.py                       # every case: in-process in worker processes, devices in subprocesses
    python bench/fuzz.py --light               # only the cases refused by their form (minutes)
    python bench/fuzz.py --channel expr --jobs 2 --out fuzz.jsonl
    python bench/fuzz.py --subprocess 200      # also run a sample of 200 cases as real subprocesses

Each in-process case runs ``gelu_math.cli.main(argv)`` in a worker process whose address space is
capped (tests.fuzzgen.MEMORY_CAP), with a wall-clock limit of tests.fuzzgen.LIMIT_S seconds
(HEAVY_LIMIT_S for a full analysis), in a forked child that is killed if it overruns.
A case fails when it shows a traceback, an internal error (exit 4), a hang, an undocumented exit
code, more than one line on stderr, or when the canary file appears.  Failures are grouped by
their last line (digits blanked) so that one root cause is one row.  Exit status: 1 if any case
failed.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import fuzzgen  # noqa: E402

HARD_MARGIN_S = 15.0  # past its limit, a case that did not end by its alarm is killed


def _init_worker():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (fuzzgen.MEMORY_CAP, fuzzgen.MEMORY_CAP))
    # import once here: each case runs in a fork of this worker and inherits the loaded package
    import gelu_math.cli
    from gelu_math.definitions import catalog  # noqa: F401  (fills the registry)

    for module in gelu_math.cli.COMMANDS:
        __import__(f"gelu_math.cli.{module}")
    gelu_math.cli.build_parser()


def _row(case, mode, r):
    return {"id": case.id, "channel": case.channel, "mode": mode, "argv": [a[:300] for a in case.argv],
            "rc": r.rc, "seconds": round(r.seconds, 2), "problems": fuzzgen.problems(r),
            "last_line": r.last_line[:400], "stderr": r.stderr[-600:]}


def _run_one(item):
    """One case in a forked child of this worker (a case that ignores its alarm is killed past
    limit + HARD_MARGIN_S, and no case sees another's state); the result row."""
    index, case, mode = item
    with tempfile.TemporaryDirectory(prefix="gelu-fuzz-") as d:
        if mode == "subprocess":
            return index, _row(case, mode, fuzzgen.run_subprocess(case, Path(d) / "case"))
        read, write = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read)
            try:
                row = _row(case, mode, fuzzgen.run_inprocess(case, Path(d) / "case"))
                data = json.dumps(row, ensure_ascii=False).encode()
            except BaseException as exc:  # noqa: BLE001
                data = json.dumps({"error": repr(exc)}).encode()
            with os.fdopen(write, "wb") as fh:
                fh.write(data)
            os._exit(0)
        os.close(write)
        chunks, deadline = [], start + case.limit + HARD_MARGIN_S
        with os.fdopen(read, "rb") as fh:
            import select

            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fh], [], [], left)[0]:
                    os.kill(pid, 9)
                    break
                chunk = os.read(fh.fileno(), 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        os.waitpid(pid, 0)
        seconds = time.monotonic() - start
        try:
            row = json.loads(b"".join(chunks))
            if "error" in row:
                raise ValueError(row["error"])
        except ValueError as exc:
            row = {"id": case.id, "channel": case.channel, "mode": mode, "argv": [a[:300] for a in case.argv],
                   "rc": "hang", "seconds": round(seconds, 2),
                   "problems": [f"hang: killed after {seconds:.0f} s (ignored its alarm)" if not chunks
                                else f"runner error: {exc}"], "last_line": "", "stderr": ""}
        return index, row


def signature(row) -> str:
    text = re.sub(r"[0-9]+", "N", row["last_line"])
    text = re.sub(r"'[^']{40,}'", "'…'", text)
    return f"{row['rc']} | {text[:160]}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--channel", action="append", help="only these channels")
    ap.add_argument("--light", action="store_true", help="skip the heavy (full-analysis) cases")
    ap.add_argument("--heavy", action="store_true", help="only the heavy cases")
    ap.add_argument("--subprocess", type=int, default=0, metavar="N", help="also N sampled cases as subprocesses")
    ap.add_argument("--shuffle", action="store_true", help="run the cases in a seeded random order")
    ap.add_argument("--ids", help="a file of case ids (one a line): run only those")
    ap.add_argument("--out", help="JSON lines with every result")
    args = ap.parse_args(argv)

    cases = fuzzgen.corpus(args.seed)
    if args.channel:
        cases = [c for c in cases if c.channel in args.channel]
    if args.ids:
        wanted = set(Path(args.ids).read_text().split())
        cases = [c for c in cases if c.id in wanted]
    if args.light:
        cases = [c for c in cases if not c.heavy]
    if args.heavy:
        cases = [c for c in cases if c.heavy]
    if args.shuffle:  # mix the channels (a partial run then samples all of them)
        import random

        random.Random(args.seed).shuffle(cases)
    items = [(i, c, "subprocess" if c.subprocess_only else "inprocess") for i, c in enumerate(cases)]
    if args.subprocess:
        import random

        extra = random.Random(args.seed).sample([c for c in cases if not c.subprocess_only],
                                                min(args.subprocess, len(cases)))
        items += [(len(items) + k, c, "subprocess") for k, c in enumerate(extra)]
    print(f"{len(items)} cases ({sum(c.heavy for c in cases)} heavy), {args.jobs} workers, "
          f"limit {fuzzgen.LIMIT_S:g} s per case ({fuzzgen.HEAVY_LIMIT_S:g} s heavy)", file=sys.stderr)
    start = time.monotonic()
    rows = []
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs, initializer=_init_worker, maxtasksperchild=200) as pool:
        for n, (_, row) in enumerate(pool.imap_unordered(_run_one, items, chunksize=1), 1):
            rows.append(row)
            if out:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                out.flush()
            if row["problems"]:
                print(f"FAIL {row['id']} rc={row['rc']} {row['seconds']}s: {row['problems'][0][:200]}", file=sys.stderr)
            if n % 200 == 0:
                print(f"... {n}/{len(items)} in {time.monotonic() - start:.0f} s", file=sys.stderr)
    if out:
        out.close()

    by_channel = collections.defaultdict(collections.Counter)
    for row in rows:
        c = by_channel[row["channel"]]
        c["cases"] += 1
        c[f"exit {row['rc']}"] += 1
        c["failed"] += bool(row["problems"])
    cols = ["cases", "exit 0", "exit 1", "exit 2", "exit 3", "exit 4", "exit hang", "exit escaped", "failed"]
    print(f"{'channel':<15}" + "".join(f"{c:>13}" for c in cols))
    for ch in sorted(by_channel):
        print(f"{ch:<15}" + "".join(f"{by_channel[ch][c]:>13}" for c in cols))
    total = collections.Counter()
    for c in by_channel.values():
        total.update(c)
    print(f"{'total':<15}" + "".join(f"{total[c]:>13}" for c in cols))
    slowest = max(rows, key=lambda r: r["seconds"]) if rows else None
    if slowest:
        print(f"slowest case: {slowest['id']} {slowest['seconds']} s")
    groups = collections.defaultdict(list)
    for row in rows:
        if row["problems"]:
            groups[signature(row)].append(row)
    if groups:
        print(f"\n{len(groups)} distinct failures:")
        for sig, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(rs):4d} × {sig}\n         e.g. {rs[0]['id']}: gelu-math {' '.join(rs[0]['argv'])[:200]}")
    print(f"{time.monotonic() - start:.0f} s, {total['failed']} of {len(rows)} cases failed")
    return 1 if total["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
