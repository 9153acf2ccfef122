"""Rendering many certificates on every core: one PDF per person plus one combined PDF.

Pages are rendered in worker processes in chunks; each chunk also yields a combined
PDF of its pages, and the chunks are joined in order. Cancelling stops between
chunks and raises BatchCancelled; the caller discards the output folder.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
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


def _render_chunk(pages: Sequence[pdf.CertificatePage], names: Sequence[str], folder: str, index: int) -> str:
    """Worker: each page to its own file, and the chunk to one combined file; returns the combined path."""
    out = Path(folder)
    for page, name in zip(pages, names, strict=True):
        pdf.render([page], out / name, title=f"Certificate {page.code}")
    # The chunk's combined file is assembled from the single files rather than drawn twice.
    combined = out / f".chunk-{index:05}.pdf"
    _join([out / name for name in names], combined, keep=True)
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
    pages: Sequence[pdf.CertificatePage],
    folder: Path,
    *,
    names: Sequence[str],
    combined_name: str,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BatchOutput:
    """Render ``pages`` into ``folder``; ``workers`` defaults to every core."""
    folder.mkdir(parents=True, exist_ok=True)
    total = len(pages)
    chunks = [(pages[i : i + CHUNK], names[i : i + CHUNK]) for i in range(0, total, CHUNK)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(chunks)))
    results: dict[int, str] = {}
    done = 0
    if workers == 1:
        for index, (chunk, chunk_names) in enumerate(chunks):
            if cancelled and cancelled():
                raise BatchCancelled()
            results[index] = _render_chunk(chunk, chunk_names, str(folder), index)
            done += len(chunk)
            if progress:
                progress(done, total)
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["credtrack.certificates.batch"])
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending: dict[Future[str], tuple[int, int]] = {
                pool.submit(_render_chunk, chunk, chunk_names, str(folder), index): (index, len(chunk))
                for index, (chunk, chunk_names) in enumerate(chunks)
            }
            while pending:
                finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if cancelled and cancelled():
                    for future in pending:
                        future.cancel()
                    raise BatchCancelled()
                for future in finished:
                    index, size = pending.pop(future)
                    results[index] = future.result()
                    done += size
                    if progress:
                        progress(done, total)
    combined = folder / combined_name
    _join([Path(results[i]) for i in range(len(chunks))], combined)
    return BatchOutput(combined, [folder / name for name in names])
