"""Built-in recipe `en-to-casual`: formal English in, casual Taiwanese Mandarin out."""

from __future__ import annotations

from collections.abc import Iterator

from builder import CASUAL_THRESHOLD, BatchContext, Example, Examples, Pair, PairBatch, RecipeContext, recipe

# Requests written for twcasual, half in zh-TW and half in English. The English line follows
# as the input, so every phrasing works for both the chat and the Alpaca shape.
PROMPTS = (
    "把下面這句英文翻成台灣人平常講話的口氣，輕鬆一點、自然一點。",
    "幫我用台灣口語講這句英文，像跟朋友聊天那樣就好。",
    "請把這段英文改寫成輕鬆的台灣華語，不要太正式。",
    "這句英文如果是台灣人隨口講，會怎麼說？",
    "Rewrite this formal English sentence as casual Taiwanese Mandarin, the way a friend in Taipei would say it.",
    "Translate the following into relaxed, everyday Mandarin as spoken in Taiwan (Traditional characters).",
    "How would someone from Taiwan say this in a casual chat? Answer in Traditional Chinese.",
    "Turn this into natural, informal zh-TW, with the little particles people actually use.",
)


def en_to_casual_batch(pairs: PairBatch, ctx: BatchContext) -> Examples:
    """The batched form: one request per pair, the English line in, the zh line out."""
    return Examples(instruction=ctx.pick(PROMPTS), input=pairs.en, output=pairs.zh)


@recipe("en-to-casual", version="1.0.0", core_defaults={"min_casual": CASUAL_THRESHOLD}, batch=en_to_casual_batch)
def en_to_casual(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Ask for a casual Taiwanese Mandarin rendering of a formal English sentence."""
    yield Example(instruction=ctx.pick(PROMPTS), input=pair.en, output=pair.zh)
