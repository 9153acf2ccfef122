"""Certificate throughput: credtrack (signing, QR, PDF, fonts, database) against plain reportlab + qrcode.

Run: python bench/bench_certificates.py [N [R]]   (default 1000 certificates, 3 rounds).
Prints certificates per second. Each round issues the cohort on one process and on every
core, back to back (every other round in the other order), so each round's ratio compares
runs made moments apart. Each round also times a plain CPU loop on one and on every core:
on a shared virtual machine that ratio itself varies, and it is what the batch's is set against.

The machine may be shared, so wall-clock figures are noisy: each credtrack run also
prints the CPU time it used, split into the main process (the serial part: database,
drafting, storing, joining the combined PDF) and the worker processes. CPU time of the
workers is read from /proc (Linux): workers are children of multiprocessing's fork
server, which reaps them, so their CPU time shows in its cumulative child times.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _world(n: int, folder: Path):
    from credtrack.db import Database
    from credtrack.models import Base
    from tests.integration.test_certificate_world import build_world

    db = Database(f"sqlite:///{folder / 'bench.db'}")
    Base.metadata.create_all(db.engine)
    names = tuple(f"Nguyễn Thị Minh {i:04} Ζωή Пётр" for i in range(n))
    return build_world(db, names=names)


def _children_cpu() -> float:
    """CPU seconds of this process's children, living ones (with what they reaped) and waited-for ones."""
    ticks = os.sysconf("SC_CLK_TCK")
    me = str(os.getpid())
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:  # ppid; then utime, stime, cutime, cstime are fields 11..14 after the name
            total += sum(int(f) for f in fields[11:15])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return total / ticks + usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Run:
    n: int
    wall: float
    main_cpu: float
    worker_cpu: float
    qr: str
    main_before: float  # main-process CPU before the chunks start (reading the database, deciding eligibility)
    main_after: float  # and after the last chunk is back (audit events, commit, moving files into place)

    def projected_wall(self, cores: int) -> float:
        """Wall time on ``cores`` idle cores if the main process's work before and after the chunks
        runs alone and everything else is spread evenly (a model from CPU times, not a measurement)."""
        return self.main_before + self.main_after + (self.cpu - self.main_before - self.main_after) / cores

    @property
    def per_second(self) -> float:
        return self.n / self.wall

    @property
    def cpu(self) -> float:
        return self.main_cpu + self.worker_cpu

    @property
    def per_cpu_second(self) -> float:
        return self.n / self.cpu


def bench_credtrack(n: int, workers: int) -> Run:
    """Issue a cohort of ``n`` (one combined PDF and ``n`` single files) with ``workers`` processes."""
    from credtrack.certificates import batch
    from credtrack.services.certificates import cohort as certificate_cohort

    marks: list[float] = []
    original = batch.Batch.run

    def timed_run(self, *args, **kwargs):
        marks.append(_self_cpu())
        try:
            return original(self, *args, **kwargs)
        finally:
            marks.append(_self_cpu())

    batch.Batch.run = timed_run
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CREDTRACK_HOME"] = str(folder / "home")
        world = _world(n, folder)
        main0, children0 = _self_cpu(), _children_cpu()
        start = time.perf_counter()
        result = certificate_cohort.issue_cohort(
            world.db, world.educator, "2026-JAN", folder / "out", today=dt.date(2026, 1, 10), workers=workers
        )
        wall = time.perf_counter() - start
        main1 = _self_cpu()
        batch.Batch.run = original
        time.sleep(0.2)  # let the fork server reap the workers that just exited
        children = _children_cpu() - children0
        issue = result.value
        assert len(issue.issued) == n and issue.combined_pdf is not None and issue.combined_pdf.exists()
        assert all(c.pdf_path is not None and c.pdf_path.exists() for c in issue.issued)
        path = qr_path_summary(issue.issued[0].pdf_path)
        world.db.dispose()
    return Run(n, wall, main1 - main0, children, path, marks[0] - main0, main1 - marks[1])


def qr_path_summary(pdf_file: Path | None) -> str:
    """How the page's largest path (the QR) is drawn: its segments, and how many path objects the page has."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    assert pdf_file is not None
    document = pdfium.PdfDocument(str(pdf_file))
    paths = [obj for obj in document[0].get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH]
    segments = sorted(pdfium_c.FPDFPath_CountSegments(obj.raw) for obj in paths)
    document.close()
    return (
        f"the largest of the page's {len(paths)} path objects has {segments[-1]} segments "
        f"(the QR's runs, one path); the others have {sum(segments[:-1])} in all"
    )


def bench_plain(n: int) -> tuple[float, float]:
    """What a plain script does: qrcode with its defaults (all 8 masks) and reportlab, one file each.

    Returns certificates per wall-clock second and per CPU second.
    """
    import qrcode
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from credtrack.certificates import keys, payload
    from credtrack.paths import resource_path

    pdfmetrics.registerFont(TTFont("PlainSerif", str(resource_path("fonts", "NotoSerif-Regular.ttf"))))
    key = keys.SigningKey.of(keys.generate())
    claims = payload.Claims(
        "CT4K7Q2M",
        "CT-7K3F-9QXM-4",
        "Nguyễn Thị Minh Khai",
        "Interprofessional Foundations",
        dt.date(2026, 1, 10),
        dt.date(2028, 1, 10),
        ("VE1", "RR1", "C2", "TT3"),
        os.urandom(16),
    )
    text = payload.sign(claims, key)
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(n):
            q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
            q.add_data(text)
            q.make(fit=True)
            matrix = q.get_matrix()
            c = Canvas(str(Path(tmp) / f"{i}.pdf"), pagesize=landscape(A4))
            c.setFont("PlainSerif", 30)
            c.drawCentredString(420, 450, "Certificate of Achievement")
            c.drawCentredString(420, 380, "Nguyễn Thị Minh Khai")
            m = 38 * mm / len(matrix)
            for r, row in enumerate(matrix):
                for col, dark in enumerate(row):
                    if dark:
                        c.rect(700 + col * m, 200 - r * m, m, m, stroke=0, fill=1)
            c.showPage()
            c.save()
        return n / (time.perf_counter() - start), n / (time.process_time() - cpu)


def bench_verify(n: int) -> float:
    from credtrack.certificates import keys, payload, verify

    key = keys.SigningKey.of(keys.generate())
    trust = verify.Trust(keys=[verify.TrustedKey(key.kid, key.public_key)])
    texts = [
        payload.sign(
            payload.Claims(
                "CT4K7Q2M",
                f"CT-7K3F-9QX{i % 10}-4",
                "Nguyễn Thị Minh Khai",
                "Foundations",
                dt.date(2026, 1, 10),
                None,
                ("VE1",),
                b"0123456789abcdef",
            ),
            key,
        )
        for i in range(100)
    ]
    start = time.perf_counter()
    for i in range(n):
        assert verify.verify(texts[i % 100], trust).ok
    return n / (time.perf_counter() - start)


def best_of(runs: list[Run]) -> Run:
    """The fastest wall clock of ``runs``, with the CPU times of the run that used the least CPU."""
    quickest, leanest = min(runs, key=lambda r: r.wall), min(runs, key=lambda r: r.cpu)
    return replace(leanest, wall=quickest.wall)


def rounds(repeat: int, n: int, cores: int) -> tuple[list[Run], list[Run], list[float]]:
    """``repeat`` rounds of one single-process run and one run on every core, back to back.

    Pairing the runs keeps each ratio to moments when the machine was equally busy; every
    other round runs on every core first, so drift favours neither. Each round also times a
    plain CPU loop on one and on every core, for what the machine itself gave at that moment.
    """
    single: list[Run] = []
    parallel: list[Run] = []
    loops: list[float] = []
    for round_ in range(repeat):
        if cores > 1 and round_ % 2:
            parallel.append(bench_credtrack(n, workers=cores))
            single.append(bench_credtrack(n, workers=1))
        else:
            single.append(bench_credtrack(n, workers=1))
            if cores > 1:
                parallel.append(bench_credtrack(n, workers=cores))
        if cores > 1:
            loops.append(machine_scaling(cores))
    return single, parallel, loops


def _spin(_: object = None) -> None:
    """A fixed amount of pure CPU work (Python arithmetic and zlib), sharing nothing with other processes."""
    import zlib

    total = 0
    for i in range(3_000_000):
        total += i * i % 7
    data = bytes(range(256)) * 4096
    for _ in range(20):
        zlib.compress(data, 6)


def machine_scaling(cores: int) -> float:
    """What this machine gives right now for work with nothing to share: ``cores`` processes against one.

    The lone run is made in a pool process too, so both sides are alike. A batch cannot be
    expected to scale better than this on the same machine at the same moment.
    """
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(cores) as pool:
        pool.map(_spin, range(cores))  # every process started and warm
        start = time.perf_counter()
        pool.apply(_spin)
        one = time.perf_counter() - start
        start = time.perf_counter()
        pool.map(_spin, range(2 * cores), chunksize=1)
        return 2 * cores * one / (time.perf_counter() - start)


def _describe(label: str, run: Run) -> str:
    return (
        f"{label:<44} {run.per_second:7.1f} certificates/s wall; CPU {run.cpu:5.2f} s "
        f"(main {run.main_cpu:5.2f} s, workers {run.worker_cpu:5.2f} s) = {run.per_cpu_second:5.1f} per CPU second"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    plain_n = min(n, 300)
    cores = os.cpu_count() or 1
    print(
        f"{n} certificates into one combined PDF and {n} single files; {cores} cores; "
        f"load average {os.getloadavg()[0]:.2f} at start; {repeat} rounds, best of each kind"
    )
    from credtrack.certificates import batch

    batch.start_worker_server()  # as the Certificates page does when it opens, before anyone issues
    print("the batch workers' server is started first, as the Certificates page does when it opens")
    singles, parallels, loops = rounds(repeat, n, cores)
    one = best_of(singles)
    print(_describe("credtrack issue-cohort, 1 process:", one))
    if parallels:
        many = best_of(parallels)
        print(_describe(f"credtrack issue-cohort, {cores} worker processes:", many))
        serial = many.main_cpu / one.cpu
        amdahl = 1 / (serial + (1 - serial) / cores)
        ratios = [s.wall / p.wall for s, p in zip(singles, parallels, strict=True)]
        print(
            f"  {one.wall / many.wall:.2f}x the single-process figure (best against best, wall clock); "
            f"round by round {', '.join(f'{r:.2f}x' for r in sorted(ratios))}, median {statistics.median(ratios):.2f}x "
            f"(load average {os.getloadavg()[0]:.2f} now)"
        )
        print(
            f"  this machine, on a plain CPU loop with nothing shared, in the same rounds: {cores} processes did "
            f"{', '.join(f'{r:.2f}x' for r in sorted(loops))} the work of one "
            f"(median {statistics.median(loops):.2f}x); "
            f"the batch got {statistics.median(r / loop for r, loop in zip(ratios, loops, strict=True)):.0%} of that, "
            f"round for round (median)"
        )
        print(
            f"  the workers used {many.worker_cpu / (one.cpu - many.main_cpu):.2f}x "
            "the CPU the chunks took in the single "
            f"process (its CPU less the main-process work of the parallel run; leanest runs of each)"
        )
        print(
            f"  main-process CPU is {serial:.0%} of the single-process CPU: even if none of it overlapped "
            f"the workers, {cores} idle cores would give {amdahl:.2f}x"
        )
        print(
            f"  main-process CPU before the chunks {many.main_before:.2f} s, after them {many.main_after:.2f} s; "
            f"modelled on {cores} idle cores: {one.cpu / many.projected_wall(cores):.2f}x"
        )
    plain, plain_cpu = bench_plain(plain_n)
    print(
        f"{'plain reportlab + qrcode script (defaults):':<44} {plain:7.1f} certificates/s wall, "
        f"{plain_cpu:5.1f} per CPU second (one core, {plain_n} single files)"
    )
    print(f"  credtrack per CPU second is {one.per_cpu_second / plain_cpu:.1f}x the plain script's")
    print(f"QR in the page content: {one.qr}")
    print(f"verification of QR text:                     {bench_verify(5000):7.0f} per second")


if __name__ == "__main__":
    main()
