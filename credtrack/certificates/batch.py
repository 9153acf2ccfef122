"""Issuing many certificates on every core: workers seal, draw and file whole chunks.

A worker seals each certificate of a chunk (Open Badges record, digest, signed QR),
draws the chunk as one multi-page PDF and splits it into one file per person. The
main process keeps only what must happen once and in order: it hands each chunk's
sealed records, in chunk order, to the caller to store, and joins the chunk files
into the combined PDF — a copy of whole pages, cheap because each chunk embeds its
font subsets once rather than once per page. The signing key reaches the workers in
memory, through the pipe that starts each of them; it is never written anywhere.
Cancelling stops between chunks and raises BatchCancelled; the caller discards the
output folder, which no worker writes to once ``Batch`` has exited. Workers end with the
process that started them, even when it is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import forkserver
from pathlib import Path
from types import TracebackType
from typing import Any

from credtrack.certificates import pdf, pdf_files, sealing
from credtrack.certificates.keys import SigningKey
from credtrack.certificates.payload import Claims
from credtrack.certificates.sealing import Sealed
from credtrack.errors import CredtrackError

CHUNK = 25  # certificates a worker seals and draws at a time
LAST_CHUNK = 5  # the smallest chunk the last rounds shrink to


class BatchCancelled(CredtrackError):
    """The batch was cancelled; nothing from it was kept."""

    def __init__(self) -> None:
        super().__init__("Batch issue cancelled: no certificate was issued and no file was kept.")


class BatchWorkerLost(CredtrackError):
    """A worker process stopped without finishing its chunk."""

    def __init__(self) -> None:
        super().__init__(
            "A certificate worker process stopped unexpectedly (out of memory, or ended by the "
            "system). No certificate was issued and no file was kept; try again, or issue the "
            "cohort with fewer worker processes."
        )


@dataclass(frozen=True)
class Item:
    """One certificate to seal and print, as the database decided it before signing."""

    claims: Claims  # the digest is filled in when sealed
    snapshot: dict[str, Any]
    page: pdf.CertificatePage  # the QR text is filled in when sealed
    file_name: str


@dataclass(frozen=True)
class BatchOutput:
    combined: Path
    singles: list[Path]


def worker_count(requested: int | None, most: int) -> int:
    """Processes worth starting for at most ``most`` certificates: ``requested`` (default every core), one per chunk."""
    return max(1, min(requested or os.cpu_count() or 1, -(-most // CHUNK)))


# Every worker would otherwise import the program's main module (the desktop app's, with Qt) on
# starting; preloaded, the fork server imports it, and what a worker needs, once for all of them.
WORKER_PRELOAD = ["__main__", "credtrack.certificates.batch"]


def _worker_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)  # takes effect when the server starts
    return context


def start_worker_server() -> None:
    """Start the process batch workers are forked from, ahead of the first batch.

    Starting it imports what the workers need, about a third of a second; a screen that
    offers batch issuing calls this in the background, so a person's first batch of the
    session does not wait for it. Later calls, and batches, find it running. Measured: a first
    batch of 500 certificates on 2 workers took 1.93-2.08 s with the server started ahead and
    2.31-2.43 s without (3 runs each, alternated, on a quiet moment of the shared machine).
    """
    if (os.cpu_count() or 1) > 1:
        _worker_context()
        forkserver.ensure_running()


def chunk_size(remaining: int, workers: int) -> int:
    """How many of the ``remaining`` certificates the next chunk takes.

    Whole chunks until the last two rounds, which shrink so that the workers finish
    at about the same moment instead of one drawing a whole chunk while the others wait.
    """
    if workers <= 1:
        return CHUNK
    return max(LAST_CHUNK, min(CHUNK, -(-remaining // (2 * workers))))


def chunk_sizes(total: int, workers: int) -> list[int]:
    """The chunks ``total`` certificates are issued in, when all of them are known to be eligible."""
    sizes: list[int] = []
    while total > 0:
        sizes.append(min(total, chunk_size(total, workers)))
        total -= sizes[-1]
    return sizes


def chunk_name(index: int) -> str:
    return f".chunk-{index:05}.pdf"


def issue_chunk(items: Sequence[Item], folder: Path, index: int, key: SigningKey, title: str) -> list[Sealed]:
    """Seal ``items``, draw them as the chunk file ``index`` in ``folder``, and split it into their own files."""
    sealed = [sealing.seal(item.snapshot, item.claims, key) for item in items]
    chunk = folder / chunk_name(index)
    pdf.render(
        [replace(item.page, qr_text=s.qr_text) for item, s in zip(items, sealed, strict=True)], chunk, title=title
    )
    pdf_files.split(chunk, [folder / item.file_name for item in items])
    return sealed


_worker_key: SigningKey | None = None


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent() -> None:
    """End this worker the moment the process that started it ends, however it ends.

    A worker holds the private key and writes signed files; left running after a ``kill -9``
    of the batch, it would go on signing for nobody. It holds its own end of the work pipe,
    so it never sees the pipe close: it watches its parent's sentinel instead and, on Linux,
    asks the kernel to kill it when the process it was forked from (the fork server, which
    ends with the program) goes.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_when_gone, args=(parent.sentinel,), daemon=True, name="credtrack-batch-parent"
        ).start()


def _exit_when_gone(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _start_worker(key_der: bytes) -> None:
    global _worker_key
    _die_with_parent()
    _worker_key = SigningKey.from_private_der(key_der)
    pdf.register_fonts()


def _worker_chunk(items: list[Item], folder: str, index: int, title: str) -> list[Sealed]:
    assert _worker_key is not None, "worker started without the signing key"
    return issue_chunk(items, Path(folder), index, _worker_key, title)


class Batch:
    """A run of chunks into ``folder`` with ``workers`` processes (one: in this process).

    Enter it early: the worker processes start while the caller is still reading the
    database. On exit, any chunk still being drawn is waited for, so nothing writes
    into ``folder`` afterwards.
    """

    def __init__(self, key: SigningKey, folder: Path, *, workers: int, title: str) -> None:
        self.key, self.folder, self.workers, self.title = key, folder, workers, title
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Batch:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_worker_context(),
                initializer=_start_worker,
                initargs=(self.key.private_der(),),
            )
            # Start every worker now, from another thread: the first batch also starts the fork
            # server, which takes a moment to import what the workers need, and the caller
            # goes on reading the database meanwhile. Measured: 500 certificates on 2 workers, 6 runs each
            # alternated on a quiet moment, 1.86-2.04 s with it and 1.93-2.57 s without (0.13 s a batch, median).
            self._warming = threading.Thread(
                target=_warm, args=(self._pool, self.workers), daemon=True, name="credtrack-batch-start"
            )
            self._warming.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._warming.join()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(
        self,
        chunks: Iterable[list[Item]],
        *,
        combined_name: str,
        stored: Callable[[list[Item], list[Sealed]], None],
        cancelled: Callable[[], bool] | None = None,
    ) -> BatchOutput:
        """Issue the certificates of ``chunks``; ``stored`` gets each chunk's records, in order, as it is filed.

        ``chunks`` may be a generator that prepares each chunk as it is asked for: the
        workers draw earlier chunks meanwhile. ``stored`` is the place to report progress.
        """
        order = _InOrder(self.folder, stored)
        try:
            if self._pool is None:
                for index, items in enumerate(chunks):
                    _stop_if(cancelled)
                    order.add(index, items)
                    order.done(index, issue_chunk(items, self.folder, index, self.key, self.title))
            else:
                self._run_pool(self._pool, chunks, order, cancelled)
            _stop_if(cancelled)  # a cancel that came as the last chunks finished still counts
            combined = self.folder / combined_name
            order.save(combined)
        finally:
            order.close()
        return BatchOutput(combined, order.singles)

    def _run_pool(
        self,
        pool: ProcessPoolExecutor,
        chunks: Iterable[list[Item]],
        order: _InOrder,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        pending: deque[tuple[int, Future[list[Sealed]]]] = deque()  # in chunk order: a later chunk back first waits

        def collect(timeout: float) -> None:
            """File the chunks at the head that are back, waiting up to ``timeout`` for the first of them."""
            while pending:
                index, future = pending[0]
                wait([future], timeout=timeout)
                if cancelled and cancelled():
                    for _index, waiting in pending:
                        waiting.cancel()
                    raise BatchCancelled()
                if not future.done():
                    return
                pending.popleft()
                try:
                    order.done(index, future.result())
                except BrokenProcessPool as exc:
                    raise BatchWorkerLost() from exc
                timeout = 0

        try:
            for index, items in enumerate(chunks):
                order.add(index, items)
                pending.append((index, pool.submit(_worker_chunk, items, str(self.folder), index, self.title)))
                collect(0)
            while pending:
                collect(0.2)
        except BrokenProcessPool as exc:
            raise BatchWorkerLost() from exc


def _warm(pool: ProcessPoolExecutor, workers: int) -> None:
    with contextlib.suppress(RuntimeError, BrokenProcessPool):  # shut down or broken: the batch reports it
        for _ in range(workers):
            pool.submit(int)


def _stop_if(cancelled: Callable[[], bool] | None) -> None:
    if cancelled and cancelled():
        raise BatchCancelled()


class _InOrder:
    """Takes finished chunks in chunk order: stored, then joined."""

    def __init__(self, folder: Path, stored: Callable[[list[Item], list[Sealed]], None]) -> None:
        self.folder, self.stored = folder, stored
        self.joiner = pdf_files.Joiner()
        self.singles: list[Path] = []
        self._items: dict[int, list[Item]] = {}
        self._next = 0

    def add(self, index: int, items: list[Item]) -> None:
        self._items[index] = items

    def done(self, index: int, sealed: list[Sealed]) -> None:
        if index != self._next:
            raise RuntimeError(f"chunk {index} came back before chunk {self._next}")
        items = self._items.pop(index)
        self.stored(items, sealed)
        chunk = self.folder / chunk_name(index)
        self.joiner.append(chunk)
        chunk.unlink()
        self.singles.extend(self.folder / item.file_name for item in items)
        self._next += 1

    def save(self, target: Path) -> None:
        if self._items or not self.singles:
            raise RuntimeError(f"only {len(self.singles)} certificates were filed; the batch is incomplete")
        self.joiner.save(target)

    def close(self) -> None:
        self.joiner.close()
