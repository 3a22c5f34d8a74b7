"""The bundled demo corpus, ingested whole: offsets hold everywhere, no planted personal data survives."""

import re
from pathlib import Path

import pytest
import yaml

from wijkanalyse.config import DEMO_CORPUS, load_settings
from wijkanalyse.ingest.corpus import corpus_summary, ingest_corpus
from wijkanalyse.store import Store

PLANTED = Path(__file__).parent / "fixtures" / "demo_planted_pii.yml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    settings = load_settings(DEMO_CORPUS, store_dir=tmp / "store", private_dir=tmp / "private")
    store = Store(settings.store_path)
    result = ingest_corpus(settings, store)
    yield settings, store, result
    store.close()


def test_every_segment_is_the_slice_of_its_document_at_its_offsets(demo):
    _, store, _ = demo
    segs = store.segments()
    doc_texts = {doc_id: store.document_text(doc_id) for doc_id in segs.doc_id.unique()}
    for seg in segs.itertuples():
        assert doc_texts[seg.doc_id][seg.start : seg.end] == seg.text
    assert len(segs) > 1000


def test_demo_corpus_has_what_a_researcher_needs(demo):
    _, store, result = demo
    docs = store.documents()
    assert {"docx", "vtt", "pdf", "md", "srt", "xlsx", "txt"} <= set(docs.format)
    summary = corpus_summary(store).set_index("wijk")
    wijken = [w for w in summary.index if not w.startswith("(")]
    assert len(wijken) >= 5
    assert (summary.loc[wijken, "sessions"] >= 2).all()
    assert summary["respondents"].sum() >= 300
    # the three postcodes outside the lookup are reported by row
    assert len([p for p in result.problems if "not in the postcode lookup" in p.message]) == 3


def test_no_planted_personal_data_survives(demo):
    _, store, _ = demo
    planted = yaml.safe_load(PLANTED.read_text(encoding="utf-8"))
    texts = [re.sub(r"\s+", " ", store.document_text(doc_id)) for doc_id in store.documents().doc_id]
    texts += list(store.segments().section.fillna(""))
    leaks = []
    for category in ("names", "emails", "phones", "addresses", "postcodes", "bsn"):
        for value in planted.get(category) or []:
            pattern = re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)")
            if any(pattern.search(t) for t in texts):
                leaks.append(f"{category}: {value}")
    assert leaks == []
    speakers = store.segments().speaker.dropna()
    assert not any(speakers.str.contains(r"[a-z]{3}", regex=True) & ~speakers.str.startswith("["))
