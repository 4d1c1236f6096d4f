"""Folded keys and n-gram fingerprints of lines, computed for a whole batch at once in numpy.

Folding (for keys only: the stored text is never rewritten) is one lookup table over code points:
NFKC's one-character mappings (full/half width), lower case, Traditional and Simplified characters
to one form (OpenCC's tw2s character table), and a class per code point: kept (letters, digits,
marks), dropped (spaces, symbols, quotes, hyphens) or dropped as a clause break (. , ! ? 。 ， ...).
Lines holding a character whose NFKC form is not one character (ligatures, combining sequences)
go through `unicodedata.normalize` first; the rest never pay for it.

Why fold to the Simplified form: Simplified -> Traditional is one-to-many per character (发 ->
發/髮, 干 -> 乾/幹/干), Traditional -> Simplified is many-to-one, so a line and its copy in the
other script always meet in one key.

From the folded code points of each line this module derives, without a Python loop per
character: an order-sensitive exact key, a hash of the multiset of its clauses (the same when
clauses are swapped), the set of character n-grams inside each clause (stored as sorted unique
32-bit fingerprints of 64-bit hashes), and a hash of the line's clause-final particles. The
particles are the annotator's inventory (`builder.annotate.lexicon.PARTICLES`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from builder.annotate.lexicon import PARTICLES  # what folds away: exactly what the annotator calls a particle
from builder.dedup.settings import DedupSettings

__all__ = ["EN_SALT", "ZH_SALT", "SideFeatures", "fold_text", "mix64", "pair_features", "select_lines",
           "side_features", "text_keys"]

_CLAUSE_BREAKS = ".,;:!?。，、；：！？…‥—―～~\n\r\t"
KEEP, DROP, BREAK, LINE_END = 0, 1, 2, 3
_SEPARATOR = "\x00"  # joins the lines of a batch; the pipeline never lets NUL into a text
_LIMIT = 0x30000  # characters above this (rare CJK extensions, private use) are kept as they are
_U64 = np.uint64
EN_SALT, ZH_SALT = 0x656E, 0x7A68  # one hash family per side ("en", "zh")


def mix64(x: np.ndarray) -> np.ndarray:
    """Scramble uint64 values (splitmix64's finaliser): equal in -> equal out, else unrelated."""
    x = x ^ (x >> _U64(30))  # a new array: the caller's is left as it is, the rest works in place
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x



@dataclass(frozen=True)
class _Tables:
    fold: np.ndarray  # uint32 code point -> folded code point
    kind: np.ndarray  # uint8 code point -> KEEP / DROP / BREAK / LINE_END
    needs_nfkc: np.ndarray  # bool: the one-character table cannot stand in for NFKC here
    spaced_kind: np.ndarray  # uint8: `kind` with white space a clause break (the zh side)
    particle: np.ndarray  # bool over folded code points


def _marks_only(norm: str) -> bool:
    """Whether an NFKC expansion is punctuation and symbols only: no letter, digit, mark or space,
    nothing that composes with a neighbour (so one code point can stand for all of it)."""
    return all(unicodedata.category(c)[0] in "PS" and not unicodedata.combining(c) for c in norm)


def _classes() -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    """Per code point below _LIMIT, from Unicode: which fold to another (and to which), which are
    dropped, which are clause breaks, and which need NFKC first. Lists, written into the tables
    at once (a numpy store per code point cost as much as the Unicode lookups)."""
    moved, target, drop, breaks, needs = [], [], [], [], []
    for cp in range(_LIMIT):
        ch = chr(cp)
        norm = unicodedata.normalize("NFKC", ch)
        combining = unicodedata.combining(ch)
        if len(norm) > 1 and not combining and _marks_only(norm):  # … is NFKC "..."
            # Dropped, or a clause break if any of it is one: what the NFKC path makes of it, so
            # lines with an ellipsis (every long explanation quotes one) skip the slow path.
            (breaks if any(c in _CLAUSE_BREAKS for c in norm) else drop).append(cp)
            moved.append(cp)
            target.append(ord(norm[0]))
            continue
        if len(norm) != 1 or combining or 0x1100 <= cp < 0x1200:
            needs.append(cp)
            if combining:
                # A mark NFKC could not compose with a letter has no letter of its own (`¯` folds to a
                # space and U+0304): dropped, so that folding a folded text gives the same key again.
                drop.append(cp)
            continue
        low = norm.lower()
        out = low if len(low) == 1 else norm
        if out != ch:
            moved.append(cp)
            target.append(ord(out))
        if out in _CLAUSE_BREAKS:
            breaks.append(cp)
        elif unicodedata.category(out)[0] not in "LNM":
            drop.append(cp)
    return moved, target, drop, breaks, needs


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Build the folding tables once per process (about 0.1 s, one OpenCC converter)."""
    import opencc

    size = 0x110000
    fold = np.arange(size, dtype=np.uint32)
    kind = np.zeros(size, dtype=np.uint8)
    needs = np.zeros(size, dtype=bool)
    moved, target, drop, breaks, need_nfkc = _classes()
    fold[moved] = target
    kind[drop] = DROP
    kind[breaks] = BREAK
    needs[need_nfkc] = True
    kind[0xE0000:0xE0080] = DROP  # tag characters
    kind[ord(_SEPARATOR)] = LINE_END
    # Traditional/Taiwan and Simplified characters to one form, via OpenCC's character table.
    cjk = [chr(c) for c in range(0x3400, 0xA000)]
    converted = opencc.OpenCC("tw2s.json").convert("\n".join(cjk)).split("\n")
    script = np.arange(size, dtype=np.uint32)
    if len(converted) == len(cjk):
        pairs = [(ord(a), ord(b)) for a, b in zip(cjk, converted) if len(b) == 1 and a != b]
        src, dst = np.array(pairs, dtype=np.int64).T
        script[src] = dst
        script = script[script]  # a target that itself maps on: follow it
    fold = script[fold]
    particle = np.zeros(size, dtype=bool)
    particle[fold[[ord(c) for c in PARTICLES]]] = True
    space = np.zeros(size, dtype=bool)
    space[[c for c in range(_LIMIT) if chr(c).isspace()]] = True
    spaced_kind = np.where(space & (kind == DROP), np.uint8(BREAK), kind)
    return _Tables(fold=fold, kind=kind, needs_nfkc=needs, spaced_kind=spaced_kind, particle=particle)


def _encode(texts: Sequence[str], tables: _Tables) -> np.ndarray:
    """Join a batch with separators and return its code points, NFKC applied where needed."""
    joined = _SEPARATOR.join(texts) + _SEPARATOR
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    if int(np.count_nonzero(cps == 0)) != len(texts):
        raise ValueError("a text holds a NUL character")
    flagged = np.take(tables.needs_nfkc, cps)  # a str holds no code point above 0x10FFFF: every one is in the tables
    if flagged.any():
        line = np.cumsum(cps == 0) - (cps == 0)
        fixed = list(texts)
        for i in np.unique(line[flagged]).tolist():  # only the flagged lines: the rest stay as they are
            fixed[i] = unicodedata.normalize("NFKC", texts[i]).replace(_SEPARATOR, " ")
        cps = np.frombuffer((_SEPARATOR.join(fixed) + _SEPARATOR).encode("utf-32-le"), np.uint32)
    return cps


@dataclass(frozen=True)
class SideFeatures:
    """What dedup keeps of one side (en or zh) of a batch of lines: integers only."""

    key: np.ndarray  # uint64 per line: order-sensitive hash of the folded text
    plain_key: np.ndarray  # uint64 per line: the same with particles left in (tells kinds apart)
    clause_hash: np.ndarray  # uint64 per line: hash of the multiset of its clauses (order-free)
    particles: np.ndarray  # uint64 per line: hash of the clause-final particles, 0 for none
    offsets: np.ndarray  # int64, one per line and one more: line i's n-grams start at offsets[i]
    grams: np.ndarray  # uint32: sorted unique n-gram fingerprints per line
    loose_key: np.ndarray  # uint64 per line: `key` with clause-final particles folded away always
    # uint64 per zh line: the loose key of the line with its colloquial layer taken off (its plain
    # side, the prompt `casualize` makes of it); 0 where that is the line itself. None: not known.
    neutral_key: np.ndarray | None = None


def select_lines(feats: SideFeatures, rows: np.ndarray) -> SideFeatures:
    """The features of some lines of a batch (in the order of `rows`), n-grams included."""
    rows = np.asarray(rows, dtype=np.int64)
    starts, ends = feats.offsets[rows], feats.offsets[rows + 1]
    lengths = ends - starts
    offsets = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    # index of every kept n-gram: its line's start plus its position inside the line
    within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], lengths)
    grams = feats.grams[np.repeat(starts, lengths) + within]
    return SideFeatures(feats.key[rows], feats.plain_key[rows], feats.clause_hash[rows],
                        feats.particles[rows], offsets, grams, feats.loose_key[rows],
                        None if feats.neutral_key is None else feats.neutral_key[rows])


def _line_sums(values: np.ndarray, line: np.ndarray, n_lines: int) -> np.ndarray:
    """Add uint64 values per line (wrapping), 0 for lines with none."""
    out = np.zeros(n_lines, dtype=np.uint64)
    if values.size:
        starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
        out[line[starts]] = np.add.reduceat(values, starts)
    return out


def _sequence_key(vals: np.ndarray, line: np.ndarray, n_lines: int, salt: int) -> np.ndarray:
    """Hash each line's sequence of code points, order-sensitive (position mixed into each);
    `line` gives each value's line, ascending."""
    return _counted_key(vals, np.bincount(line, minlength=n_lines), salt)


def _counted_key(vals: np.ndarray, counts: np.ndarray, salt: int) -> np.ndarray:
    """`_sequence_key` with each line's number of values given (the values in line order).
    A line with none gets mix64(salt): every caller sets its empty lines to 0."""
    firsts = np.cumsum(counts) - counts
    mixed = np.arange(vals.size, dtype=_U64) - np.repeat(firsts.astype(_U64), counts)  # position
    mixed <<= _U64(24)
    mixed += vals
    mixed += _U64(salt)
    key = np.zeros(counts.size, dtype=_U64)
    filled = counts > 0
    if vals.size:
        key[filled] = np.add.reduceat(mix64(mixed), firsts[filled])
    return key + mix64(counts.astype(_U64) + _U64(salt))


def _fold(cps: np.ndarray, tables: _Tables, space_breaks: bool) -> tuple[np.ndarray, ...]:
    """Fold code points; return values, kept mask, final particles, line ids and each one's kind."""
    vals = np.take(tables.fold, cps)  # np.take: the same gather as indexing, cheaper
    # casual zh often separates clauses with a space instead of a comma
    kind = np.take(tables.spaced_kind if space_breaks else tables.kind, cps)
    keep = kind == KEEP
    particle = np.take(tables.particle, vals) & keep
    final = particle & np.r_[~keep[1:], True]  # next character is not a kept one
    for _ in range(2):  # particles come in chains of up to three (的啦齁): walk back the chain
        final |= particle & np.r_[final[1:], False]
    ends = kind == LINE_END
    line_all = np.cumsum(ends) - ends
    return vals, keep, final, line_all, kind


def _ngram_hashes(vals: np.ndarray, clause: np.ndarray, n: int, salt: int) -> tuple[np.ndarray,
                                                                                      np.ndarray]:
    """Hash every n-gram inside a clause, and each clause shorter than n as one gram."""
    size = vals.size
    v = vals.astype(np.uint64) + _U64(1)
    prime = _U64(0x9E3779B97F4A7C15)
    if size == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, clause[1:] != clause[:-1]])
    lengths = np.diff(np.r_[starts, size])
    poly = v.copy()
    short_idx = starts[lengths < n]
    short_len = lengths[lengths < n]
    short_hash = np.zeros(short_idx.size, dtype=np.uint64)
    for k in range(1, n):
        sel = short_len == k
        short_hash[sel] = poly[short_idx[sel]]
        if k < size:
            poly = poly[:-1] * prime + v[k:]
        else:
            poly = poly[:0]
    full_idx = np.flatnonzero(clause[: size - n + 1] == clause[n - 1:]) if size >= n else \
        np.zeros(0, np.int64)
    full_hash = poly[full_idx] if size >= n else np.zeros(0, np.uint64)
    hashes = np.concatenate([full_hash + _U64(n << 56), short_hash + (short_len.astype(np.uint64)
                                                                      << _U64(56))])
    where = np.concatenate([full_idx, short_idx])
    return mix64(hashes ^ _U64(salt)), where


def side_features(texts: Sequence[str], n: int, fold_particles: bool, salt: int,
                  space_breaks: bool = False) -> SideFeatures:
    """Fold a batch of lines and compute their keys and n-gram fingerprint sets."""
    tables = _tables()
    n_lines = len(texts)
    cps = _encode(texts, tables)
    vals, keep, final, line_all, kind = _fold(cps, tables, space_breaks)
    kept = keep & ~final if fold_particles else keep
    kept_vals, kept_line = vals[kept], line_all[kept]
    if fold_particles:
        plain_line = line_all[keep]
        plain_key = _sequence_key(vals[keep], plain_line, n_lines, salt)
        key = _sequence_key(kept_vals, kept_line, n_lines, salt)
    else:  # nothing folded away: the key is the plain key
        plain_line = kept_line
        plain_key = _sequence_key(kept_vals, kept_line, n_lines, salt)
        key = plain_key.copy()
    # The split groups always fold particles (casualize's prompt drops them); 0 for an empty line.
    if fold_particles or not final.any():  # the en side, and zh with particles folded: the key
        loose_key = key
    else:
        loose = keep & ~final
        loose_key = _sequence_key(vals[loose], line_all[loose], n_lines, salt)
        loose_key[np.bincount(line_all[loose], minlength=n_lines) == 0] = 0
    part_line = line_all[final]
    particles = _sequence_key(vals[final], part_line, n_lines, salt ^ 0x5A5A)
    particles[np.bincount(part_line, minlength=n_lines) == 0] = 0
    # Clause ids must also change at each line end; the cumulative break count already does.
    kept_clause = np.cumsum(kind >= BREAK)[kept]
    gram_hash, where = _ngram_hashes(kept_vals, kept_clause, n, salt)
    packed = kept_line[where].astype(np.uint64)  # (line << 32 | fingerprint): sorted, unique
    packed <<= _U64(32)
    packed |= gram_hash >> _U64(32)
    packed.sort()
    packed = packed[np.r_[True, packed[1:] != packed[:-1]]] if packed.size else packed
    grams = packed.astype(np.uint32)  # the low 32 bits: the fingerprint
    counts = np.bincount((packed >> _U64(32)).astype(np.int64), minlength=n_lines)
    offsets = np.zeros(n_lines + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    # Clauses in any order: each clause hashed in order, the line's clause hashes summed.
    heads = np.r_[True, kept_clause[1:] != kept_clause[:-1]] if kept_clause.size else \
        np.zeros(0, bool)
    clause_id = np.cumsum(heads) - 1
    n_clauses = int(heads.sum())
    clause_key = _sequence_key(kept_vals, clause_id, n_clauses, salt ^ 0xC1A5)
    clause_line = kept_line[heads]
    clause_hash = _line_sums(mix64(clause_key), clause_line, n_lines)
    per_line = np.bincount(clause_line, minlength=n_lines)
    clause_hash += mix64(per_line.astype(np.uint64) ^ _U64(salt))
    # An empty line (nothing left after folding) is no evidence: 0 never anchors a match.
    clause_hash[per_line == 0] = 0
    empty = np.bincount(kept_line, minlength=n_lines) == 0
    key[empty] = 0
    plain_key[np.bincount(plain_line, minlength=n_lines) == 0] = 0
    return SideFeatures(key=key, plain_key=plain_key, clause_hash=clause_hash, particles=particles,
                        offsets=offsets, grams=grams, loose_key=loose_key)


def text_keys(texts: Sequence[str], fold_particles: bool, salt: int, space_breaks: bool = False) -> np.ndarray:
    """Only the exact keys (`SideFeatures.key`) of a batch of lines: no n-grams, no clauses."""
    # `_fold`'s kept code points in fewer passes (no line id per code point, particles looked at only
    # where they are): the leak check folds every generated text (long explanations) this way.
    tables = _tables()
    cps = _encode(texts, tables)
    kept = np.take(tables.spaced_kind if space_breaks else tables.kind, cps) == KEEP
    if fold_particles:
        _drop_final_particles(cps, kept)
    through = np.cumsum(kept)[cps == 0]  # kept code points up to each line's separator
    counts = np.diff(through, prepend=0)
    key = _counted_key(np.take(tables.fold, cps[kept]), counts, salt)
    key[counts == 0] = 0  # nothing left after folding: 0 never matches
    return key


@lru_cache(maxsize=1)
def _raw_particles() -> np.ndarray:
    """bool per code point: it folds to a particle (`_Tables.particle` before the fold)."""
    tables = _tables()
    return tables.particle[tables.fold]


def _drop_final_particles(cps: np.ndarray, kept: np.ndarray) -> None:
    """Take the clause-final particles out of `kept` (in place), as `_fold` marks them, looking
    only where particles are."""
    at = np.flatnonzero(np.take(_raw_particles(), cps) & kept)
    final = ~kept[at + 1]  # every line ends in a separator: a kept code point has a next one
    chained = at[1:] == at[:-1] + 1
    for _ in range(2):  # chains of up to three (的啦齁): a particle before a final one is final
        final[:-1] |= chained & final[1:]
    kept[at[final]] = False


def fold_text(text: str, fold_particles: bool = True) -> str:
    """Return the folded form of one line that the keys hash (for tests and reports)."""
    tables = _tables()
    cps = _encode([text], tables)
    vals, keep, final, _, _ = _fold(cps, tables, False)
    kept = keep & ~final if fold_particles else keep
    return "".join(map(chr, vals[kept].tolist()))



def pair_features(en: Sequence[str], zh: Sequence[str], settings: DedupSettings,
                  plain: Sequence[str] | None = None) -> tuple[SideFeatures, SideFeatures]:
    """Fold a batch of pairs and compute what dedup keeps of each side (integers only).

    `plain` (one per zh line: its plain side, `Style.plain`) adds the zh side's `neutral_key`.
    """
    fold = settings.particle_variants == "duplicate"
    zh_features = side_features(zh, settings.ngram_zh, fold, ZH_SALT, space_breaks=True)
    if plain is not None:
        neutral = np.zeros(len(zh), dtype=np.uint64)
        rows = [i for i, (line, made) in enumerate(zip(zh, plain, strict=True)) if made and made != line]
        if rows:  # the same fold as `loose_key`: equal texts give equal keys
            neutral[rows] = text_keys([plain[i] for i in rows], True, ZH_SALT, space_breaks=True)
        zh_features = replace(zh_features, neutral_key=neutral)
    return side_features(en, settings.ngram_en, False, EN_SALT), zh_features
