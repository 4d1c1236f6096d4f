"""The `particle-hint` recipe: casual zh-TW on request, with the particle to use named.

A model trained on these records learns to follow a tone request ("end it with 喔") instead of
sprinkling particles at random. Lines without a sentence-final particle are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

from builder import Example, Pair, Param, RecipeContext, recipe

__all__ = ["particle_hint"]

# Written for this recipe: half zh-TW, half English, every one naming the particle.
REQUESTS = (
    "把這句英文講成台灣人聊天的樣子，語氣上要用到「{particle}」。",
    "用輕鬆的台灣華語說這句，記得帶一個「{particle}」。",
    "這句英文請改成口語的台灣說法，裡面要有「{particle}」這個語氣詞。",
    "Say this the way a friend in Taiwan would, and use the particle 「{particle}」.",
    "Casual Taiwanese Mandarin, please, with 「{particle}」 in it.",
    "Rewrite this in everyday zh-TW; the particle 「{particle}」 should carry the tone.",
)


@recipe(
    "particle-hint",
    version="0.1.0",
    fields=("particle",),
    params=[Param("max_per_pair", int, 1, "examples per pair at most, one per distinct particle")],
    contract="2.0",
)
def particle_hint(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Ask for a casual zh-TW rendering of the English line that uses a named particle.

    One example per distinct particle of the zh line, in the order they appear, at most
    `max_per_pair` (a declared parameter, default 1). The particle goes into the `particle` field.
    """
    if pair.style is None:
        return
    limit = ctx.params["max_per_pair"]
    particles = list(dict.fromkeys(span.text for span in pair.style.particles))[:limit]
    for particle in particles:
        request = ctx.pick(REQUESTS).format(particle=particle)
        yield Example(
            instruction=request, input=pair.en, output=pair.zh, extra={"particle": particle}
        )
