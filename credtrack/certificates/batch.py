"""Rendering many certificates on every core: one PDF per person plus one combined PDF.

Pages are rendered in worker processes in chunks, handed over as the caller prepares
them; the combined file is joined from the single files in order while later chunks
render. Cancelling stops between chunks and raises BatchCancelled; the caller
discards the output folder.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from credtrack.certificates import pdf
from credtrack.errors import CredtrackError

CHUNK = 25


class BatchCancelled(CredtrackError):
    """The batch was cancelled; nothing from it was kept."""

    def __init__(self) -> None:
        super().__init__("Batch issue cancelled: no certificate was issued and no file was kept.")


@dataclass(frozen=True)
class BatchOutput:
    combined: Path
    singles: list[Path]


def file_name(page: pdf.CertificatePage, stem: str) -> str:
    return f"{page.code}_{stem}.pdf"


Chunk = Sequence[tuple[pdf.CertificatePage, str]]  # pages with their file names


def _render_chunk(items: Chunk, folder: str) -> list[str]:
    """Worker: each page to its own file; returns the files' paths in order."""
    out = Path(folder)
    for page, name in items:
        pdf.render([page], out / name, title=f"Certificate {page.code}")
    return [str(out / name) for _, name in items]


class _Combiner:
    """Joins the single files into the combined one, chunk by chunk in order, as each chunk is rendered.

    The combined file is assembled from the single files rather than drawn twice, while
    the workers render the next chunks.
    """

    def __init__(self) -> None:
        import pypdfium2 as pdfium

        self._pdfium = pdfium
        self._joined = pdfium.PdfDocument.new()
        self._waiting: dict[int, list[str]] = {}
        self._next = 0

    def add(self, index: int, files: list[str]) -> None:
        self._waiting[index] = files
        while self._next in self._waiting:
            for path in self._waiting.pop(self._next):
                part = self._pdfium.PdfDocument(path)
                self._joined.import_pages(part)
                part.close()
            self._next += 1

    def save(self, target: Path) -> None:
        assert not self._waiting, "a chunk is missing from the combined file"
        self._joined.save(str(target))
        self._joined.close()


def render_batch(
    chunks: Iterable[Chunk],
    folder: Path,
    *,
    total: int,
    combined_name: str,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BatchOutput:
    """Render the pages of ``chunks`` (``total`` in all) into ``folder``; ``workers`` defaults to every core.

    ``chunks`` may be a generator that prepares each chunk as it is asked for: with
    several workers, a chunk is rendered while the caller prepares the next one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, -(-total // CHUNK)))
    combiner = _Combiner()
    names: list[str] = []
    done = 0

    def finished(index: int, files: list[str], size: int) -> None:
        nonlocal done
        combiner.add(index, files)
        done += size
        if progress:
            progress(done, total)

    if workers == 1:
        for index, chunk in enumerate(chunks):
            if cancelled and cancelled():
                raise BatchCancelled()
            names.extend(name for _, name in chunk)
            finished(index, _render_chunk(chunk, str(folder)), len(chunk))
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["credtrack.certificates.batch"])
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=pdf.register_fonts) as pool:
            pending: dict[Future[list[str]], tuple[int, int]] = {}

            def collect(timeout: float) -> None:
                ready, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
                if cancelled and cancelled():
                    for future in pending:
                        future.cancel()
                    raise BatchCancelled()
                for future in ready:
                    index, size = pending.pop(future)
                    finished(index, future.result(), size)

            for index, chunk in enumerate(chunks):
                names.extend(name for _, name in chunk)
                pending[pool.submit(_render_chunk, list(chunk), str(folder))] = (index, len(chunk))
                collect(0)
            while pending:
                collect(0.2)
    combined = folder / combined_name
    combiner.save(combined)
    return BatchOutput(combined, [folder / name for name in names])
