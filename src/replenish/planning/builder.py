"""A thin sparse-matrix model builder over highspy: variable blocks and constraint blocks
as numpy arrays, assembled once into a column-wise matrix (no per-variable Python objects)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
INF = np.inf


@dataclass
class RowBlock:
    """A named group of rows, kept so duals can be read back per constraint group."""

    name: str
    start: int
    size: int


@dataclass
class Model:
    """Columns and rows accumulated as arrays; `assemble` builds the sparse matrix."""

    lower: list[FloatArray] = field(default_factory=list)
    upper: list[FloatArray] = field(default_factory=list)
    cost: list[FloatArray] = field(default_factory=list)
    integer: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    n_cols: int = 0
    rows: list[IntArray] = field(default_factory=list)
    cols: list[IntArray] = field(default_factory=list)
    vals: list[FloatArray] = field(default_factory=list)
    row_lower: list[FloatArray] = field(default_factory=list)
    row_upper: list[FloatArray] = field(default_factory=list)
    n_rows: int = 0
    blocks: dict[str, RowBlock] = field(default_factory=dict)
    var_blocks: dict[str, IntArray] = field(default_factory=dict)
    extra_cost: list[tuple[IntArray, FloatArray]] = field(default_factory=list)
    #: a constant in the objective (requirements met by several item groups)
    offset: float = 0.0

    def add_vars(
        self,
        name: str,
        shape: tuple[int, ...],
        lower: float | FloatArray = 0.0,
        upper: float | FloatArray = INF,
        cost: float | FloatArray = 0.0,
        integer: bool | npt.NDArray[np.bool_] = False,
    ) -> IntArray:
        """Add a block of columns; returns their ids in `shape`."""
        n = int(np.prod(shape)) if shape else 1
        ids = np.arange(self.n_cols, self.n_cols + n, dtype=np.int64).reshape(shape)
        self.lower.append(np.broadcast_to(np.asarray(lower, float), shape).ravel().copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, float), shape).ravel().copy())
        self.cost.append(np.broadcast_to(np.asarray(cost, float), shape).ravel().copy())
        self.integer.append(np.broadcast_to(np.asarray(integer, bool), shape).ravel().copy())
        self.n_cols += n
        self.var_blocks[name] = ids
        return ids

    def add_cost(self, cols: IntArray, values: FloatArray | float) -> None:
        """Add objective coefficients to existing columns (accumulating)."""
        self.extra_cost.append((np.asarray(cols).ravel(),
                                 np.broadcast_to(np.asarray(values, float),
                                                 np.asarray(cols).shape).ravel()))

    def add_rows(
        self,
        name: str,
        n: int,
        rows: IntArray,
        cols: IntArray,
        vals: FloatArray | float,
        lower: float | FloatArray = -INF,
        upper: float | FloatArray = INF,
    ) -> IntArray:
        """Add `n` rows; `rows` are local row numbers 0..n-1 of the (row, col, val) triplets."""
        rows = np.asarray(rows, np.int64).ravel()
        cols = np.asarray(cols, np.int64).ravel()
        vals_a = np.broadcast_to(np.asarray(vals, float), rows.shape).ravel()
        self.rows.append(rows + self.n_rows)
        self.cols.append(cols)
        self.vals.append(vals_a.copy())
        self.row_lower.append(np.broadcast_to(np.asarray(lower, float), (n,)).copy())
        self.row_upper.append(np.broadcast_to(np.asarray(upper, float), (n,)).copy())
        ids = np.arange(self.n_rows, self.n_rows + n, dtype=np.int64)
        self.blocks[name] = RowBlock(name, self.n_rows, n)
        self.n_rows += n
        return ids

    def column_arrays(self) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
        """Lower, upper, cost and integrality of all columns."""
        cost = np.concatenate(self.cost) if self.cost else np.empty(0)
        for cols, values in self.extra_cost:
            np.add.at(cost, cols, values)
        return (np.concatenate(self.lower) if self.lower else np.empty(0),
                np.concatenate(self.upper) if self.upper else np.empty(0),
                cost,
                np.concatenate(self.integer) if self.integer else np.empty(0, bool))

    def matrix(self) -> sp.csc_matrix:
        """The constraint matrix, duplicates summed."""
        rows = np.concatenate(self.rows) if self.rows else np.empty(0, np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.empty(0, np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.empty(0)
        return sp.csc_matrix((vals, (rows, cols)), shape=(self.n_rows, self.n_cols))

    def row_bounds(self) -> tuple[FloatArray, FloatArray]:
        return (np.concatenate(self.row_lower) if self.row_lower else np.empty(0),
                np.concatenate(self.row_upper) if self.row_upper else np.empty(0))
