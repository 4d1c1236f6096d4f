"""Built-in recipe `explain-particles`: name the particles of a casual line and what each adds."""

from __future__ import annotations

from collections.abc import Iterator

from builder import CASUAL_THRESHOLD, Example, Pair, RecipeContext, explain, recipe

PROMPTS_ZH = (
    "這句話裡的語氣詞有哪些？各自帶出什麼語氣？",
    "幫我解釋這句台灣口語裡每個句尾助詞的作用。",
    "這句話聽起來很口語，是哪些語氣詞造成的？分別是什麼意思？",
)
PROMPTS_EN = (
    "Which sentence-final particles does this Taiwanese Mandarin line use, and what does each one add?",
    "Explain the particles in this casual zh-TW sentence: what tone does each give?",
    "List the particles in the line below and describe the nuance each contributes.",
)


@recipe("explain-particles", version="1.0.0", fields=("particles",), core_defaults={"min_casual": CASUAL_THRESHOLD})
def explain_particles(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Name the particles of a casual zh-TW line and explain what each adds, from the project glossary.

    Lines without particles are skipped. The question and the answer are in the same language,
    zh-TW or English, picked per pair.
    """
    style = ctx.style
    if style is None or not style.particles:
        return
    lang = ctx.pick(("zh", "en"))
    seen: list[str] = []
    for span in style.particles:
        if span.text not in seen:
            seen.append(span.text)
    if lang == "zh":
        lines = [f"「{p}」：{explain(p, 'zh')}。" for p in seen]
        answer = f"這句話用了{len(seen)}個語氣詞：\n" + "\n".join(f"- {line}" for line in lines)
        instruction = ctx.pick(PROMPTS_ZH)
    else:
        lines = [f"“{p}”: {explain(p, 'en')}." for p in seen]
        count = "one particle" if len(seen) == 1 else f"{len(seen)} particles"
        answer = f"The line uses {count}:\n" + "\n".join(f"- {line}" for line in lines)
        instruction = ctx.pick(PROMPTS_EN)
    yield Example(instruction=instruction, input=pair.zh, output=answer,
                  extra={"particles": [[s.text, s.offset] for s in style.particles]})
