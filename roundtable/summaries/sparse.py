"""A sparse matrix of rows (compressed sparse rows, numpy only) with the few operations the
offline summary needs: select rows, multiply by a dense vector or matrix, sum the rows.

A message says a dozen of the 2,048 terms of the vocabulary: as a dense float32 matrix, a
100,000-message round took 800 MB (and twice that while it was normalised), as rows of its
own terms it takes a few MB. scipy.sparse would do the same and more, for 40 MB of install:
these five operations are written here instead.
"""

from __future__ import annotations

import numpy as np


class Rows:
    """An n × width matrix kept as each row's (column, value) pairs."""

    __slots__ = ("_owner", "data", "indices", "indptr", "width")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, width: int):
        self.data = data.astype(np.float32, copy=False)
        self.indices = indices.astype(np.int32, copy=False)
        self.indptr = indptr.astype(np.int64, copy=False)
        self.width = width
        self._owner: np.ndarray | None = None  # the row of each stored value, when needed

    @classmethod
    def from_dense(cls, matrix: np.ndarray) -> Rows:
        rows, cols = np.nonzero(matrix)
        indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
        np.add.at(indptr, rows + 1, 1)
        return cls(matrix[rows, cols], cols, np.cumsum(indptr), matrix.shape[1])

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.indptr) - 1, self.width)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def _rows_of_values(self) -> np.ndarray:
        if self._owner is None:
            self._owner = np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.indptr))
        return self._owner

    def __getitem__(self, rows: np.ndarray | slice | list[int]) -> Rows:
        """The rows selected by indices, a boolean mask or a slice, in that order."""
        if isinstance(rows, slice):
            picked = np.arange(len(self))[rows]
        else:
            picked = np.asarray(rows)
            if picked.dtype == bool:
                picked = np.flatnonzero(picked)
        starts, ends = self.indptr[picked], self.indptr[picked + 1]
        lengths = ends - starts
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        if len(picked) and indptr[-1]:
            # Positions of the picked rows' values: each run starts..ends, concatenated.
            offsets = np.repeat(starts - indptr[:-1], lengths)
            take = np.arange(indptr[-1], dtype=np.int64) + offsets
        else:
            take = np.zeros(0, dtype=np.int64)
        return Rows(self.data[take], self.indices[take], indptr, self.width)

    def __matmul__(self, other: np.ndarray) -> np.ndarray:
        """Times a dense vector (width,) -> (n,), or a dense matrix (width, k) -> (n, k)."""
        owner = self._rows_of_values()
        n = len(self)
        if other.ndim == 1:
            products = self.data * other[self.indices]
            return np.bincount(owner, weights=products, minlength=n).astype(np.float32)
        out = np.empty((n, other.shape[1]), dtype=np.float32)
        for j in range(other.shape[1]):  # a column at a time: memory stays at one nnz vector
            products = self.data * other[self.indices, j]
            out[:, j] = np.bincount(owner, weights=products, minlength=n)
        return out

    def sum(self, axis: int = 0) -> np.ndarray:
        """The sum of the rows (axis 0), a dense vector of the width."""
        if axis != 0:
            raise ValueError("only the sum of the rows is kept")
        return np.bincount(self.indices, weights=self.data, minlength=self.width).astype(np.float32)

    def mean(self, axis: int = 0) -> np.ndarray:
        return self.sum(axis) / max(1, len(self))

    def toarray(self) -> np.ndarray:
        dense = np.zeros(self.shape, dtype=np.float32)
        dense[self._rows_of_values(), self.indices] = self.data
        return dense

    def row_has_terms(self) -> np.ndarray:
        """Whether each row has any term."""
        return np.diff(self.indptr) > 0
