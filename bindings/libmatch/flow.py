"""Exact min-cost transportation (assignment with capacities) on sparse bipartite graphs.

The low-level layer under the matching round: rows (requests) each carry one unit, columns
(advisors) have a capacity and optional convex load costs, and a row may stay unassigned at
its own cost. See :func:`solve_assignment`.
"""

from __future__ import annotations

from typing import Any

from ._core import AssignmentResult
from ._core import solve_assignment as _solve_assignment

__all__ = ["AssignmentResult", "solve_assignment"]


def solve_assignment(
    n_rows: int,
    n_cols: int,
    rows: Any,
    cols: Any,
    costs: Any,
    capacities: Any,
    unassigned_cost: Any,
    load_costs: Any = None,
) -> AssignmentResult:
    """Assign rows to columns at minimum total cost, exactly.

    Minimises ``sum(costs of the arcs used) + sum over columns of the marginal load costs
    of the units taken + sum(unassigned_cost of the rows left out)``, where every row is
    assigned to at most one column reachable by one of its arcs and column ``j`` takes at
    most ``capacities[j]`` rows. The algorithm is an epsilon-scaling push-relabel method
    (cost scaling) with the load costs handled implicitly; the GIL is released while it
    runs. Same input, same result (ties are broken by the input order).

    Parameters
    ----------
    n_rows, n_cols : int
        Number of rows and columns (``>= 0``).
    rows, cols, costs : array_like of int, shape (n_arcs,)
        Arc ``a`` lets row ``rows[a]`` go to column ``cols[a]`` at cost ``costs[a]``.
        Duplicate ``(row, col)`` pairs are allowed; the cheapest one counts.
    capacities : array_like of int, shape (n_cols,)
        Capacity of each column (``>= 0``).
    unassigned_cost : int or array_like of int, shape (n_rows,)
        Cost of leaving a row unassigned (``>= 0``), one value for all rows or one per row.
    load_costs : None, 2-D int array (n_cols, width) or list of n_cols 1-D int arrays
        Convex load costs: entry ``k`` of column ``j`` is the extra cost of the ``k``-th
        row (from 0) that column ``j`` takes. Each column uses its first ``capacities[j]``
        entries (so ``width`` must be at least ``max(capacities)``), which must be
        non-decreasing. ``None``: no load costs.

    Returns
    -------
    AssignmentResult
        ``col_of_row`` (int64 array, -1 = unassigned), ``objective`` (int), ``col_load``
        (int64 array, rows taken per column) and ``status`` (``"optimal"``).

    Raises
    ------
    InvalidTypeError
        An array is not of an integer dtype (floats are never rounded).
    InvalidInputError
        Shapes do not match, an index is out of range, a capacity or unassigned cost is
        negative, load costs decrease or are too few.
    CostOverflowError
        The costs are so large that the objective could exceed int64.

    Notes
    -----
    The objective is exact (it equals the optimum of the equivalent min-cost flow). Arcs
    whose cost plus the column's first load cost is not below the row's unassigned cost are
    never used. Integer arrays of any integer dtype are accepted and converted to int64.

    Examples
    --------
    Three rows, two columns of capacity 1; row 2 is cheaper left unassigned:

    >>> import numpy as np
    >>> import libmatch
    >>> res = libmatch.solve_assignment(
    ...     3, 2,
    ...     rows=np.array([0, 0, 1, 2]), cols=np.array([0, 1, 0, 1]),
    ...     costs=np.array([4, 1, 2, 9]), capacities=np.array([1, 1]),
    ...     unassigned_cost=5)
    >>> res.col_of_row.tolist(), res.objective, res.col_load.tolist()
    ([1, 0, -1], 8, [1, 1])

    With convex load costs (the second row a column takes costs 3 more):

    >>> res = libmatch.solve_assignment(
    ...     2, 1, rows=[0, 1], cols=[0, 0], costs=[1, 1], capacities=[2],
    ...     unassigned_cost=[10, 3], load_costs=np.array([[0, 3]]))
    >>> res.col_of_row.tolist(), res.objective
    ([0, -1], 4)
    """
    return _solve_assignment(
        n_rows, n_cols, rows, cols, costs, capacities, unassigned_cost, load_costs
    )
