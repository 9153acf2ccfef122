"""Setting text in any script: the right font per run, joined and reordered glyphs, and what cannot be drawn."""

from __future__ import annotations

from credtrack.certificates import fonts, scripts


def _texts(line: scripts.Line) -> list[str]:
    """What each glyph of ``line``, left to right, stands for in extracted text."""
    return [fonts.font(glyph.font).stands_for(glyph.char) for glyph in line.glyphs]


def _gids(line: scripts.Line) -> list[int]:
    return [fonts.font(g.font).face.charToGlyph[ord(g.char)] for g in line.glyphs]


def test_arabic_is_set_right_to_left_in_joined_forms_from_the_arabic_font():
    fonts.register_fonts()
    line = scripts.shape("محمد", fonts.SERIF_BOLD)
    assert {g.font for g in line.glyphs} == {"CTArabic-Bold"}
    assert 0 not in _gids(line)
    assert _texts(line) == ["د", "م", "ح", "م"]  # left to right on the page: the last letter first
    face = fonts.font("CTArabic-Bold").face
    isolated = face.charToGlyph[ord("م")]
    assert isolated not in _gids(line)  # both meems are joined forms, not the letter standing alone
    assert line.rtl and line.advance > 0


def test_lam_alef_is_one_ligature_glyph_standing_for_both_letters():
    line = scripts.shape("الأحمد", fonts.SERIF_BOLD)
    assert len(line.glyphs) == 5
    assert "أل" in _texts(line)  # given right to left, as the glyphs around it are read


def test_mixed_text_keeps_latin_left_to_right_and_puts_the_arabic_run_in_place():
    line = scripts.shape("Dr محمد", fonts.SERIF_BOLD)
    assert [g.font for g in line.glyphs[:2]] == [fonts.SERIF_BOLD, fonts.SERIF_BOLD]
    assert _texts(line)[:3] == ["D", "r", " "]
    assert _texts(line)[3:] == ["د", "م", "ح", "م"]
    xs = [g.x for g in line.glyphs]
    assert xs == sorted(xs)


def test_devanagari_vowel_sign_i_is_drawn_before_its_consonant_and_reads_after_it():
    line = scripts.shape("कि", fonts.SANS)
    assert {g.font for g in line.glyphs} == {"CTDevanagari"} and 0 not in _gids(line)
    assert _texts(line) == ["कि", ""]  # the sign's glyph comes first on the page and carries the cluster
    assert not line.rtl


def test_each_script_takes_its_own_font():
    cases = {
        "דוד": "CTHebrew-Bold",
        "王小明": fonts.CJK,
        "김민준": fonts.KOREAN_BOLD,
        "สมชาย": "CTThai-Bold",
        "அமுதா": "CTTamil-Bold",
        "ગીતા": "CTGujarati",
    }
    for text, font in cases.items():
        line = scripts.shape(text, fonts.SERIF_BOLD)
        assert {g.font for g in line.glyphs} == {font}, text
        assert 0 not in _gids(line), text


def test_latin_greek_and_cyrillic_are_drawn_as_before_without_shaping():
    for text in ["Nguyễn Thị Minh Khai", "Ζωή Παπαδοπούλου", "Пётр Иванов", "Zoë O'Brien-Łukasiewicz"]:
        assert scripts.simple(text, fonts.SERIF_BOLD), text
    assert not scripts.simple("محمد", fonts.SERIF_BOLD)
    assert not scripts.simple("e\u0301", fonts.SERIF_BOLD)  # a combining mark is placed by shaping


def test_undrawable_names_private_use_and_unassigned_characters_only():
    assert scripts.undrawable("محمد الأحمد प्रिया 王小明 김민준 Zoë") == []
    assert scripts.undrawable("a\u200db\u200fc\ufe0f") == []  # joiners, marks and selectors draw nothing
    assert scripts.undrawable("Layla \ue000 \u0378 \ue000") == ["\ue000", "\u0378"]
    assert scripts.undrawable("\U00013000") == ["\U00013000"]  # Egyptian hieroglyphs: not shipped
