"""Search: keyword (Dutch-aware), semantic and hybrid search over hand-made segments; saving a search.

Every expected hit below was worked out by reading the segments, not by running the code.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from conftest import MINI_CORPUS
from wijkanalyse.coding.embed import HashingEmbedder
from wijkanalyse.exceptions import WijkanalyseError
from wijkanalyse.search import (
    HIT_COLUMNS,
    PROPOSAL_MARK,
    SearchError,
    SearchIndex,
    code_proposals,
    hybrid_search,
    keyword_search,
    match_spans,
    normalise_token,
    parse_query,
    reciprocal_rank_fusion,
    save_search_as_code_proposal,
    save_search_as_memo,
    segment_frame,
    semantic_search,
    stem_nl,
)
from wijkanalyse.search.text import ANALYSER_VERSION, index_fields, plain_text
from wijkanalyse.store import Store

# Hand-made segments: two documents, in order.
SEGMENTS = [
    # doc a (a session in Noord)
    ("a0", "a", 0, "Bewoners willen meer zeggenschap over de begroting.", "Noord", "bewoner"),
    ("a1", "a", 1, "De wijkraad vergadert elke maand in het buurthuis.", "Noord", "wijkraadslid"),
    ("a2", "a", 2, "Dat is de mening van de bewoners' vertegenwoordiging.", "Noord", "bewoner"),
    ("a3", "a", 3, "Wie betaalt straks de huur van het buurthuis?", "Noord", "bewoner"),
    # doc b (a session in Oost)
    ("b0", "b", 0, "De financiele middelen zijn onduidelijk.", "Oost", "ambtenaar"),
    ("b1", "b", 1, "Alle wijkraden krijgen straks een eigen budget.", "Oost", "ambtenaar"),
    ("b2", "b", 2, "Ik ben bewoner en ik wil dat het buurthuis open blijft.", "Oost", "bewoner"),
    ("b3", "b", 3, "Financiële zorgen: de huur van het buurthuis stijgt.", "Oost", "bewoner"),
]


@pytest.fixture()
def frame() -> pd.DataFrame:
    df = pd.DataFrame(SEGMENTS, columns=["segment_id", "doc_id", "position", "text", "wijk", "role"])
    df["path"] = df["doc_id"].map({"a": "noord/sessie.md", "b": "oost/sessie.md"})
    df["date"] = df["doc_id"].map({"a": "2023-01-10", "b": "2023-02-01"})
    g = df.groupby("doc_id")["text"]
    df["context_before"] = g.shift(1).fillna("")
    df["context_after"] = g.shift(-1).fillna("")
    return df


@pytest.fixture()
def index(frame: pd.DataFrame) -> SearchIndex:
    return SearchIndex(frame, embedder=HashingEmbedder())


def ids(hits: pd.DataFrame) -> set[str]:
    return set(hits["segment_id"])


# -- words ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("bewoner", "bewoners"),
        ("bewoner", "bewoners'"),
        ("wijkraad", "wijkraden"),
        ("vraag", "vragen"),
        ("financiele", "Financiële"),
        ("auto", "auto's"),
        ("huis", "huizen"),
        ("straat", "straten"),
        ("mogelijkheid", "mogelijkheden"),
    ],
)
def test_word_forms_share_a_stem(a: str, b: str) -> None:
    # stem_nl folds case and diacritics itself and must see the apostrophe of "auto's" (Snowball's Step 1
    # deletes a final "'s"), so it is given the word as typed rather than normalise_token's "autos".
    assert stem_nl(a) == stem_nl(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("financiering", "financieel"),
        ("wijk", "wijkraad"),
        ("huur", "huis"),
        # Snowball's Dutch stemmer (3.x) keeps these apart, where the hand-written stemmer joined them:
        # "financieel" has no suffix in Snowball's lists, so it stays "financieel"; "financiele" (diacritics
        # folded first) loses "-le" in Step 2, "l" is put back and lengthen_V does not double the "e" because
        # the letter before it is the vowel "i": "financiel". (Typed with the diaeresis, "-ële" would be
        # lengthened to "-eel"; folding first keeps "financiële" and "financiele" together instead.)
        ("financieel", "financiële"),
    ],
)
def test_different_words_keep_different_stems(a: str, b: str) -> None:
    assert stem_nl(a) != stem_nl(b)


def test_normalise_token_strips_case_diacritics_and_apostrophes() -> None:
    assert normalise_token("Financiële") == "financiele"
    assert normalise_token("Ideeën") == "ideeen"
    assert normalise_token("auto's") == "autos"


def test_parse_query_drops_function_words_outside_phrases_only() -> None:
    q = parse_query('de huur "van het buurthuis" -budget')
    assert [t.stems for t in q.positive] == [(stem_nl("huur"),), ("van", "het", "buurthuis")]
    assert [t.stems for t in q.negative] == [("budget",)]


@pytest.mark.parametrize("bad", ["", "   ", '"open', "-budget", "?!"])
def test_parse_query_rejects_queries_without_a_word(bad: str) -> None:
    with pytest.raises(SearchError):
        parse_query(bad)


# -- keyword search ------------------------------------------------------------------------------------------
def test_bewoner_finds_plural_and_possessive(index: SearchIndex) -> None:
    # a0 "Bewoners", a2 "bewoners'", b2 "bewoner"
    assert ids(index.keyword("bewoner")) == {"a0", "a2", "b2"}


def test_wijkraad_finds_wijkraden(index: SearchIndex) -> None:
    # a1 "wijkraad", b1 "wijkraden"
    assert ids(index.keyword("wijkraad")) == {"a1", "b1"}
    assert ids(index.keyword("Wijkraden")) == {"a1", "b1"}


def test_diacritics_do_not_matter(index: SearchIndex) -> None:
    # b0 "financiele", b3 "Financiële"
    assert ids(index.keyword("financiële")) == {"b0", "b3"}
    assert ids(index.keyword("FINANCIELE")) == {"b0", "b3"}


def test_terms_are_anded(index: SearchIndex) -> None:
    # "huur" in a3 and b3; "buurthuis" in a1, a3, b2, b3; both: a3 and b3
    assert ids(index.keyword("huur buurthuis")) == {"a3", "b3"}
    assert ids(index.keyword("huur budget")) == set()
    assert ids(index.keyword("huur budget", match="any")) == {"a3", "b3", "b1"}


def test_phrase_needs_the_words_in_order(index: SearchIndex) -> None:
    # "huur van het buurthuis" in a3 and b3; "buurthuis van het huur" nowhere
    assert ids(index.keyword('"huur van het buurthuis"')) == {"a3", "b3"}
    assert ids(index.keyword('"buurthuis van het huur"')) == set()
    # "de huur" occurs in a3 and b3, "de begroting" only in a0
    assert ids(index.keyword('"de begroting"')) == {"a0"}


def test_negation_and_prefix(index: SearchIndex) -> None:
    assert ids(index.keyword("buurthuis -huur")) == {"a1", "b2"}
    # words starting with "wijk": a1 wijkraad, b1 wijkraden
    assert ids(index.keyword("wijk*")) == {"a1", "b1"}


def test_filters_and_limit(index: SearchIndex) -> None:
    assert ids(index.keyword("buurthuis", wijk="Oost")) == {"b2", "b3"}
    assert ids(index.keyword("buurthuis", role=["wijkraadslid", "ambtenaar"])) == {"a1"}
    assert len(index.keyword("buurthuis", limit=2)) == 2
    with pytest.raises(SearchError, match="no such column"):
        index.keyword("buurthuis", gemeente="Haarlem")


def test_ranking_prefers_the_denser_segment(index: SearchIndex) -> None:
    # a term that occurs once in a short segment beats once in a long one (BM25 length normalisation)
    hits = index.keyword("zeggenschap begroting", match="any")
    assert hits["segment_id"].iloc[0] == "a0"
    assert list(hits["rank"]) == list(range(1, len(hits) + 1))
    assert hits["score"].is_monotonic_decreasing


def test_hit_has_context_and_source(index: SearchIndex) -> None:
    hits = index.keyword("zeggenschap")
    assert list(hits.columns[: len(HIT_COLUMNS)]) == HIT_COLUMNS
    row = hits.iloc[0]
    assert row["segment_id"] == "a0"
    assert row["context_before"] == ""  # first of its document
    assert row["context_after"] == SEGMENTS[1][3]
    assert (row["path"], row["wijk"], row["date"], row["role"]) == (
        "noord/sessie.md",
        "Noord",
        "2023-01-10",
        "bewoner",
    )
    assert hits.attrs["mode"] == "keyword" and hits.attrs["query"] == "zeggenschap"


def test_compounds() -> None:
    texts = [
        "Het klimaatbeleid moet beter.",  # 0: compound beginning with klimaat
        "Het klimaat verandert.",  # 1: the word itself
        "De wijkraadsleden vergaderen.",  # 2: begins with wijkraad
        "De graad van betrokkenheid.",  # 3: ends with raad, but "g" is no word
        "Alle wijkraden kwamen samen.",  # 4: ends with raden (stem rad)
    ]
    index = SearchIndex(pd.DataFrame({"segment_id": [f"s{i}" for i in range(5)], "text": texts}))
    hits = index.keyword("klimaat")
    assert list(hits["segment_id"]) == ["s1", "s0"]  # the word itself ranks above the compound
    assert ids(index.keyword("klimaat", compounds=False)) == {"s1"}
    assert ids(index.keyword("wijkraad")) == {"s2", "s4"}
    assert ids(index.keyword("raad")) == {"s4"}
    assert ids(index.keyword("klimaat -klimaatbeleid")) == {"s1"}
    text = texts[0]
    assert [text[s:e] for s, e in match_spans(text, "klimaat")] == ["klimaatbeleid"]


def test_match_spans_for_highlighting() -> None:
    text = "Bewoners' zorgen: de huur van het buurthuis."
    assert [text[s:e] for s, e in match_spans(text, 'bewoner "huur van het buurthuis"')] == [
        "Bewoners",
        "huur van het buurthuis",
    ]


# -- semantic search -----------------------------------------------------------------------------------------
def test_semantic_search_returns_the_identical_text_first(index: SearchIndex) -> None:
    for _, _, _, text, _, _ in SEGMENTS:
        hits = index.semantic(text, limit=3)
        assert hits["text"].iloc[0] == text
        assert hits["score"].iloc[0] == pytest.approx(1.0, abs=1e-5)
    assert index.semantic("huur buurthuis").attrs["model"] == "hashing/256"


def test_semantic_search_filters(index: SearchIndex) -> None:
    hits = index.semantic("Wie betaalt straks de huur van het buurthuis?", wijk="Oost", limit=None)
    assert set(hits["wijk"]) == {"Oost"} and len(hits) == 4


def test_semantic_search_needs_an_embedder(frame: pd.DataFrame) -> None:
    with pytest.raises(SearchError, match="needs an embedder"):
        SearchIndex(frame).semantic("huur")


# -- hybrid search -------------------------------------------------------------------------------------------
def test_reciprocal_rank_fusion_by_hand() -> None:
    # a: 1/61 + 1/62 = 0.032522; c: 1/63 + 1/61 = 0.032266; b: 1/62 = 0.016129
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]])
    assert [item for item, _ in fused] == ["a", "c", "b"]
    assert [score for _, score in fused] == pytest.approx([1 / 61 + 1 / 62, 1 / 63 + 1 / 61, 1 / 62])
    # with k = 1: a 1/2, b 1/3 + 1/2
    assert [item for item, _ in reciprocal_rank_fusion([["a", "b"], ["b"]], k=1)] == ["b", "a"]
    # a tie keeps the order of first sight: x and y both score 1/61
    assert [item for item, _ in reciprocal_rank_fusion([["x"], ["y"]])] == ["x", "y"]
    for bad in (0, 1.5, True):
        with pytest.raises(SearchError, match="'k' parameter"):
            reciprocal_rank_fusion([["a"]], k=bad)  # type: ignore[arg-type]


def test_hybrid_puts_the_segment_both_searches_rank_first_on_top(index: SearchIndex) -> None:
    # keyword side (any of betaalt, huur, buurthuis; wie, straks, de, van, het are function words): a3 holds
    # all three and ranks first; semantic side: a3 is the query text itself (cosine 1), first: 2/61.
    hits = index.hybrid("Wie betaalt straks de huur van het buurthuis?", limit=None)
    assert hits["segment_id"].iloc[0] == "a3"
    assert hits["score"].iloc[0] == pytest.approx(2 / 61, abs=1e-6)
    assert len(hits) == len(SEGMENTS)  # the semantic side ranks every segment
    assert hits.attrs["mode"] == "hybrid" and hits.attrs["model"] == "hashing/256" and hits.attrs["k"] == 60


def test_hybrid_ranks_keyword_hits_above_the_rest(index: SearchIndex) -> None:
    # a1 and b1 hold wijkraad(en): each gets at least 1/62 + 1/68 from the two rankings, any other segment at
    # most 1/61 from the semantic one
    hits = index.hybrid("wijkraad", limit=None)
    assert set(hits["segment_id"].iloc[:2]) == {"a1", "b1"}


def test_hybrid_excludes_and_filters_on_both_sides(index: SearchIndex) -> None:
    # "huur" is in a3 and b3: they are left out although the semantic side ranks every segment
    hits = index.hybrid("buurthuis -huur", limit=None)
    assert set(hits["segment_id"]) == {"a0", "a1", "a2", "b0", "b1", "b2"}
    oost = index.hybrid("buurthuis", wijk="Oost", limit=None)
    assert set(oost["segment_id"]) == {"b0", "b1", "b2", "b3"}
    assert len(index.hybrid("buurthuis", limit=3)) == 3


def test_search_defaults_to_hybrid(index: SearchIndex, frame: pd.DataFrame) -> None:
    assert index.search("wijkraad").attrs["mode"] == "hybrid"
    assert index.search("wijkraad", mode="keyword").attrs["mode"] == "keyword"
    with pytest.raises(SearchError, match="mode must be one of"):
        index.search("wijkraad", mode="fuzzy")
    with pytest.raises(SearchError, match="needs an embedder"):
        SearchIndex(frame).search("wijkraad")
    with pytest.raises(SearchError, match="'match' parameter"):
        index.hybrid("wijkraad", match="some")


def test_plain_text_for_the_semantic_side() -> None:
    query = '"huur van het buurthuis" wijk* -budget -"de wijkraad"'
    assert plain_text(query) == "huur van het buurthuis wijk"


# -- on a store, and saving ----------------------------------------------------------------------------------
def test_the_store_keeps_the_index_up_to_date(make_settings, tmp_path) -> None:
    from wijkanalyse.ingest.corpus import ingest_corpus

    corpus = tmp_path / "corpus"
    shutil.copytree(MINI_CORPUS, corpus)
    settings = make_settings(corpus)
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        assert keyword_search(store, "speeltuinfeest").empty
        built = store.search_index_built_with()
        assert built is not None and built.startswith(ANALYSER_VERSION)
        assert not store.sync_search_index(ANALYSER_VERSION, index_fields)  # segments unchanged: kept
        note = corpus / "oost" / "notitie.txt"
        note.write_text(note.read_text(encoding="utf-8") + "\nHet speeltuinfeest was een succes.\n", "utf-8")
        ingest_corpus(settings, store)
        hits = keyword_search(store, "speeltuinfeest")
        assert list(hits["text"]) == ["Het speeltuinfeest was een succes."]
        assert store.search_index_built_with() not in (None, built)
        # the rows of the unchanged segments are kept once (one hit in Noord, one in Oost)
        assert sorted(keyword_search(store, "wijkkrant")["wijk"]) == ["Noord", "Oost"]
        # another analyser (tokeniser or stemmer) rebuilds every row
        assert store.sync_search_index("another-analyser/1", index_fields)
        assert store.search_index_built_with().startswith("another-analyser/1 ")
        assert sorted(keyword_search(store, "wijkkrant")["wijk"]) == ["Noord", "Oost"]
        both = hybrid_search(store, "speeltuinfeest", embedder="hashing", limit=3)
        assert both["text"].iloc[0] == "Het speeltuinfeest was een succes."


def test_search_on_the_mini_corpus(mini_store) -> None:
    _, store = mini_store
    frame = segment_frame(store)
    assert len(frame) == store.counts()["segments"]
    # "geld" occurs in the minutes of Noord (Vragen en zorgen) and in the bewoner's turn in the transcript
    hits = keyword_search(store, "geld")
    assert set(hits["path"]) == {"noord/2023-01-10-sessie.md", "noord/2023-09-12-transcript.vtt"}
    turn = hits[hits["path"].str.endswith(".vtt")].iloc[0]
    assert turn["role"] == "bewoner"
    assert turn["context_before"].startswith("Welkom allemaal")
    assert turn["context_after"].startswith("Dat zoeken we uit")
    # "wijkkrant" occurs in one bullet of Noord and one paragraph of Oost
    assert sorted(keyword_search(store, "wijkkrant")["wijk"]) == ["Noord", "Oost"]
    # survey answers: only the same respondent's other answers are context (respondent 1 answered both
    # questions, respondent 2 only the second)
    by_text = frame.set_index("text")
    assert (
        by_text.loc["De wijkraad als aanspreekpunt", "context_after"] == "Wie betaalt straks de activiteiten?"
    )
    assert by_text.loc["De gemeente luistert niet naar ons.", "context_before"] == ""
    sem = semantic_search(store, "De wijkkrant moet blijven.", embedder="hashing", limit=1)
    assert sem["text"].iloc[0] == "De wijkkrant moet blijven."


def test_save_search_as_memo_and_as_code_proposal(mini_store) -> None:
    _, store = mini_store
    hits = keyword_search(store, "geld")
    memo_id = save_search_as_memo(store, "geld", hits, author="JV", note="Geld komt in Noord twee keer op.")
    memo = store.memos("project").set_index("memo_id").loc[memo_id]
    assert memo["target_id"] == "zoekopdracht" and memo["author"] == "JV"
    assert 'Zoekopdracht (op trefwoord): "geld"' in memo["text"]
    for seg in hits["segment_id"]:
        assert seg in memo["text"]

    picked = [hits["segment_id"].iloc[0]]
    pid = save_search_as_code_proposal(
        store, "geld", hits, author="JV", code_id="geld_en_huur", label_nl="Geld en huur", segment_ids=picked
    )
    prop = store.memos("code").set_index("memo_id").loc[pid]
    assert prop["target_id"] == "geld_en_huur" and prop["text"].startswith(PROPOSAL_MARK)
    assert store.counts()["codings"] == 0  # a proposal is never a coding
    listed = code_proposals(store)
    assert listed.loc[0, "code_id"] == "geld_en_huur"
    assert listed.loc[0, "segment_ids"] == picked and listed.loc[0, "query"] == "geld"

    with pytest.raises(SearchError, match="code_id"):
        save_search_as_code_proposal(store, "geld", hits, "JV", code_id="Geld!", label_nl="Geld")
    with pytest.raises(SearchError, match="not among"):
        save_search_as_code_proposal(store, "geld", hits, "JV", "geld", "Geld", segment_ids=["nope"])
    with pytest.raises(SearchError, match="author"):
        save_search_as_memo(store, "geld", hits, author=" ")
    with pytest.raises(WijkanalyseError, match="reserved"):
        save_search_as_memo(store, "geld", hits, author="machine")
