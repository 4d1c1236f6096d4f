"""Built-in recipe `casualize`: a plain zh-TW line (colloquial layer off) -> the casual line."""

from __future__ import annotations

from collections.abc import Iterator

from builder import CASUAL_THRESHOLD, Example, Pair, RecipeContext, neutral_words_in, plain_version, recipe

PROMPTS = (
    "把這句話改得口語一點，像台灣人平常聊天那樣，加上自然的語氣詞。",
    "這句中文太平板了，幫我改成輕鬆的台灣口氣。",
    "請用台灣人講話的感覺重說一次這句話。",
    "Make this Mandarin sentence sound casual and natural, the way people in Taiwan talk.",
    "Add the everyday Taiwanese flavour to this sentence: particles, relaxed wording, same meaning.",
)


@recipe("casualize", version="2.0.0", fields=("removed",), core_defaults={"min_casual": CASUAL_THRESHOLD})
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
    removed += [word for word in neutral_words_in(pair.zh, style) if word not in removed]
    yield Example(
        instruction=ctx.pick(PROMPTS), input=plain, output=pair.zh, synthetic=True,
        extra={"removed": removed},
    )
