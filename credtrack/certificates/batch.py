"""Rendering many certificates on every core: one PDF per person plus one combined PDF.

Pages are rendered in worker processes in chunks; each chunk also yields a combined
PDF of its pages, and the chunks are joined in order. Cancelling stops between
chunks and raises BatchCancelled; the caller discards the output folder.
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


def _render_chunk(items: Chunk, folder: str, index: int) -> str:
    """Worker: each page to its own file, and the chunk to one combined file; returns the combined path."""
    out = Path(folder)
    for page, name in items:
        pdf.render([page], out / name, title=f"Certificate {page.code}")
    # The chunk's combined file is assembled from the single files rather than drawn twice.
    combined = out / f".chunk-{index:05}.pdf"
    _join([out / name for _, name in items], combined, keep=True)
    return str(combined)


def _join(chunks: list[Path], target: Path, *, keep: bool = False) -> None:
    import pypdfium2 as pdfium

    if len(chunks) == 1 and not keep:
        chunks[0].replace(target)
        return
    joined = pdfium.PdfDocument.new()
    for chunk in chunks:
        part = pdfium.PdfDocument(str(chunk))
        joined.import_pages(part)
        part.close()
    joined.save(str(target))
    joined.close()
    if not keep:
        for chunk in chunks:
            chunk.unlink()


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
    results: dict[int, str] = {}
    names: list[str] = []
    done = 0

    def finished(index: int, combined: str, size: int) -> None:
        nonlocal done
        results[index] = combined
        done += size
        if progress:
            progress(done, total)

    if workers == 1:
        for index, chunk in enumerate(chunks):
            if cancelled and cancelled():
                raise BatchCancelled()
            names.extend(name for _, name in chunk)
            finished(index, _render_chunk(chunk, str(folder), index), len(chunk))
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["credtrack.certificates.batch"])
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=pdf.register_fonts) as pool:
            pending: dict[Future[str], tuple[int, int]] = {}

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
                pending[pool.submit(_render_chunk, list(chunk), str(folder), index)] = (index, len(chunk))
                collect(0)
            while pending:
                collect(0.2)
    combined = folder / combined_name
    _join([Path(results[i]) for i in range(len(results))], combined)
    return BatchOutput(combined, [folder / name for name in names])
