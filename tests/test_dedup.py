"""Dedup keys, near-duplicate rules, policies and a small correctness run on synthetic pairs."""

from __future__ import annotations

import numpy as np
import pytest

from bench.generate import generate
from builder.dedup.clusters import Deduplicator, components
from builder.dedup.fold import fold_text
from builder.dedup.settings import DedupSettings
from builder.errors import ConfigError
from builder.split import assign_splits

BASE_EN = "Could you remind Ya-Ting to bring the spare key to the office tomorrow morning?"
BASE_ZH = "你可以提醒雅婷明天早上把備用鑰匙帶來公司嗎？"
LONG_EN = ("The bakery on the corner starts selling pineapple cakes this Friday, and my sister "
           "wants us to queue before it opens.")
LONG_ZH = "轉角那家麵包店這禮拜五開始賣鳳梨酥啦，我姊叫我們開門前就去排隊喔！"


def cluster_of(pairs: list[tuple[str, str]], **settings: object) -> np.ndarray:
    """Deduplicate pairs in one batch and return the cluster array."""
    dedup = Deduplicator(DedupSettings(**settings))  # type: ignore[arg-type]
    dedup.add([str(i) for i in range(len(pairs))], [p[0] for p in pairs], [p[1] for p in pairs])
    return dedup.finish().cluster


@pytest.mark.parametrize(("text", "folded"), [
    ("ＡＢＣ　Hello,  World!!", "abchelloworld"),
    ("你好啦！我們走吧。", "你好我们走"),
    ("頭髮很亂耶～", "头发很乱"),
    ("头发很乱欸", "头发很乱"),
    ("臺北 vs 台北", "台北vs台北"),
    ("ﬁne café", "finecafé"),
    ("cafe\u0301", "café"),
    ("啦啦隊很強", "啦啦队很强"),
    ("「好」—— ok?", "好ok"),
])
def test_fold_text_folds_what_does_not_matter(text: str, folded: str) -> None:
    """Width, case, punctuation, spaces, script and clause-final particles fold away."""
    assert fold_text(text) == folded


def test_fold_text_keeps_particles_when_asked() -> None:
    """With particle folding off, particles stay in the key."""
    assert fold_text("好啦！走吧", fold_particles=False) == "好啦走吧"


def test_settings_from_mapping_and_errors() -> None:
    """Known keys build settings; unknown keys and bad values are one-line ConfigErrors."""
    s = DedupSettings.from_mapping({"policy": "keep", "threshold": 1, "ngram_zh": 2})
    assert (s.policy, s.threshold, s.ngram_zh) == ("keep", 1.0, 2)
    bad = [{"polcy": "drop"}, {"policy": "delete"}, {"threshold": 0}, {"threshold": 1.5},
           {"ngram_en": True}, {"num_perm": 64, "bands": 5}, {"particle_variants": "merge"},
           {"match": "either"}, {"near": "yes"}]
    for mapping in bad:
        with pytest.raises(ConfigError) as err:
            DedupSettings.from_mapping(mapping)
        assert "\n" not in str(err.value) and str(err.value).startswith("[dedup]")


def test_lsh_bands_follow_the_threshold() -> None:
    """Auto bands: fewer, longer bands for a higher threshold."""
    assert DedupSettings(threshold=0.5).lsh_bands() > DedupSettings(threshold=0.9).lsh_bands()
    assert DedupSettings(bands=8).lsh_bands() == 8


@pytest.mark.parametrize(("kind", "en", "zh"), [
    ("particle", BASE_EN, "你可以提醒雅婷明天早上把備用鑰匙帶來公司嗎啦？"),
    ("one_char_zh", BASE_EN, "你可以提醒雅婷明天早上把備用鑰匙帶去公司嗎？"),
    ("one_char_en", BASE_EN.replace("key", "kay"), BASE_ZH),
    ("punct_width", BASE_EN.rstrip("?"), "你可以提醒雅婷明天早上把備用鑰匙帶來公司嗎?"),
    ("whitespace", "  " + BASE_EN.replace("Ya-Ting", "Ya-Ting "),
     "你可以提醒雅婷 明天早上把備用鑰匙帶來公司嗎？"),
    ("simplified", BASE_EN, "你可以提醒雅婷明天早上把备用钥匙带来公司吗？"),
    ("case", BASE_EN.upper(), BASE_ZH),
    ("combo", "could you remind ya-ting to bring the spare key to the office tomorow morning",
     "你可以提醒雅婷明天早上把备用钥匙带来公司吗?"),
])
def test_each_planted_kind_is_found(kind: str, en: str, zh: str) -> None:
    """Every planted kind of near-twin joins the original's cluster."""
    assert cluster_of([(BASE_EN, BASE_ZH), (en, zh)]).tolist() == [0, 0], kind


def test_clause_reorder_is_found() -> None:
    """Swapping clauses on both sides keeps the n-gram sets: a duplicate."""
    swapped = ("My sister wants us to queue before it opens, and the bakery on the corner starts "
               "selling pineapple cakes this Friday.",
               "我姊叫我們開門前就去排隊喔，轉角那家麵包店這禮拜五開始賣鳳梨酥啦！")
    assert cluster_of([(LONG_EN, LONG_ZH), swapped]).tolist() == [0, 0]


def test_hard_negatives_are_not_merged() -> None:
    """Same template with another name or another action is a different pair, even in long lines."""
    name = (LONG_EN.replace("my sister", "Grandpa"), LONG_ZH.replace("我姊", "阿公"))
    action = (BASE_EN.replace("bring the spare key to", "pick up the parcel from"),
              BASE_ZH.replace("把備用鑰匙帶來", "去領包裹到"))
    assert cluster_of([(LONG_EN, LONG_ZH), name, (BASE_EN, BASE_ZH), action]).tolist() == \
        [0, 1, 2, 3]


def test_both_sides_mode_catches_noise_on_both_sides_and_merges_twins() -> None:
    """both-sides joins a typo on each side that one-side leaves apart."""
    twin = (LONG_EN.replace("queue", "qeue"), LONG_ZH.replace("排隊", "排對"))
    assert cluster_of([(LONG_EN, LONG_ZH), twin]).tolist() == [0, 1]
    assert cluster_of([(LONG_EN, LONG_ZH), twin], match="both-sides", threshold=0.8
                      ).tolist() == [0, 0]


def test_particle_variants_keep_mode() -> None:
    """好啦/好喔 variants are duplicates by default and stay apart with particle_variants=keep."""
    en = "Fine, I will do it."
    pairs = [(en, "好啦，我來做啦。"), (en, "好喔，我來做喔。"), (en, "好啦，我來做啦！")]
    assert cluster_of(pairs).tolist() == [0, 0, 0]
    assert cluster_of(pairs, particle_variants="keep").tolist() == [0, 1, 0]


def test_drop_and_keep_policies_and_earliest_representative() -> None:
    """drop keeps the earliest member of a cluster; keep keeps all; kinds name how each joined."""
    pairs = [("Unrelated line about the weather in Hualien today.", "花蓮今天天氣超好"),
             (BASE_EN.upper(), BASE_ZH), (BASE_EN, BASE_ZH),
             (BASE_EN, "你可以提醒雅婷明天早上把備用鑰匙帶來公司嗎喔？"),
             (BASE_EN, "你可以提醒雅婷明天早上把備用鑰匙帶去公司嗎？")]
    dedup = Deduplicator(DedupSettings())
    dedup.add(["a", "b", "c", "d", "e"], [p[0] for p in pairs], [p[1] for p in pairs])
    result = dedup.finish()
    assert result.cluster.tolist() == [0, 1, 1, 1, 1]
    assert result.keep.tolist() == [True, True, False, False, False]
    assert result.kind == ["", "", "exact", "particle", "near"]
    kept = Deduplicator(DedupSettings(policy="keep"))
    kept.add(["a", "b", "c", "d", "e"], [p[0] for p in pairs], [p[1] for p in pairs])
    assert kept.finish().keep.all()
    summary = result.summary(lambda i: {"en": pairs[i][0], "zh": pairs[i][1], "file": "chat.txt", "line": 2 * i + 1})
    assert summary["by_kind"] == {"exact": 1, "particle": 1, "near": 1}
    assert summary["duplicates"] == 3 and summary["dropped"] == 3
    members = {m["index"]: m for ex in summary["examples"] for m in ex["members"]}
    assert members[4]["zh"] == pairs[4][1]
    # each member says where it was read, so a reader can find it in the input
    assert {i: (m["file"], m["line"]) for i, m in members.items()} == {i: ("chat.txt", 2 * i + 1) for i in members}


def test_batches_give_the_same_clusters_as_one_batch() -> None:
    """Batch boundaries do not change the result."""
    data = generate(600, seed=3)
    whole = Deduplicator()
    whole.add([str(i) for i in range(600)], data.en, data.zh)
    parts = Deduplicator()
    for lo in range(0, 600, 7):
        parts.add([str(i) for i in range(lo, min(lo + 7, 600))], data.en[lo:lo + 7],
                  data.zh[lo:lo + 7])
    assert np.array_equal(whole.finish().cluster, parts.finish().cluster)


def test_near_stage_off_leaves_only_exact() -> None:
    """near = false keeps the one-character twin apart but still merges the folded copy."""
    pairs = [(BASE_EN, BASE_ZH), (BASE_EN.upper(), BASE_ZH),
             (BASE_EN, "你可以提醒雅婷明天早上把備用鑰匙帶去公司嗎？")]
    assert cluster_of(pairs, near=False).tolist() == [0, 0, 2]


def test_components_matches_a_plain_union_find() -> None:
    """The vectorised union-find labels every node with the smallest index of its component."""
    rng = np.random.default_rng(5)
    n = 2000
    a, b = rng.integers(0, n, 1500), rng.integers(0, n, 1500)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a.tolist(), b.tolist()):
        rx, ry = find(x), find(y)
        parent[max(rx, ry)] = min(rx, ry)
    assert components(n, a, b).tolist() == [find(i) for i in range(n)]


def test_generator_is_reproducible() -> None:
    """The same seed gives the same pairs and truth."""
    assert generate(300, seed=11) == generate(300, seed=11)
    assert generate(300, seed=11).en != generate(300, seed=12).en


def test_correctness_on_synthetic_pairs() -> None:
    """At 3k synthetic pairs: precision >= 0.99, recall >= 0.98, every cluster in one split."""
    n = 3000
    data = generate(n, seed=21)
    dedup = Deduplicator()
    dedup.add([str(i) for i in range(n)], data.en, data.zh)
    cluster = dedup.finish().cluster
    group = np.asarray(data.group, dtype=np.int64)

    def pairs(labels: np.ndarray) -> int:
        _, counts = np.unique(labels, return_counts=True)
        return int((counts * (counts - 1) // 2).sum())

    tp = pairs(group * (n + 1) + cluster)
    assert tp / pairs(cluster) >= 0.99
    assert tp / pairs(group) >= 0.98
    splits = assign_splits([f"{i:05d}" for i in range(n)], cluster)
    for rep in np.unique(cluster).tolist():
        assert len({splits[i] for i in np.flatnonzero(cluster == rep).tolist()}) == 1
