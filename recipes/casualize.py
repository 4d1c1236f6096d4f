"""Built-in recipe `casualize`: a plain zh-TW line (colloquial layer off) -> the casual line."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from builder import (
    CASUAL_THRESHOLD,
    BatchContext,
    Example,
    Examples,
    Pair,
    PairBatch,
    RecipeContext,
    json_string,
    neutral_words_in,
    plain_version,
    recipe,
)

PROMPTS = (
    "把這句話改得口語一點，像台灣人平常聊天那樣，加上自然的語氣詞。",
    "這句中文太平板了，幫我改成輕鬆的台灣口氣。",
    "請用台灣人講話的感覺重說一次這句話。",
    "Make this Mandarin sentence sound casual and natural, the way people in Taiwan talk.",
    "Add the everyday Taiwanese flavour to this sentence: particles, relaxed wording, same meaning.",
)


def _span_texts(column: pa.Array) -> list[list[str]]:
    """The texts of one span column, a list per pair."""
    return pa.ListArray.from_arrays(column.offsets, column.values.field("text")).to_pylist()


def casualize_batch(pairs: PairBatch, ctx: BatchContext) -> Examples:
    """The batched form: the plain sides the first pass made, skipped where nothing was taken off."""
    plain = pairs.plain
    missing = np.flatnonzero(pc.equal(plain, "").to_numpy(zero_copy_only=False))
    words = pairs.column("neutral_words").to_pylist()
    if missing.size:  # not made by a first pass (pairs made by hand): make them here
        made, objects = plain.to_pylist(), pairs.pairs()
        for row in missing.tolist():
            style = objects[row].style
            if style is not None:
                made[row] = plain_version(objects[row].zh, style)
        plain = pa.array(made, pa.string())
    kept = pairs.column("annotated").to_numpy(zero_copy_only=False) & \
        ~pc.equal(plain, pairs.zh).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(kept)
    spans = [_span_texts(pairs.column(name).take(pa.array(rows)))
             for name in ("particles", "interjections", "markers")]
    extras, objects = [], None
    for k, row in enumerate(rows.tolist()):
        removed = spans[0][k] + spans[1][k] + spans[2][k]
        found = words[row]
        if found is None:
            objects = objects or pairs.pairs()
            pair = objects[row]
            found = neutral_words_in(pair.zh, pair.style) if pair.style is not None else []
        removed += [word for word in found if word not in removed]
        extras.append('{"removed": [' + ", ".join(map(json_string, removed)) + "]}")  # json.dumps's bytes
    chosen = pa.array(rows)
    return Examples(rows=rows, instruction=ctx.pick(PROMPTS, rows), input=plain.take(chosen),
                    output=pairs.zh.take(chosen), synthetic=True, extra=extras)


@recipe("casualize", version="2.0.0", fields=("removed",), core_defaults={"min_casual": CASUAL_THRESHOLD},
        batch=casualize_batch)
def casualize(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Turn a plain zh-TW line back into the casual original: particles, interjections and colloquial words.

    The plain side is made by rules (`plain_version`: particles and interjections off, colloquial
    words mapped to neutral written ones, such as 禮拜 -> 星期, 超 -> 非常, 歹勢 -> 不好意思), so the
    record is marked `synthetic`. `removed` lists the particles, interjections, markers and words
    the rules took off or mapped. Pairs where nothing colloquial was found are skipped.
    """
    style = ctx.style
    if style is None:
        return
    plain = style.plain or plain_version(pair.zh, style)  # a build has made it once, in its first pass
    if plain == pair.zh:
        return
    removed = [s.text for s in style.particles + style.interjections + style.markers]
    words = style.neutral_words if style.neutral_words is not None else neutral_words_in(pair.zh, style)
    removed += [word for word in words if word not in removed]
    yield Example(
        instruction=ctx.pick(PROMPTS), input=plain, output=pair.zh, synthetic=True,
        extra={"removed": removed},
    )
