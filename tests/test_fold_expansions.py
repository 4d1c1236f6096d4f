"""Characters whose NFKC form is several punctuation marks (… is "...") fold by the one-character
table instead of the slow whole-line NFKC path: the keys and n-grams must be the ones that path
gives, in every kind of context."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from builder.dedup.fold import KEEP, _tables, side_features, text_keys

EXPANDING = [chr(cp) for cp in range(0x30000)
             if len(unicodedata.normalize("NFKC", chr(cp))) > 1 and not _tables().needs_nfkc[cp]]
CONTEXTS = ["{}", "好啦{}", "{}你看", "我們先走{}掰掰囉", "Wait{}what", "a {} b", "對{}{}齁", "（{}）", "1{}2"]


def test_the_fast_path_covers_the_ellipsis_and_nothing_with_a_letter() -> None:
    assert "…" in EXPANDING and "‥" in EXPANDING
    for ch in EXPANDING:
        assert not any(c.isalnum() or c.isspace() for c in unicodedata.normalize("NFKC", ch)), ch
    assert not any(ch in EXPANDING for ch in "½™℃㏂ﬁ¨΅")  # letters, digits, spaces or marks: NFKC path


@pytest.mark.parametrize("space_breaks", [False, True])
def test_an_expanding_mark_folds_as_its_nfkc_form_does(space_breaks: bool) -> None:
    texts = [context.format(ch, ch) for ch in EXPANDING for context in CONTEXTS]
    normalised = [unicodedata.normalize("NFKC", text) for text in texts]
    assert texts != normalised
    for fold_particles in (False, True):
        assert np.array_equal(text_keys(texts, fold_particles, 7, space_breaks),
                              text_keys(normalised, fold_particles, 7, space_breaks))
    fast, slow = side_features(texts, 2, True, 7, space_breaks), side_features(normalised, 2, True, 7, space_breaks)
    for name in ("key", "plain_key", "clause_hash", "particles", "offsets", "grams", "loose_key"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name


def test_the_comparison_can_fail() -> None:
    """A wrong table entry (the ellipsis kept as if it were a letter) is caught by the comparison."""
    kinds = _tables().kind
    was = kinds[ord("…")]
    kinds[ord("…")] = KEEP
    try:
        texts = ["好啦…你看", "Wait…what"]
        normalised = [unicodedata.normalize("NFKC", text) for text in texts]
        assert not np.array_equal(text_keys(texts, True, 7), text_keys(normalised, True, 7))
    finally:
        kinds[ord("…")] = was
