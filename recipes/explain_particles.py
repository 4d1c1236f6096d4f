"""Built-in recipe `explain-particles`: what each particle does in THIS line, and what shows it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
    explain_in_line,
    explain_in_lines,
    json_string,
    recipe,
)

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
_PROMPTS = pa.array(PROMPTS_ZH + PROMPTS_EN, pa.string())  # the batched form takes its questions from here
_COUNT_ZH = dict(enumerate("一二三四五六七八九十", start=1))


def _answer(text: str, particles: Sequence[str], lang: str, explained: list[tuple[str, str]]) -> str:
    """The answer: the line, how many particles it has, then each particle (its text) where it
    stands and what it does."""
    count = len(explained)
    if lang == "zh":
        entries = [f"「{where}」的「{particle}」：{said}" for particle, (where, said) in zip(particles, explained)]
        head = f"「{text}」這句話有{_COUNT_ZH.get(count, str(count))}個語氣詞："
    else:
        entries = [f'"{particle}" in "{where}": {said}' for particle, (where, said) in zip(particles, explained)]
        head = f'"{text}" has one particle:' if count == 1 else f'"{text}" has {count} particles:'
    return head + "".join([f"\n- {entry}" for entry in entries])


def _extra(texts: Sequence[str], offsets: Sequence[int], functions: Sequence[str]) -> str:
    """The `particles` field as JSON text, as the per-pair form's `extra` is stored (the bytes
    `json.dumps([[text, offset, function], ...], ensure_ascii=False)` writes)."""
    entries = ", ".join([f"[{json_string(text)}, {offset}, {json_string(function)}]"
                         for text, offset, function in zip(texts, offsets, functions)])
    return '{"particles": [' + entries + "]}"


def explain_particles_batch(pairs: PairBatch, ctx: BatchContext) -> Examples:
    """The batched form: the same draws per pair, in the same order (language, each particle's
    gloss, the question), made for the whole batch at once, from the span columns as they are."""
    counts = pc.list_value_length(pairs.particles).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(pairs.column("annotated").to_numpy(zero_copy_only=False) & (counts > 0))
    is_zh = ctx.choices(2, rows) == 0
    langs = ["zh" if zh else "en" for zh in is_zh.tolist()]
    chosen = pa.array(rows)
    lines = pairs.zh.take(chosen)
    texts = lines.to_pylist()
    particles = pairs.particles.take(chosen)
    each = np.repeat(rows, counts[rows])
    explained = explain_in_lines(texts, particles, langs, lambda options: ctx.choices(np.asarray(options), each))
    asked = ctx.choices(np.where(is_zh, len(PROMPTS_ZH), len(PROMPTS_EN)), rows)
    questions = _PROMPTS.take(pa.array(np.where(is_zh, asked, asked + len(PROMPTS_ZH))))
    found = pc.list_flatten(particles)
    words, offsets, functions = (found.field(name).to_pylist() for name in ("text", "offset", "function"))
    answers, extras, at = [], [], 0
    for text, lang, said in zip(texts, langs, explained):
        end = at + len(said)
        answers.append(_answer(text, words[at:end], lang, said))
        extras.append(_extra(words[at:end], offsets[at:end], functions[at:end]))
        at = end
    return Examples(rows=rows, instruction=questions, input=lines, output=answers, extra=extras)


@recipe("explain-particles", version="2.0.0", fields=("particles",),
        core_defaults={"min_casual": CASUAL_THRESHOLD}, batch=explain_particles_batch)
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
    instruction = ctx.pick(PROMPTS_ZH if lang == "zh" else PROMPTS_EN)
    yield Example(
        instruction=instruction,
        input=text,
        output=_answer(text, [span.text for span in style.particles], lang, explained),
        extra={"particles": [[s.text, s.offset, s.function] for s in style.particles]},
    )
