"""Pages of products and their totals, fast at millions of rows.

Pages
- No filter: a walk of the sort index. Deep pages (offset >= `SEEK_FROM_OFFSET`)
  first read the sort key at the offset (an index-only scan for `id` and
  `updated_at`), then walk from it; pages past the middle walk from the other end.
- Filters: the next `window` rows in sort order are walked and filtered (fast for
  frequent terms, bounded when the hits sit elsewhere) when the planner expects the
  window to hold the page's hits, or expects more matches than the window has rows
  and at least a quarter of the page's hits in it. Otherwise, or if the window holds
  too few, every match is found through the filter's index and sorted (cost grows
  with the matches). A term the planner expects to be rare is looked up that way
  first, up to `RARE_MATCHES_MAX` matches; with more (the planner's estimate was far
  too low) a short window is walked after all.
- Filters, deep pages (offset >= `SEEK_FROM_OFFSET`): where the matches are counted
  cheaply (see totals: `is_active`, rare terms), they are counted first; a page past
  the middle is then found as above in the reversed order, from the end, which is
  nearer (the last page of `is_active=true` would otherwise sort every match).
- `cursor` (keyset) pages start right after the previous page's last key, at any
  depth, for any sort. They read one row more than the page: only its absence ends
  a walk (the cursor's offset, which numbers its page, counts the rows before it
  when it was issued: deletes and inserts there since make it out of date).

Totals (`total_is_estimate` says which)
- No filter: exact, from the trigger-kept counter (`product_count()`).
- A page that is not full ends the result: total = rows before it + its rows. An
  empty page past the end counts the matches (up to `PAST_END_COUNT_MAX` of them),
  else estimates them below its offset, or says "more than" the count's cap.
- A page found by sorting every match has counted them: exact.
- `is_active` only: exact while there are at most `INACTIVE_COUNT_MAX` inactive
  products (counted on their partial index), else estimated.
- Substring filters: counted exactly (up to `EXACT_COUNT_MAX`) when the planner
  expects at most that many matches; otherwise an estimate from a sample of the
  table's pages (the planner's when the table or the sample's hits are too few to
  say more), never below the rows this page proves exist. When the count reached
  its cap, the total is at least the cap (`total_is_lower_bound`) unless the sample
  says more. Counting costs ~1 us per match, so the cap bounds it to ~10 ms.
- After a cursor, only the counts above are exact. A total otherwise rests on the
  cursor's offset, so it is an estimate, even when the page ends the result.
"""

import json
from typing import Any, NamedTuple

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.core.pagination import PageParams
from product_importer.products import list_queries as sql
from product_importer.products import repository as repo
from product_importer.products.cursor import Cursor, decode, encode, list_of
from product_importer.products.filters import ProductFilters, ProductSort
from product_importer.products.schemas import ProductPage, ProductRead

SEEK_FROM_OFFSET = 1_000
WINDOW_ROWS = 5_000
WINDOW_ROWS_PER_ROW_NEEDED = 20
MAX_WINDOW_ROWS = 200_000
WINDOW_MARGIN = 2  # expect twice the hits the page needs
# Substring estimates were seen 2.4x too low: a window the planner expects to hold a
# quarter of the page's hits may still hold them all.
UNDERESTIMATE = 4
# A window this short is walked whatever the estimate (after the capped lookup below
# for a term expected to be rare): walking it costs ~2 ms, while a frequent term the
# planner took for a rare one pays 50-100 ms to sort every match.
ALWAYS_WALK_ROWS = 5_000
# A term the planner expects to be rare is first looked up in its index, up to this many
# matches (sorting them costs ~2 ms); a rare term then skips the walk (~3 ms).
RARE_MATCHES_MAX = 2_000
EXACT_COUNT_MAX = 10_000
# An empty page past the end bounds the total by its offset: up to this many matches
# are counted so that the page says where the end is: at 1.9M products, 0.06-0.12 s
# for 70-80K matches of a trigram-indexed term, 1.2 s for 1M of a one-letter term
# (1.0 s for 100K: a scan of the table either way).
PAST_END_COUNT_MAX = 1_000_000
INACTIVE_COUNT_MAX = 100_000  # counted on the partial index alone: ~50 ns each
INACTIVE = ProductFilters(is_active=False)
# A substring filter's total too costly to count is estimated from a sample of the
# table's pages: at 500,000 products the planner's estimates (guessed from ~100 stored
# values) were 0.57-1.06x the count, a sample of ~10,000 rows 0.94-1.02x, for ~2 ms.
SAMPLE_ROWS = 10_000
# Fewer hits, or hits on fewer pages (matches stored together, as SKUs that share a
# prefix are after a first load, which writes the catalog in SKU order: a page sample
# then finds a handful of their pages or none), say less than the planner does.
SAMPLE_HITS_MIN = 100
SAMPLE_PAGES_MIN = 30

Keys = tuple[Any, ...]


class _Total(NamedTuple):
    value: int
    is_estimate: bool = False
    is_lower_bound: bool = False  # the count reached its cap: at least `value` matches


class _Rows:
    """Products in page order with each one's sort key (for cursors), and the number
    of matches when the query counted them."""

    def __init__(
        self, items: list[ProductRead], keys: list[Keys], matches: int | None = None
    ) -> None:
        self.items = items
        self.keys = keys
        self.matches = matches

    def reversed(self) -> "_Rows":
        return _Rows(self.items[::-1], self.keys[::-1], self.matches)

    def first(self, count: int) -> "_Rows":
        return _Rows(self.items[:count], self.keys[:count], self.matches)


NO_ROWS = _Rows([], [])


async def _fetch(session: AsyncSession, statement: Select[Any], sort: ProductSort) -> _Rows:
    rows = (await session.execute(statement)).all()
    width = len(sql.sort_keys(sort))
    matches = getattr(rows[0], sql.MATCH_COUNT, None) if rows else None
    return _Rows(
        [ProductRead.model_validate(row) for row in rows],
        [tuple(row[-width:]) for row in rows],
        matches,
    )


async def product_total(session: AsyncSession) -> int:
    return int((await session.execute(repo.product_total())).scalar_one())


# --- pages ---------------------------------------------------------------------------


async def _from_offset(session: AsyncSession, sort: ProductSort, limit: int, offset: int) -> _Rows:
    if offset < SEEK_FROM_OFFSET:
        return await _fetch(session, sql.page(sort, limit, offset=offset), sort)
    key = (await session.execute(sql.key_at(sort, offset))).first()
    if key is None:
        return NO_ROWS
    return await _fetch(session, sql.page(sort, limit, from_keys=tuple(key), inclusive=True), sort)


async def _unfiltered(
    session: AsyncSession, sort: ProductSort, size: int, offset: int, total: int
) -> _Rows:
    if offset >= total:
        return NO_ROWS
    from_end = total - offset - size
    if offset < SEEK_FROM_OFFSET or from_end >= offset:
        return await _from_offset(session, sort, size, offset)
    # Past the middle: read the page backwards from the end, which is nearer.
    backwards = await _from_offset(
        session, sort.reversed(), min(size, total - offset), max(from_end, 0)
    )
    return backwards.reversed()


async def _filtered(
    session: AsyncSession,
    filters: ProductFilters,
    sort: ProductSort,
    size: int,
    offset: int,
    after_keys: Keys | None,
    estimate: int,
    products: int,
) -> _Rows:
    """`estimate`: the matches the planner expects among `products`."""
    needed = offset + size
    window = min(max(WINDOW_ROWS, WINDOW_ROWS_PER_ROW_NEEDED * needed), MAX_WINDOW_ROWS)
    expected_hits = estimate / max(products, 1) * window
    # Walk the window where it probably holds the page, or where it might (the planner's
    # substring estimates can be several times too low) and sorting every match would
    # cost more than the walk: a frequent term must not pay for sorting all its matches.
    likely = expected_hits >= WINDOW_MARGIN * needed
    possible = expected_hits * UNDERESTIMATE >= needed and estimate >= window
    walk = needed <= window and (likely or possible)
    if needed <= window <= ALWAYS_WALK_ROWS and not walk:
        # The planner expects a rare term: look it up in the index first, reading no more
        # than RARE_MATCHES_MAX matches, and walk only if there are more (a frequent
        # term the planner took for a rare one).
        statement = sql.matched_page(filters, sort, size, offset, after_keys, RARE_MATCHES_MAX)
        rows = await _fetch(session, statement, sort)
        if rows.matches is None or rows.matches <= RARE_MATCHES_MAX:
            return rows
        walk = True
    if walk:
        statement = sql.window_page(filters, sort, size, offset, window, after_keys)
        rows = await _fetch(session, statement, sort)
        if len(rows.items) == size:
            return rows
    return await _fetch(session, sql.matched_page(filters, sort, size, offset, after_keys), sort)


async def _filtered_deep(
    session: AsyncSession,
    filters: ProductFilters,
    sort: ProductSort,
    size: int,
    offset: int,
    matches: int,
    estimate: int,
    products: int,
) -> _Rows:
    """A deep filtered page, knowing that there are `matches`: from the nearer end."""
    if offset >= matches:
        return NO_ROWS
    from_end = matches - offset - size
    if from_end >= offset:
        return await _filtered(session, filters, sort, size, offset, None, estimate, products)
    limit, reverse = min(size, matches - offset), sort.reversed()
    backwards = await _filtered(
        session, filters, reverse, limit, max(from_end, 0), None, estimate, products
    )
    return backwards.reversed()


# --- totals --------------------------------------------------------------------------


async def _count_up_to(session: AsyncSession, filters: ProductFilters, cap: int) -> int | None:
    """The exact number of matches, or None when there are more than `cap`."""
    found = int((await session.execute(sql.count(filters, cap + 1))).scalar_one())
    return found if found <= cap else None


async def _estimate(session: AsyncSession, filters: ProductFilters) -> int:
    plan = (await session.execute(sql.estimate(filters))).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


async def _counted(
    session: AsyncSession, filters: ProductFilters, estimate: int, products: int
) -> _Total | None:
    """The matches, counted where that is cheap (`estimate` is the planner's, `products`
    the number of products); None when not counted, a lower bound when the count
    reached its cap."""
    if not filters.substrings:
        inactive = await _count_up_to(session, INACTIVE, INACTIVE_COUNT_MAX)
        if inactive is None:
            return None
        return _Total(inactive if filters.is_active is False else products - inactive)
    if estimate > EXACT_COUNT_MAX:
        return None
    exact = await _count_up_to(session, filters, EXACT_COUNT_MAX)
    if exact is None:  # the planner's estimate was too low
        return _Total(EXACT_COUNT_MAX + 1, is_estimate=True, is_lower_bound=True)
    return _Total(exact)


async def _estimated_matches(
    session: AsyncSession, filters: ProductFilters, estimate: int, products: int
) -> int:
    """The matches of a substring filter estimated from a sample of the table, when it
    has more rows than the sample and the sample holds enough hits, on enough pages;
    else the planner's `estimate`."""
    if not filters.substrings or products <= SAMPLE_ROWS:
        return estimate
    percent = 100 * SAMPLE_ROWS / products
    statement = sql.sampled_count(filters, percent)
    sampled, hits, pages = (await session.execute(statement)).one()
    if hits < SAMPLE_HITS_MIN or pages < SAMPLE_PAGES_MIN:
        return estimate
    # The share of the sampled products that match: the sample's pages hold more or
    # fewer products than `percent` of them, and it is the same sample every time.
    return round(products * hits / sampled)


class _Count:
    """`_counted` for one list, asked at most once (a deep page asks before it reads
    the page, its total after), and the estimate for a total that was not counted."""

    def __init__(
        self, session: AsyncSession, filters: ProductFilters, estimate: int, products: int
    ) -> None:
        self.args = (session, filters, estimate, products)
        self.asked = False
        self.total: _Total | None = None

    async def __call__(self) -> _Total | None:
        if not self.asked:
            self.total, self.asked = await _counted(*self.args), True
        return self.total

    async def estimated(self) -> int:
        """The matches estimated, for a total that was not counted."""
        return await _estimated_matches(*self.args)


async def _filtered_total(
    session: AsyncSession,
    filters: ProductFilters,
    page: tuple[int, int, int],
    count: _Count,
) -> _Total:
    """The total of a filtered list whose page (offset, size) held `rows`."""
    offset, size, rows = page
    if 0 < rows < size or (rows == 0 and offset == 0):
        return _Total(offset + rows)
    if rows == 0:  # past the end: there are at most `offset` matches
        cap = min(offset, PAST_END_COUNT_MAX)
        exact = await _count_up_to(session, filters, cap)
        if exact is not None:
            return _Total(exact)
        return _past_the_end_estimate(await count.estimated(), cap, offset)
    counted = await count()
    if counted is not None and not counted.is_lower_bound:
        return counted
    proven = offset + rows + (1 if rows == size else 0)
    value = max(await count.estimated(), proven)
    if counted is None:
        return _Total(value, is_estimate=True)
    # The count stopped at its cap: at least that many, "about" more if the sample says so.
    least = max(counted.value, proven)
    return _Total(max(value, least), is_estimate=True, is_lower_bound=value <= least)


def _past_the_end_estimate(estimate: int, counted: int, offset: int) -> _Total:
    """The total of an empty page at `offset` when more than `counted` matches were
    found: the estimate when it falls before the offset. One at or past it is proven
    wrong, and the offset itself would name the page before as the last, and so on,
    one page per request: then "more than `counted`", a page that holds matches."""
    if estimate < offset:
        return _Total(
            max(estimate, counted + 1), is_estimate=True, is_lower_bound=estimate <= counted
        )
    return _Total(counted + 1, is_estimate=True, is_lower_bound=True)


async def _total_after_cursor(
    session: AsyncSession,
    filters: ProductFilters,
    offset: int,
    rows: _Rows,
    ended: bool,
    estimate: int,
    products: int,
) -> _Total:
    """The total of a filtered list after a cursor issued `offset` rows in: `rows` were
    read after it (the page and its peek), and the result `ended` with them. Only a
    count is exact: the rows before the cursor may have changed since it was issued."""
    counted = await _counted(session, filters, estimate, products)
    if counted is not None and not counted.is_lower_bound:
        return counted
    guess = offset + (rows.matches if rows.matches is not None else len(rows.items))
    if not ended:
        guess = max(guess, await _estimated_matches(session, filters, estimate, products))
    if counted is None:
        return _Total(guess, is_estimate=True)
    value = max(counted.value, guess)
    return _Total(value, is_estimate=True, is_lower_bound=value == counted.value)


# --- the page ------------------------------------------------------------------------


async def list_products(
    session: AsyncSession,
    filters: ProductFilters,
    sort: ProductSort,
    params: PageParams,
    cursor: str | None = None,
) -> ProductPage:
    """Raises `InvalidCursor` for a cursor this API did not issue for `sort`."""
    size = params.page_size
    if cursor:
        page = await _after_cursor(session, filters, decode(cursor, sort, filters), size)
    else:
        page = await _numbered_page(session, filters, sort, size, params.offset)
    page.exact_match = await _exact_match(session, filters)
    return page


async def _numbered_page(
    session: AsyncSession, filters: ProductFilters, sort: ProductSort, size: int, offset: int
) -> ProductPage:
    if filters.any:
        rows, total = await _filtered_page(session, filters, sort, size, offset)
    else:
        total = _Total(await product_total(session))
        rows = await _unfiltered(session, sort, size, offset, total.value)
    more = len(rows.items) == size and (total.is_estimate or offset + size < total.value)
    return _page(rows, total, filters, sort, offset, size, more)


async def _exact_match(session: AsyncSession, filters: ProductFilters) -> ProductRead | None:
    term = filters.q or filters.sku
    if not term:
        return None
    row = (await session.execute(sql.exact_sku(filters, term))).first()
    return ProductRead.model_validate(row) if row else None


async def _filtered_page(
    session: AsyncSession, filters: ProductFilters, sort: ProductSort, size: int, offset: int
) -> tuple[_Rows, _Total]:
    """A filtered page by number and the list's total. A deep page counts the matches
    first where that is cheap, to read from the nearer end."""
    products = await product_total(session)
    estimate = await _estimate(session, filters)
    count = _Count(session, filters, estimate, products)
    if offset >= SEEK_FROM_OFFSET:
        counted = await count()
        if counted is not None and not counted.is_estimate:
            matches = counted.value
            rows = await _filtered_deep(
                session, filters, sort, size, offset, matches, estimate, products
            )
            return rows, counted
    rows = await _filtered(session, filters, sort, size, offset, None, estimate, products)
    if rows.matches is not None:
        return rows, _Total(rows.matches)
    page = (offset, size, len(rows.items))
    return rows, await _filtered_total(session, filters, page, count)


async def _after_cursor(
    session: AsyncSession, filters: ProductFilters, position: Cursor, size: int
) -> ProductPage:
    """The page after `position`, read with one row more: whether that row exists says
    whether another page follows."""
    sort, peek = position.sort, size + 1
    if filters.any:
        products = await product_total(session)
        estimate = await _estimate(session, filters)
        rows = await _filtered(session, filters, sort, peek, 0, position.keys, estimate, products)
        ended = len(rows.items) <= size
        total = await _total_after_cursor(
            session, filters, position.offset, rows, ended, estimate, products
        )
    else:
        statement = sql.page(sort, peek, from_keys=position.keys, inclusive=False)
        rows = await _fetch(session, statement, sort)
        ended = len(rows.items) <= size
        total = _Total(await product_total(session))
    return _page(rows.first(size), total, filters, sort, position.offset, size, not ended)


def _page(rows: _Rows, total: _Total, filters: ProductFilters, sort: ProductSort, offset: int,
          size: int, more: bool) -> ProductPage:  # fmt: skip
    position = Cursor(sort, rows.keys[-1], offset + size, list_of(filters)) if more else None
    next_cursor = encode(position) if position else None
    return ProductPage(
        items=rows.items,
        total=total.value,
        page=offset // size + 1,
        page_size=size,
        total_is_estimate=total.is_estimate,
        total_is_lower_bound=total.is_lower_bound,
        next_cursor=next_cursor,
    )
