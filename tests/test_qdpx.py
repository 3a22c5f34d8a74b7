"""REFI-QDA exchange: schema validity, offsets, round trips, and a hand-made QualCoder-style project."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURES, demo_codebook
from wijkanalyse.coding.codebook import parse_codebook
from wijkanalyse.exchange import align, qdc, qdpx, qdpx_import, refi
from wijkanalyse.review import decisions as review
from wijkanalyse.store import Store, now_iso

NS = {"q": refi.NS_PROJECT}
QUALCODER = FIXTURES / "qdpx" / "qualcoder_oost"
KRANT = "12dfd9d050c9e6d7"
AANSPREEKPUNT = "bafcb47262a4b2bd"
COMMUNICATIE = "23014e4de6db960d"  # oost/notitie.txt [0, 75)
WIJKKRANT_MAIL = "0bbcf3a6fdf8cfcc"  # oost/notitie.txt [77, 165)
FINANCIERING = "0f94d36a33379c48"  # noord/2023-01-10-sessie.md [161, 279)


def _zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(folder).as_posix())
    return out


def _read_qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde"))


@pytest.fixture()
def coded(mini_store):
    """The mini corpus with the codebook's codes, two coders, the machine and memos."""
    settings, store = mini_store
    cb = demo_codebook()
    frame = cb.to_frame()
    with store.transaction() as con:
        for r in frame.itertuples(index=False):
            con.execute(
                "INSERT OR REPLACE INTO codes(code_id, dimension, label_nl, label_en, parent, definition, "
                "color, codebook_version) VALUES (?,?,?,?,?,?,?,?)",
                (r.code_id, r.dimension, r.label_nl, r.label_en, r.parent, r.definition, r.color,
                 r.codebook_version),
            )  # fmt: skip
    review.set_segment_codes(store, KRANT, ["communicatiemiddelen", "behouden"], "anna")
    review.set_segment_codes(store, KRANT, ["communicatiemiddelen"], "piet")
    review.set_segment_codes(store, AANSPREEKPUNT, ["aanspreekpunt", "behouden"], "anna")
    review.set_segment_codes(store, COMMUNICATIE, ["nakomen_afspraken"], "piet")  # a child code
    review.set_segment_codes(store, WIJKKRANT_MAIL, ["geen"], "anna")
    store.ensure_coder("machine", kind="machine")
    with store.transaction() as con:
        con.execute(
            "INSERT INTO codings(segment_id, code_id, coder_id, kind, confidence, model, created_at) "
            "VALUES (?, 'communicatie', 'machine', 'machine', 0.7, 'm', ?)",
            (COMMUNICATIE, now_iso()),
        )
    review.add_memo(store, "segment", KRANT, "anna", "Mooi citaat over de wijkkrant.")
    review.add_memo(store, "code", "vertrouwen", "piet", "Grens met zeggenschap: & < > 'quotes'.")
    review.add_memo(store, "document", "oost/notitie.txt", "piet", "Notitie van de wijkmanager.")
    review.add_memo(store, "project", "", "anna", "Eerste ronde gedaan.")
    return settings, store, cb


def _applied(store):
    sql = "SELECT segment_id, code_id, coder_id, kind FROM codings WHERE status = 'applied'"
    return {tuple(r) for r in store.con.execute(sql)}


def _memos(store):
    return {tuple(r) for r in store.con.execute("SELECT target_kind, target_id, author, text FROM memos")}


# -- export ------------------------------------------------------------------------------------------------
def test_export_is_valid_against_the_shipped_schema(coded, tmp_path):
    _settings, store, cb = coded
    result = qdpx.export_qdpx(store, tmp_path / "p.qdpx", codebook=cb)
    root = _read_qde(result.path)
    assert refi.validate_project(root) == []
    schema = etree.XMLSchema(etree.parse(str(refi.SCHEMA_DIR / "Project-mrt2019.xsd")))
    assert schema.validate(root), schema.error_log
    assert (result.sources, result.users, result.codings, result.notes) == (4, 3, 8, 4)


def test_export_structure_users_codes_sources_selections_notes(coded, tmp_path):
    _settings, store, cb = coded
    path = qdpx.export_qdpx(store, tmp_path / "p.qdpx", codebook=cb).path
    root = _read_qde(path)
    users = {u.get("id"): u.get("guid") for u in root.findall("q:Users/q:User", NS)}
    assert set(users) == {"anna", "piet", "machine"}
    # hierarchy and colour: 'nakomen_afspraken' nests in 'vertrouwen'
    parent = root.find(f"q:CodeBook/q:Codes/q:Code[@guid='{refi.refi_guid('code', 'vertrouwen')}']", NS)
    assert parent.get("name") == "Vertrouwen" and parent.get("color") == cb.color("vertrouwen").upper()
    child = parent.find(f"q:Code[@guid='{refi.refi_guid('code', 'nakomen_afspraken')}']", NS)
    assert child is not None and "Code-id: nakomen_afspraken" in child.find("q:Description", NS).text
    assert parent.find("q:NoteRef", NS) is not None  # the memo on the code
    sets = {s.get("name"): len(s.findall("q:MemberCode", NS)) for s in root.findall("q:Sets/q:Set", NS)}
    assert sets == {"thema": len(cb.codes) + 1, "soort": len(cb.soort)}  # + 'geen'
    # the selection of KRANT sits at the segment's offsets in the exported text and carries 3 codings
    start, end, text = store.con.execute(
        'SELECT start, "end", text FROM segments WHERE segment_id = ?', (KRANT,)
    ).fetchone()
    sel = root.find(f".//q:PlainTextSelection[@guid='{refi.refi_guid('segment', KRANT)}']", NS)
    assert (int(sel.get("startPosition")), int(sel.get("endPosition"))) == (start, end)
    source = sel.getparent()
    with zipfile.ZipFile(path) as zf:
        plain = zf.read("Sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
    assert plain[start:end] == text
    codings = {
        (c.find("q:CodeRef", NS).get("targetGUID"), c.get("creatingUser"))
        for c in sel.findall("q:Coding", NS)
    }
    assert codings == {
        (refi.refi_guid("code", "communicatiemiddelen"), users["anna"]),
        (refi.refi_guid("code", "behouden"), users["anna"]),
        (refi.refi_guid("code", "communicatiemiddelen"), users["piet"]),
    }
    note_guid = sel.find("q:NoteRef", NS).get("targetGUID")
    note = root.find(f"q:Notes/q:Note[@guid='{note_guid}']", NS)
    assert note.find("q:PlainTextContent", NS).text == "Mooi citaat over de wijkkrant."
    assert note.get("creatingUser") == users["anna"]
    assert len(root.findall("q:NoteRef", NS)) == 1  # the project memo
    wijk = root.find(".//q:TextSource[@name='oost/notitie.txt']/q:VariableValue/q:TextValue", NS)
    assert wijk.text == "Oost"


def test_exporting_twice_gives_identical_files(coded, tmp_path):
    _settings, store, cb = coded
    a = qdpx.export_qdpx(store, tmp_path / "a.qdpx", codebook=cb).path.read_bytes()
    b = qdpx.export_qdpx(store, tmp_path / "b.qdpx", codebook=cb).path.read_bytes()
    assert a == b


def test_without_the_machine(coded, tmp_path):
    _settings, store, _cb = coded
    root = _read_qde(qdpx.export_qdpx(store, tmp_path / "p.qdpx", include_machine=False).path)
    assert "machine" not in {u.get("id") for u in root.findall("q:Users/q:User", NS)}
    assert refi.validate_project(root) == []


def test_positions_count_unicode_code_points(tmp_path):
    # 'é' is 2 bytes in UTF-8 and '👍' 4 bytes (2 UTF-16 units); REFI positions count characters
    store = Store(tmp_path / "s")
    first, second = "Café 👍 goed.", "De wijkkrant blijft."
    text = first + "\n\n" + second
    with store.transaction() as con:
        con.execute(
            "INSERT INTO documents(doc_id, path, content_hash, format, text, ingested_at) "
            "VALUES ('d', 'a.txt', 'h', 'txt', ?, ?)",
            (text, now_iso()),
        )
        for i, (s, e) in enumerate([(0, len(first)), (len(first) + 2, len(text))]):
            con.execute(
                'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit) '
                "VALUES (?, 'd', ?, ?, ?, ?, 'h', 'paragraph')",
                (f"s{i}", i, s, e, text[s:e]),
            )
    review.ensure_codes(store, demo_codebook())
    review.add_coding(store, "s1", "communicatiemiddelen", "anna")
    path = qdpx.export_qdpx(store, tmp_path / "u.qdpx").path
    sel = _read_qde(path).find(".//q:PlainTextSelection", NS)
    assert int(sel.get("startPosition")) == 14 == len("Café 👍 goed.\n\n")
    assert len("Café 👍 goed.\n\n".encode()) == 18  # a byte count would be wrong
    other = Store(tmp_path / "t")
    review.ensure_codes(other, demo_codebook())
    with other.transaction() as con:
        for row in store.con.execute("SELECT * FROM documents"):
            con.execute(f"INSERT INTO documents VALUES ({','.join('?' * len(row))})", tuple(row))
        for row in store.con.execute("SELECT * FROM segments"):
            con.execute(f"INSERT INTO segments VALUES ({','.join('?' * len(row))})", tuple(row))
    res = qdpx_import.import_qdpx(other, path)
    assert _applied(other) == {("s1", "communicatiemiddelen", "anna", "human")}
    assert res.matched == {"a.txt": ("a.txt", "content")}


# -- round trip --------------------------------------------------------------------------------------------
def test_round_trip_same_codes_same_spans_same_coders(coded, make_settings, tmp_path):
    from wijkanalyse.ingest.corpus import ingest_corpus

    _settings, store, cb = coded
    path = qdpx.export_qdpx(store, tmp_path / "p.qdpx", codebook=cb).path
    settings = make_settings()
    fresh = Store(tmp_path / "fresh")
    ingest_corpus(settings, fresh)
    review.ensure_codes(fresh, demo_codebook())  # as `wijkanalyse import qdpx` does
    result = qdpx_import.import_qdpx(fresh, path, include_machine=True)
    assert result.applied and not result.unmatched and not result.unknown_codes
    assert set(result.matched.values()) == {(p, "content") for p in store.documents()["path"]}
    assert _applied(fresh) == _applied(store)
    assert _memos(fresh) == _memos(store)
    kinds = {r[0]: r[1] for r in fresh.con.execute("SELECT coder_id, kind FROM coders")}
    assert kinds == {"anna": "human", "piet": "human", "machine": "machine"}
    again = qdpx_import.import_qdpx(fresh, path, include_machine=True)  # importing twice adds nothing
    assert (again.added, again.existing, again.memos) == (0, result.added, 0)
    fresh.close()


def test_codebook_round_trip_through_qdc(tmp_path):
    cb = demo_codebook()
    out = qdc.export_qdc(cb, tmp_path / "cb.qdc")
    assert refi.validate_codebook(out.read_bytes()) == []
    back = qdc.import_qdc(out)
    assert back.warnings == []
    got, want = back.codebook.model_dump(), cb.model_dump()
    want["description"] = ""  # a REFI codebook has no place for the codebook's own description
    assert got == want
    assert back.codebook.version_tag == cb.version_tag.replace(cb.content_hash, back.codebook.content_hash)


def test_qdc_from_another_tool(tmp_path):
    path = tmp_path / "other.qdc"
    path.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti 23">
  <Codes>
    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Thema's" isCodable="false">
      <Code guid="2FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Veiligheid" isCodable="true" color="#46AA00">
        <Description>Gevoel van veiligheid in de wijk.</Description>
      </Code>
      <Code guid="3FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Groen &amp; spelen" isCodable="true"
            color="red"/>
    </Code>
    <Code guid="4FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Verbeteren" isCodable="true">
      <Description>Wat beter moet.</Description>
    </Code>
  </Codes>
</CodeBook>
""",
        encoding="utf-8",
    )
    res = qdc.import_qdc(path, name="atlas")
    cb = res.codebook
    assert cb.ids == ["thema_s", "veiligheid", "groen_spelen"]
    assert cb.code("veiligheid").parent == "thema_s" and cb.code("veiligheid").color == "#46AA00"
    assert cb.soort_ids == ["verbeteren"]  # a default kind of input, recognised by its id
    warnings = "\n".join(res.warnings)
    assert "'Groen & spelen' (groen_spelen): no definition" in warnings
    assert "colour 'red' is not #RRGGBB" in warnings
    assert "not codable in the source" in warnings
    assert refi.validate_codebook(qdc.codebook_xml(cb)) == []


def test_qdc_errors(tmp_path):
    bad = tmp_path / "bad.qdc"
    bad.write_text("<Nope/>", encoding="utf-8")
    with pytest.raises(refi.ExchangeError, match="root element is <Nope>"):
        qdc.import_qdc(bad)
    bad.write_text("not xml", encoding="utf-8")
    with pytest.raises(refi.ExchangeError, match="cannot be read as XML"):
        qdc.import_qdc(bad)


# -- a project from QualCoder ------------------------------------------------------------------------------
def test_import_of_the_hand_made_qualcoder_project(mini_store, tmp_path):
    from wijkanalyse.review import agreement as agreement

    _settings, store = mini_store
    review.ensure_codes(store, demo_codebook())  # as `wijkanalyse import qdpx` does
    path = _zip_folder(QUALCODER, tmp_path / "qualcoder.qdpx")
    res = qdpx_import.import_qdpx(store, path)
    # sources: notitie.txt by content (BOM and \r\n removed), the session notes by name, one source unknown
    assert res.matched == {
        "notitie.txt": ("oost/notitie.txt", "content"),
        "2023-01-10-sessie.md": ("noord/2023-01-10-sessie.md", "name"),
    }
    assert res.unmatched == ["interview-west.txt (no document with this text or name in the store)"]
    assert res.unknown_codes == {"Bereikbaarheid": 1}
    assert res.selections == 8 and res.selections_unmapped == 0
    # worked out by hand: [0,43) covers 43 of the 75 characters of COMMUNICATIE (>= half);
    # [79,120) in the \r\n file is [77,118) here, 41 of 88 characters of WIJKKRANT_MAIL (< half of the
    # segment, but all of the selection); the session notes' selections land on KRANT and FINANCIERING
    assert _applied(store) == {
        (COMMUNICATIE, "communicatie", "Fatima", "human"),
        (COMMUNICATIE, "verbeteren", "Fatima", "human"),
        (COMMUNICATIE, "communicatie", "Joris", "human"),
        (WIJKKRANT_MAIL, "communicatiemiddelen", "Fatima", "human"),
        (WIJKKRANT_MAIL, "communicatie", "Joris", "human"),
        (KRANT, "behouden", "Fatima", "human"),
        (FINANCIERING, "financiering", "Joris", "human"),
    }
    assert _memos(store) == {
        ("segment", WIJKKRANT_MAIL, "Joris", "Gaat eigenlijk over de wijkkrant als kanaal."),
        ("project", "project", "Fatima", "De definitie van communicatie en communicatiemiddelen overlapt; "
         "bespreken in het team."),
    }  # fmt: skip
    # the coding done in QualCoder can now be measured: two segments coded by both, codes communicatie and
    # communicatiemiddelen; pooled units Fatima (1,0,0,1) vs Joris (1,1,0,0): alpha = 1 - 7 * 4 / (64 - 32)
    agr = agreement.compute_agreement(store)
    assert agr.coders == ["Fatima", "Joris"]
    assert agr.alpha("thema") == pytest.approx(0.125)
    assert agr.overall.set_index("dimension").loc["thema", "kappa"] == pytest.approx(0.0)
    assert list(agr.disagreements["segment_id"]) == [WIJKKRANT_MAIL]


def test_import_with_code_map_user_map_and_added_codes(mini_store, tmp_path):
    _settings, store = mini_store
    review.ensure_codes(store, demo_codebook())  # as `wijkanalyse import qdpx` does
    path = _zip_folder(QUALCODER, tmp_path / "qualcoder.qdpx")
    mapped = qdpx_import.import_qdpx(
        store,
        path,
        code_map={"Bereikbaarheid": "communicatie"},
        user_map={"Joris": "j.devries"},
        dry_run=True,
    )
    assert not mapped.applied and mapped.unknown_codes == {} and mapped.added == 7  # two Joris codings merge
    assert _applied(store) == set()
    added = qdpx_import.import_qdpx(store, path, add_codes=True, user_map={"Joris": "j.devries"})
    assert (WIJKKRANT_MAIL, "bereikbaarheid", "j.devries", "human") in _applied(store)
    row = store.con.execute(
        "SELECT dimension, label_nl, parent FROM codes WHERE code_id = 'bereikbaarheid'"
    ).fetchone()
    assert tuple(row) == ("thema", "Bereikbaarheid", None)
    assert added.coders == {"Fatima": "Fatima", "j.devries": "j.devries"}


def test_entities_are_not_expanded_and_bad_files_are_explained(mini_store, tmp_path):
    _settings, store = mini_store
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM", encoding="utf-8")
    evil = f"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY x SYSTEM "file://{secret}">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x">
<Sources><TextSource guid="11111111-1111-1111-1111-111111111111" name="a.txt">
<PlainTextContent>&x;</PlainTextContent>
</TextSource></Sources></Project>"""
    path = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", evil)
    res = qdpx_import.import_qdpx(store, path)
    assert "GEHEIM" not in res.describe() and res.matched == {}
    (tmp_path / "x.qdpx").write_text("no zip", encoding="utf-8")
    with pytest.raises(refi.ExchangeError, match="is not a .qdpx"):
        qdpx_import.import_qdpx(store, tmp_path / "x.qdpx")
    with zipfile.ZipFile(tmp_path / "empty.qdpx", "w") as zf:
        zf.writestr("readme.txt", "hallo")
    with pytest.raises(refi.ExchangeError, match=r"holds no project file \(\*\.qde\)"):
        qdpx_import.import_qdpx(store, tmp_path / "empty.qdpx")


def test_slugify_gives_valid_code_ids():
    assert refi.slugify("Continuïteit & overgang") == "continuiteit_overgang"
    assert refi.slugify("2e ronde") == "code_2e_ronde"
    assert refi.slugify("geen") == "geen_code"
    parse_codebook(
        {"name": "x", "codes": [{"id": refi.slugify("Één ding"), "label_nl": "a", "definition": "b"}]}
    )


def test_agreement_notebook_on_the_imported_project(mini_store, tmp_path):
    """07_overeenstemming.ipynb runs on a store with double coding and shows the figures worked out above."""
    import papermill as pm

    settings, store = mini_store
    review.ensure_codes(store, demo_codebook())  # as `wijkanalyse import qdpx` does
    qdpx_import.import_qdpx(store, _zip_folder(QUALCODER, tmp_path / "qualcoder.qdpx"))
    notebook = Path(__file__).parents[1] / "notebooks" / "explore" / "07_overeenstemming.ipynb"
    out = tmp_path / "07.ipynb"
    pm.execute_notebook(
        str(notebook),
        str(out),
        parameters={
            "corpus": str(settings.corpus),
            "store_dir": str(settings.store_path),
            "build_store": False,
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    text = out.read_text(encoding="utf-8")
    assert "Codeurs: Fatima, Joris" in text
    assert "0.125" in text and "communicatiemiddelen" in text


def test_control_characters_are_left_out_of_the_xml(coded, tmp_path):
    _settings, store, _cb = coded
    review.add_memo(store, "segment", KRANT, "anna", "Bel\x07 en\x0b verticale tab.")
    path = qdpx.export_qdpx(store, tmp_path / "c.qdpx").path
    root = _read_qde(path)
    assert refi.validate_project(root) == []
    texts = [n.text for n in root.findall(".//q:Note/q:PlainTextContent", NS)]
    assert "Bel en verticale tab." in texts


def test_offsets_carry_over_between_differing_texts_word_by_word():
    src = "Mevrouw Jansen zegt: de wijkkrant moet blijven! En het spreekuur ook."
    doc = "Mevrouw [PERSOON-3] zegt: de wijkkrant moet blijven. En het spreekuur ook."
    omap = align.OffsetMap(src, doc)
    a = src.index("de wijkkrant")
    assert doc[omap(a) : omap(a + len("de wijkkrant"), end=True)] == "de wijkkrant"
    b = src.index("En het")
    assert doc[omap(b) :].startswith("En het spreekuur")
    # a selection starting in changed text moves to the next shared word, its end back to the previous one
    assert doc[omap(src.index("Jansen")) :].startswith("zegt:")
    assert doc[: omap(src.index("blijven!") + len("blijven!"), end=True)].endswith("moet")
    crlf = align.OffsetMap("a\r\nb\r\nc", "a\nb\nc")
    assert crlf(5) == 3 and crlf(0) == 0


def test_aligning_a_long_document_carries_every_shared_word_over():
    """A 40,000-word document whose source differs in 200 names and in its line ends."""
    import random

    rng = random.Random(0)
    vocab = [f"woord{i}" for i in range(3000)]
    weights = [1 / (i + 1) for i in range(3000)]  # Zipf-like, as in real text
    paragraphs = [rng.choices(vocab, weights, k=20) for _ in range(2000)]
    doc = "\n\n".join(" ".join(p) for p in paragraphs)
    for _ in range(200):
        paragraphs[rng.randrange(len(paragraphs))][rng.randrange(20)] = "Jansen"
    src = "\r\n\r\n".join(" ".join(p) for p in paragraphs)
    omap = align.OffsetMap(src, doc)
    assert omap.kind == "aligned"
    src_words, doc_words = list(align.TOKEN.finditer(src)), list(align.TOKEN.finditer(doc))
    assert len(src_words) == len(doc_words) == 40_000
    checked = 0
    for i in range(0, len(src_words), 37):
        s, d = src_words[i], doc_words[i]  # the same word of the same paragraph in both texts
        if s.group() != "Jansen":
            assert (omap(s.start()), omap(s.end(), end=True)) == (d.start(), d.end())
            checked += 1
    assert checked > 1000
    # a selection from the word before a replaced name to the word after it covers the same words here
    names = [i for i, w in enumerate(src_words) if w.group() == "Jansen"]
    spanned = 0
    for i in names[:50]:
        if 0 < i < len(src_words) - 1 and "Jansen" not in (
            src_words[i - 1].group(),
            src_words[i + 1].group(),
        ):
            a, b = omap(src_words[i - 1].start()), omap(src_words[i + 1].end(), end=True)
            assert doc[a:b] == doc[doc_words[i - 1].start() : doc_words[i + 1].end()]
            spanned += 1
    assert spanned > 40


# -- spans, people only, memo dates (issue 16) ---------------------------------------------------------------
SPAN_TEXT = "Informatie komt altijd te laat."  # COMMUNICATIE[44:75]


def _people(store):
    sql = (
        "SELECT segment_id, code_id, coder_id, status, span_start, span_end, created_at FROM codings "
        "WHERE kind = 'human'"
    )
    return {tuple(r) for r in store.con.execute(sql)}


def _memo_rows(store):
    sql = "SELECT target_kind, target_id, author, text, created_at, updated_at FROM memos"
    return {tuple(r) for r in store.con.execute(sql)}


def test_round_trip_of_spans_coders_memos_and_dates_into_an_empty_corpus(coded, make_settings, tmp_path):
    from wijkanalyse.ingest.corpus import ingest_corpus

    _settings, store, cb = coded
    review.ensure_coder(store, "kees", name="Kees Jansen")
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", 44, 75)
    review.add_span_coding(store, COMMUNICATIE, "verbeteren", "anna", 44, 75)
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", 3, 15)
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "piet", 44, 75)
    review.add_span_coding(store, KRANT, "behouden", "kees", 3, 12)
    old = store.add_memo("segment", COMMUNICATIE, "piet", "Al eerder gezien.", "2023-05-04T08:09:10+00:00")
    review.edit_memo(store, old, "Al eerder gezien, in Noord.", "piet")
    path = qdpx.export_qdpx(store, tmp_path / "p.qdpx", codebook=cb).path
    root = _read_qde(path)
    assert refi.validate_project(root) == []
    # the span travels at its exact document offsets: segment start + span offset
    seg_start = store.con.execute(
        "SELECT start FROM segments WHERE segment_id = ?", (COMMUNICATIE,)
    ).fetchone()[0]
    sel = root.find(f".//q:PlainTextSelection[@guid='{refi.refi_guid('span', f'{COMMUNICATIE}:44:75')}']", NS)
    assert (int(sel.get("startPosition")), int(sel.get("endPosition"))) == (seg_start + 44, seg_start + 75)
    with zipfile.ZipFile(path) as zf:
        plain = zf.read(
            "Sources/" + sel.getparent().get("plainTextPath").removeprefix("internal://")
        ).decode()
    assert plain[seg_start + 44 : seg_start + 75] == SPAN_TEXT
    assert len(sel.findall("q:Coding", NS)) == 3  # anna's two codes and piet's one on that span

    fresh = Store(tmp_path / "fresh")  # an empty corpus: the same files ingested, nothing coded
    ingest_corpus(make_settings(), fresh)
    review.ensure_codes(fresh, demo_codebook())  # as `wijkanalyse import qdpx` does
    assert fresh.counts()["codings"] == fresh.counts()["memos"] == 0
    result = qdpx_import.import_qdpx(fresh, path)
    assert result.applied and not result.unmatched and result.selections_split == 0
    assert result.spans == 5
    assert _people(fresh) == _people(store)  # spans, coders, times: equal
    assert _memo_rows(fresh) == _memo_rows(store)  # memos with their dates, the edited one's too
    assert ("segment", COMMUNICATIE, "piet", "Al eerder gezien, in Noord.", "2023-05-04T08:09:10+00:00") in {
        r[:5] for r in _memo_rows(fresh)
    }
    coders = "SELECT coder_id, name, kind FROM coders ORDER BY coder_id"
    assert fresh.query(coders).values.tolist() == [
        ["anna", "anna", "human"],
        ["kees", "Kees Jansen", "human"],
        ["piet", "piet", "human"],
    ]
    # people only: the machine's coding in the file is left out (and said so) unless asked for
    assert fresh.con.execute("SELECT count(*) FROM codings WHERE kind = 'machine'").fetchone()[0] == 0
    assert "1 machine codings (import them with --with-machine) skipped." in result.warnings
    again = qdpx_import.import_qdpx(fresh, path)
    assert (again.added, again.memos) == (0, 0)
    fresh.close()


def test_a_selection_inside_a_segment_is_kept_exactly_not_stretched(mini_store, tmp_path):
    _settings, store = mini_store
    qdpx_import.import_qdpx(store, _zip_folder(QUALCODER, tmp_path / "qualcoder.qdpx"))
    spans = (
        "SELECT segment_id, code_id, coder_id, span_start, span_end FROM codings WHERE span_start IS NOT NULL"
    )
    got = {tuple(r) for r in store.con.execute(spans)}
    # worked out by hand (see test_import_of_the_hand_made_qualcoder_project): [0,43) of COMMUNICATIE's 75
    # characters, and [77,118) of the document is [0,41) of WIJKKRANT_MAIL (which starts at 77)
    assert (COMMUNICATIE, "communicatie", "Fatima", 0, 43) in got
    assert (WIJKKRANT_MAIL, "communicatiemiddelen", "Fatima", 0, 41) in got


def _project_with_one_selection(store, tmp_path, start, end):
    """A wijkanalyse export of the mini corpus with one selection at [start, end) of oost/notitie.txt."""
    review.ensure_codes(store, demo_codebook())
    review.add_coding(store, KRANT, "behouden", "anna")
    path = qdpx.export_qdpx(store, tmp_path / "base.qdpx").path
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(files["project.qde"])
    source = root.find(".//q:TextSource[@name='oost/notitie.txt']", NS)
    sel = etree.Element(f"{{{refi.NS_PROJECT}}}PlainTextSelection", guid=refi.refi_guid("t", "x"),
                        startPosition=str(start), endPosition=str(end))  # fmt: skip
    source.insert(0 if source.find("q:Description", NS) is None else 1, sel)  # where the schema wants it
    coding = etree.SubElement(sel, f"{{{refi.NS_PROJECT}}}Coding", guid=refi.refi_guid("t", "c"),
                              creatingUser=refi.refi_guid("user", "anna"))  # fmt: skip
    etree.SubElement(
        coding, f"{{{refi.NS_PROJECT}}}CodeRef", targetGUID=refi.refi_guid("code", "communicatie")
    )
    files["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    out = tmp_path / "cross.qdpx"
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    return out


def test_a_selection_across_segments_is_cut_at_their_boundaries(mini_store, make_settings, tmp_path):
    from wijkanalyse.ingest.corpus import ingest_corpus

    _settings, store = mini_store
    # [60, 160) of oost/notitie.txt: 15 characters at the end of COMMUNICATIE [0, 75), the blank line, and
    # 83 of the 88 characters of WIJKKRANT_MAIL [77, 165)
    path = _project_with_one_selection(store, tmp_path, 60, 160)
    fresh = Store(tmp_path / "fresh")
    ingest_corpus(make_settings(), fresh)
    review.ensure_codes(fresh, demo_codebook())  # as `wijkanalyse import qdpx` does
    res = qdpx_import.import_qdpx(fresh, path)
    assert res.selections_split == 1
    spans = "SELECT segment_id, span_start, span_end FROM codings WHERE code_id = 'communicatie'"
    # the small piece covers 15/75 of its segment and 15/100 of the selection: under min_overlap 0.5
    assert {tuple(r) for r in fresh.con.execute(spans)} == {(WIJKKRANT_MAIL, 0, 83)}
    fresh.con.execute("DELETE FROM codings")
    qdpx_import.import_qdpx(fresh, path, min_overlap=0.1)  # 15/75 = 0.2: now both pieces, each exact
    assert {tuple(r) for r in fresh.con.execute(spans)} == {(COMMUNICATIE, 60, 75), (WIJKKRANT_MAIL, 0, 83)}
    fresh.close()
