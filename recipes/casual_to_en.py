"""Built-in recipe `casual-to-en`: casual Taiwanese Mandarin in, formal natural English out."""

from __future__ import annotations

from collections.abc import Iterator

from builder import CASUAL_THRESHOLD, BatchContext, Example, Examples, Pair, PairBatch, RecipeContext, recipe

PROMPTS = (
    "把這句台灣口語翻成正式、通順的英文。",
    "請用正式的英文表達下面這句話的意思，語氣詞不用硬翻。",
    "這句是台灣人聊天的講法，幫我改成書面英文。",
    "Translate this casual Taiwanese Mandarin into formal, natural English.",
    "Render the following chatty zh-TW line as clear, polite written English.",
    "What does this Taiwanese Mandarin sentence mean? Give a formal English version.",
)


def casual_to_en_batch(pairs: PairBatch, ctx: BatchContext) -> Examples:
    """The batched form: one request per pair, the zh line in, the English line out."""
    return Examples(instruction=ctx.pick(PROMPTS), input=pairs.zh, output=pairs.en)


@recipe("casual-to-en", version="1.0.0", core_defaults={"min_casual": CASUAL_THRESHOLD}, batch=casual_to_en_batch)
def casual_to_en(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Ask for a formal, natural English version of a casual zh-TW sentence."""
    yield Example(instruction=ctx.pick(PROMPTS), input=pair.zh, output=pair.en)
