"""How a batch is cut into chunks: whole ones first, smaller ones at the end so the workers finish together."""

from __future__ import annotations

import pytest

from credtrack.certificates import batch


@pytest.mark.parametrize("total", [1, 4, 53, 1000, 1001])
@pytest.mark.parametrize("workers", [2, 4])
def test_chunks_cover_the_batch_and_shrink_only_in_the_last_rounds(total, workers):
    sizes = batch.chunk_sizes(total, workers)
    assert sum(sizes) == total
    assert sizes == sorted(sizes, reverse=True)  # never a bigger chunk after a smaller one
    assert all(1 <= s <= batch.CHUNK for s in sizes)
    assert sizes[-1] <= batch.LAST_CHUNK
    # What is left once the whole chunks are handed out is at most two rounds of whole chunks.
    whole = sizes.count(batch.CHUNK)
    assert total - whole * batch.CHUNK <= 2 * workers * batch.CHUNK


def test_a_thousand_on_two_workers_keep_whole_chunks_until_the_last_hundred():
    sizes = batch.chunk_sizes(1000, 2)
    assert sizes[:37] == [batch.CHUNK] * 37
    assert sizes[37:] == [19, 14, 11, 8, 6, 5, 5, 5, 2]


def test_one_process_draws_whole_chunks_to_the_end():
    assert batch.chunk_sizes(60, 1) == [25, 25, 10]
