"""Built-in recipe `explain-particles`: what each particle does in THIS line, and what shows it."""

from __future__ import annotations

from collections.abc import Iterator

from builder import CASUAL_THRESHOLD, Example, Pair, RecipeContext, explain_in_line, recipe

PROMPTS_ZH = (
    "這句話裡的語氣詞有哪些？在這句裡各自是什麼作用？",
    "幫我解釋這句台灣口語裡每個句尾助詞在這裡的作用。",
    "這句話聽起來很口語，是哪些語氣詞造成的？它們在這句裡表達什麼？",
    "讀讀看這句話：裡面的語氣詞各帶出什麼語氣？句子裡有什麼線索？",
)
PROMPTS_EN = (
    "Which sentence-final particles does this Taiwanese Mandarin line use, and what does each do here?",
    "Explain the particles in this casual zh-TW sentence: what tone does each give in this line?",
    "List the particles in the line below and say what each one does in it, and what shows that.",
    "Read this casual Taiwanese Mandarin line: what job does each particle do, and how can you tell?",
)
_COUNT_ZH = dict(enumerate("一二三四五六七八九十", start=1))


@recipe("explain-particles", version="2.0.0", fields=("particles",),
        core_defaults={"min_casual": CASUAL_THRESHOLD})
def explain_particles(pair: Pair, ctx: RecipeContext) -> Iterator[Example]:
    """Explain what each particle does in this casual zh-TW line, quoting the words around it.

    Lines without particles are skipped. The question and the answer are in the same language,
    zh-TW or English, picked per pair. Each particle's function comes from the annotation
    (one of twelve: soften, urge, remind ...); the answer quotes the line and the clause around
    each particle, glosses the function and names the clue in the line where the rules see one.
    `particles` holds [text, offset, function] per particle.
    """
    style = ctx.style
    if style is None or not style.particles:
        return
    lang = ctx.pick(("zh", "en"))
    text = pair.zh
    explained = explain_in_line(text, style.particles, lang, ctx.pick)
    count = len(explained)
    if lang == "zh":
        entries = [f"「{where}」的「{span.text}」：{said}" for span, (where, said) in zip(style.particles, explained)]
        head = f"「{text}」這句話有{_COUNT_ZH.get(count, str(count))}個語氣詞："
        instruction = ctx.pick(PROMPTS_ZH)
    else:
        entries = [f'"{span.text}" in "{where}": {said}' for span, (where, said) in zip(style.particles, explained)]
        head = f'"{text}" has one particle:' if count == 1 else f'"{text}" has {count} particles:'
        instruction = ctx.pick(PROMPTS_EN)
    yield Example(
        instruction=instruction,
        input=text,
        output=head + "\n" + "\n".join(f"- {entry}" for entry in entries),
        extra={"particles": [[s.text, s.offset, s.function] for s in style.particles]},
    )
