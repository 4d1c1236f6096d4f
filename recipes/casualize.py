"""Built-in recipe `casualize`: a zh-TW line with its colloquial layer removed -> the casual line."""

from __future__ import annotations

from collections.abc import Iterator

from builder import CASUAL_THRESHOLD, Example, Pair, RecipeContext, recipe, strip_colloquial

PROMPTS = (
    "把這句話改得口語一點，像台灣人平常聊天那樣，加上自然的語氣詞。",
    "這句中文太平板了，幫我改成輕鬆的台灣口氣。",
    "請用台灣人講話的感覺重說一次這句話。",
    "Make this Mandarin sentence sound casual and natural, the way people in Taiwan talk.",
    "Add the everyday Taiwanese flavour to this sentence: particles, relaxed wording, same meaning.",
)


@recipe("casualize", version="1.0.0", fields=("removed",), core_defaults={"min_casual": CASUAL_THRESHOLD})
def casualize(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Turn a plain zh-TW line (particles and colloquial words stripped by rules) back into the casual original.

    The plain side is made by rules, so the record is marked `synthetic`. Pairs where nothing
    colloquial was found are skipped.
    """
    style = ctx.style
    if style is None:
        return
    plain = strip_colloquial(pair.zh, style)
    if plain == pair.zh:
        return
    removed = [s.text for s in style.particles + style.interjections + style.markers]
    yield Example(
        instruction=ctx.pick(PROMPTS), input=plain, output=pair.zh, synthetic=True,
        extra={"removed": removed},
    )
