"""Fitting text into a width: shrink to fit first, then wrap onto balanced lines."""

from __future__ import annotations

from dataclasses import dataclass

from credtrack.certificates import scripts


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float


def width(text: str, font: str, size: float) -> float:
    """The width of ``text`` on one line, shaped when its script needs it (see ``scripts``)."""
    return scripts.width(text, font, size)


def fit(
    text: str,
    font: str,
    max_size: float,
    min_size: float,
    max_width: float,
    *,
    max_lines: int = 2,
    shrink_before_wrap: float = 0.72,
) -> Fitted:
    """Lines and font size for ``text`` within ``max_width``.

    One line at the largest size that fits, down to ``shrink_before_wrap`` of
    ``max_size``; then two (or more) balanced lines, shrinking again down to
    ``min_size``; words longer than a line are broken as a last resort.
    """
    text = " ".join(text.split())
    single_floor = max(min_size, max_size * shrink_before_wrap)
    size = max_size
    while size >= single_floor:
        if width(text, font, size) <= max_width:
            return Fitted((text,), size)
        size -= 0.5
    for count in range(2, max_lines + 1):
        size = single_floor
        while size >= min_size:
            lines = balanced(text, count, font, size)
            if lines and max(width(line, font, size) for line in lines) <= max_width:
                return Fitted(tuple(lines), size)
            size -= 0.5
    return Fitted(tuple(hard_wrap(text, font, min_size, max_width, max_lines)), min_size)


def balanced(text: str, count: int, font: str, size: float) -> list[str] | None:
    """Split ``text`` at spaces into ``count`` lines whose longest line is as short as possible."""
    words = text.split(" ")
    if len(words) < count:
        return None
    widths = [width(w, font, size) for w in words]
    space = width(" ", font, size)

    def line_width(i: int, j: int) -> float:
        return sum(widths[i:j]) + space * (j - i - 1)

    best: tuple[float, list[tuple[int, int]]] | None = None

    def search(start: int, left: int, acc: list[tuple[int, int]], worst: float) -> None:
        nonlocal best
        if left == 1:
            total = max(worst, line_width(start, len(words)))
            if best is None or total < best[0]:
                best = (total, [*acc, (start, len(words))])
            return
        for end in range(start + 1, len(words) - left + 2):
            current = max(worst, line_width(start, end))
            if best is not None and current >= best[0]:
                break
            search(end, left - 1, [*acc, (start, end)], current)

    search(0, count, [], 0.0)
    if best is None:
        return None
    return [" ".join(words[i:j]) for i, j in best[1]]


def hard_wrap(text: str, font: str, size: float, max_width: float, max_lines: int) -> list[str]:
    """Greedy wrap that also breaks over-long words; an ellipsis marks text that was cut."""
    lines: list[str] = []
    current = ""
    for ch in text:
        candidate = current + ch
        if width(candidate, font, size) <= max_width or not current:
            current = candidate
            continue
        if " " in current and ch != " ":
            head, _, tail = current.rpartition(" ")
            lines.append(head)
            current = tail + ch
        else:
            lines.append(current.rstrip())
            current = ch.lstrip()
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and width(last + "…", font, size) > max_width:
            last = last[:-1]
        kept[-1] = last + "…"
        return kept
    return lines
