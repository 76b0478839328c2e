"""Statement vectors: a sidecar cache beside the library, rebuilt when it cannot be trusted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claims_db import ClaimsDB
from claims_db.embed import DIMENSION, MODEL_VERSION
from claims_db.vectors import VectorStore, sidecar_path

FERRY = """Ferry crossings to Vellholm to be halved

The county transport office said on Tuesday that the number of daily crossings to Vellholm will fall from twelve to six in March.

"The island cannot live on six boats a day," said Wenche Aaberge, who chairs the island council.

The office said the cut would save 14 million kroner a year.
"""

HOCKEY = """Under-12 hockey final lost on penalties

The Loftesnes under-12 team lost the regional final to Grindheim on penalties on Sunday.

"The children played their hearts out," coach Eskil Juvland said.
"""


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_saved_vectors_load_back_with_their_ids(tmp_path: Path) -> None:
    store = VectorStore(MODEL_VERSION, DIMENSION)
    vectors = _unit(5, 1)
    store.add(["a", "b", "c", "d", "e"], vectors)
    store.remove(["c"])
    path = tmp_path / "lib.json.vectors"
    store.save(path)
    loaded = VectorStore.load(path, model=MODEL_VERSION, dimension=DIMENSION)
    assert sorted(loaded.ids()) == ["a", "b", "d", "e"]
    cos = loaded.cosines(vectors[1], ["b", "c", "e"])
    assert cos[0] == pytest.approx(1.0, abs=0.01)
    assert cos[1] is None
    assert cos[2] == pytest.approx(float(vectors[4] @ vectors[1]), abs=0.02)


def test_vectors_of_another_model_version_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "lib.json.vectors"
    old = VectorStore("some-older-model/0", DIMENSION)
    old.add(["a"], _unit(1, 2))
    old.save(path)
    loaded = VectorStore.load(path, model=MODEL_VERSION, dimension=DIMENSION)
    assert len(loaded) == 0
    assert loaded.changed  # so the stale file gets replaced


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_damaged_sidecar_is_never_trusted(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "lib.json.vectors"
    store = VectorStore(MODEL_VERSION, DIMENSION)
    store.add(["a", "b"], _unit(2, 3))
    store.save(path)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[:-10]
    elif damage == "flip":
        data[-5] ^= 0xFF
    else:
        data = bytearray(b"not vectors at all")
    path.write_bytes(bytes(data))
    assert len(VectorStore.load(path, model=MODEL_VERSION, dimension=DIMENSION)) == 0


def test_embedding_fills_the_sidecar_and_a_reopen_keeps_it(tmp_path: Path) -> None:
    library = tmp_path / "lib.json"
    with ClaimsDB.open(library, seeds=None) as db:
        db.add_text(FERRY)
        count = db.statement_count
        assert count >= 2
        assert db.missing_vector_count() == count
        seen: list[tuple[int, int]] = []
        assert db.embed_missing(progress=lambda done, total: seen.append((done, total))) == count
        assert seen[-1] == (count, count)
        assert db.missing_vector_count() == 0
    assert sidecar_path(library).is_file()
    with ClaimsDB.open(library, seeds=None) as db:
        assert db.missing_vector_count() == 0
        db.add_text(HOCKEY)
        assert db.missing_vector_count() == db.statement_count - count


def test_a_corrupt_sidecar_is_rebuilt_and_the_library_untouched(tmp_path: Path) -> None:
    library = tmp_path / "lib.json"
    with ClaimsDB.open(library, seeds=None) as db:
        db.add_text(FERRY)
        db.embed_missing()
        count = db.statement_count
    before = library.read_bytes()
    sidecar_path(library).write_bytes(b"CLAIMVEC1\n\x05\x00\x00\x00{bad}")
    with ClaimsDB.open(library, seeds=None) as db:
        assert db.missing_vector_count() == count
        assert db.embed_missing() == count
    assert library.read_bytes() == before
    with ClaimsDB.open(library, seeds=None) as db:
        assert db.missing_vector_count() == 0


def test_removing_an_article_drops_its_vectors(tmp_path: Path) -> None:
    with ClaimsDB.open(tmp_path / "lib.json", seeds=None) as db:
        ferry = db.add_text(FERRY)
        db.add_text(HOCKEY)
        db.embed_missing()
        db.remove_article(ferry.id)
        assert db.missing_vector_count() == 0
        assert len(db._vectors) == db.statement_count
