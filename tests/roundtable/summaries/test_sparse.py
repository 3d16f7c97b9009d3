"""The summary's sparse rows against dense numpy on the same numbers (#26: a 100,000-message
round's TF-IDF no longer takes 800 MB)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from roundtable.summaries.offline import VOCABULARY, tfidf, tokens
from roundtable.summaries.sparse import Rows


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rows_do_what_the_dense_matrix_does(seed: int) -> None:
    rng = np.random.default_rng(seed)
    dense = rng.random((40, 25)).astype(np.float32)
    dense[rng.random((40, 25)) < 0.8] = 0
    dense[[3, 17, 39]] = 0  # rows with no term at all
    rows = Rows.from_dense(dense)
    assert rows.shape == (40, 25) and len(rows) == 40
    np.testing.assert_allclose(rows.toarray(), dense)
    vector = rng.random(25).astype(np.float32)
    matrix = rng.random((25, 4)).astype(np.float32)
    np.testing.assert_allclose(rows @ vector, dense @ vector, rtol=1e-5)
    np.testing.assert_allclose(rows @ matrix, dense @ matrix, rtol=1e-5)
    np.testing.assert_allclose(rows.sum(axis=0), dense.sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(rows.mean(axis=0), dense.mean(axis=0), rtol=1e-5)
    for pick in ([5, 3, 5, 39], np.array([], dtype=int), dense[:, 0] > 0, slice(10, 20)):
        np.testing.assert_allclose(rows[pick].toarray(), dense[pick])  # type: ignore[index]
        np.testing.assert_allclose(rows[pick] @ vector, dense[pick] @ vector, rtol=1e-5)  # type: ignore[index]
    assert rows.row_has_terms().tolist() == (dense.sum(axis=1) > 0).tolist()


def _dense_tfidf(docs: list[list[str]]) -> np.ndarray:
    """TF-IDF as the summary computed it as a dense matrix, before #26."""
    df = Counter(term for doc in docs for term in set(doc))
    vocab = {t: i for i, (t, _) in enumerate(df.most_common(VOCABULARY))}
    matrix = np.zeros((len(docs), max(1, len(vocab))), dtype=np.float32)
    idf = np.array([math.log((1 + len(docs)) / (1 + df[t])) + 1.0 for t in vocab], dtype=np.float32)
    for row, doc in enumerate(docs):
        for term, count in Counter(doc).items():
            if term in vocab:
                matrix[row, vocab[term]] = 1.0 + math.log(count)
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def test_tfidf_rows_are_the_dense_matrix_kept_sparse() -> None:
    texts = [
        "The export bans backfired, the bans pushed engineers to optimise older chips.",
        "National security still justifies the export controls.",
        "+1",
        "",
        "Open weights let researchers everywhere build on the model; open release matters.",
    ]
    docs = [tokens(t) for t in texts]
    rows = tfidf(docs)
    np.testing.assert_allclose(rows.toarray(), _dense_tfidf(docs), rtol=1e-6)
    norms = np.linalg.norm(rows.toarray(), axis=1)
    assert np.allclose(norms[[0, 1, 4]], 1.0) and norms[3] == 0
