"""GET /products: filters, sorts, pages and cursors against a reference computed in
Python, along every query shape the list service can choose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from product_importer.products import list_service
from tests.products.helpers import API, add_products, copy_products, sql_execute

SPECIAL = [
    ("100%-COTTON", "Shirt 100% cotton", "Soft"),
    ("100X-COTTON", "Shirt 100x cotton", None),
    ("A_B-1", "Under_score item", None),
    ("AXB-1", "Underxscore item", "Plain"),
    ("BACK\\SLASH", "Back\\slash name", "Path C:\\temp"),
    ("QUOTE-1", "O'Brien's \"best\" kettle", "It's; DROP TABLE products; --"),
    ("SQL-1", "Robert'); DROP TABLE products;--", "1 OR 1=1"),
    ("ÉCLAIR-1", "Éclair Café", "Crème brûlée"),
    ("kettle-2", "Steel Kettle", "steel and STEEL"),
    ("KETTLE-3", "Copper kettle", None),
]
ADJECTIVES = ("Compact", "Deluxe", "Rustic", "Smart", "Steel")
NOUNS = ("Lamp", "Kettle", "Desk", "Mug")


def catalog() -> list[dict[str, Any]]:
    rows = [{"sku": s, "name": n, "description": d, "is_active": True} for s, n, d in SPECIAL]
    for i in range(60):
        rows.append(
            {
                "sku": f"{'ab' if i % 2 else 'AB'}C-{(i * 37) % 100:03d}-{i}",
                "name": f"{ADJECTIVES[i % 5]} {NOUNS[i % 4]} {i % 7}",
                "description": "dishwasher safe" if i % 3 == 0 else None,
                "is_active": i % 4 != 0,
            }
        )
    return rows


@pytest.fixture
def products() -> list[dict[str, Any]]:
    rows = catalog()
    ids = add_products(rows)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for position, (row, product_id) in enumerate(zip(rows, ids, strict=True)):
        row["id"] = product_id
        row["updated_at"] = base + timedelta(hours=(position * 7) % 11)
        sql_execute(
            "UPDATE products SET updated_at = :at WHERE id = :id",
            at=row["updated_at"],
            id=product_id,
        )
    return rows


def contains(value: str | None, term: str) -> bool:
    return value is not None and term.lower() in value.lower()


def reference(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[int]:
    def keep(row: dict[str, Any]) -> bool:
        q = (params.get("q") or "").strip()
        if q and not (contains(row["sku"], q) or contains(row["name"], q)):
            return False
        for field in ("sku", "name", "description"):
            term = (params.get(field) or "").strip()
            if term and not contains(row[field], term):
                return False
        active = params.get("is_active")
        return active is None or row["is_active"] == (active == "true")

    sort = params.get("sort", "id")
    field = sort.lstrip("-")
    keys = {
        "id": lambda r: (r["id"],),
        "sku": lambda r: (r["sku"].lower(),),
        "name": lambda r: (r["name"].lower(), r["id"]),
        "updated_at": lambda r: (r["updated_at"], r["id"]),
    }[field]
    matched = sorted(filter(keep, rows), key=keys, reverse=sort.startswith("-"))
    return [row["id"] for row in matched]


async def pages(client, params: dict[str, Any], size: int) -> tuple[list[int], set[int]]:
    """Every page by number: the ids in order and the totals reported."""
    ids: list[int] = []
    totals: set[int] = set()
    page = 1
    while True:
        response = await client.get(
            f"{API}?{urlencode({**params, 'page': page, 'page_size': size})}"
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["page"] == page and body["page_size"] == size
        assert body["total_is_estimate"] is False
        totals.add(body["total"])
        ids += [item["id"] for item in body["items"]]
        if len(body["items"]) < size or page * size >= body["total"]:
            return ids, totals
        page += 1


async def cursor_pages(client, params: dict[str, Any], size: int) -> list[int]:
    ids: list[int] = []
    query = {**params, "page_size": size}
    for expected_page in range(1, 100):
        body = (await client.get(f"{API}?{urlencode(query)}")).json()
        assert body["page"] == expected_page
        ids += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            return ids
        query["cursor"] = body["next_cursor"]
    raise AssertionError("the cursors never ended")


SORTS = ["id", "-id", "sku", "-sku", "name", "-name", "updated_at", "-updated_at"]
FILTERS: list[dict[str, Any]] = [
    {},
    {"q": "kettle"},
    {"q": "  KETTLE "},
    {"q": ""},
    {"q": "%"},
    {"q": "_"},
    {"q": "\\"},
    {"q": "a_b"},
    {"q": "100%"},
    {"q": "'"},
    {"q": "'); drop"},
    {"q": "éclair"},
    {"q": "ÉCLAIR"},
    {"q": "nothing matches this"},
    {"sku": "-1"},
    {"sku": "abc"},
    {"name": "steel"},
    {"name": '"best"'},
    {"description": "steel"},
    {"description": "drop table"},
    {"description": "c:\\"},
    {"is_active": "false"},
    {"is_active": "true"},
    {"q": "smart", "is_active": "true"},
    {"name": "lamp", "description": "dishwasher", "is_active": "false"},
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: urlencode(p) or "none")
async def test_filters_match_case_insensitive_substrings_literally(client, products, params):
    expected = reference(products, params)
    ids, totals = await pages(client, params, size=200)
    assert ids == expected
    assert totals == {len(expected)}


@pytest.mark.parametrize("sort", SORTS)
async def test_every_sort_orders_every_page(client, products, sort):
    for params in ({"sort": sort}, {"sort": sort, "q": "e"}, {"sort": sort, "is_active": "true"}):
        expected = reference(products, params)
        ids, totals = await pages(client, params, size=7)
        assert ids == expected, params
        assert totals == {len(expected)}
        assert await cursor_pages(client, params, size=7) == expected, params


@pytest.mark.parametrize("sort", SORTS)
async def test_filtered_pages_are_the_same_when_found_through_the_index(
    client, products, sort, monkeypatch
):
    """A window too small for any page forces the sort-the-matches plan."""
    monkeypatch.setattr(list_service, "WINDOW_ROWS", 1)
    monkeypatch.setattr(list_service, "WINDOW_ROWS_PER_ROW_NEEDED", 1)
    monkeypatch.setattr(list_service, "ALWAYS_WALK_ROWS", 0)
    for params in ({"q": "e"}, {"name": "kettle"}, {"is_active": "false"}, {"q": "_"}):
        params = {**params, "sort": sort}
        expected = reference(products, params)
        assert (await pages(client, params, size=5))[0] == expected, params
        assert await cursor_pages(client, params, size=5) == expected, params


class PlanSpy:
    """Records which of the two filtered-page plans the service built."""

    def __init__(self, monkeypatch) -> None:
        self.used: list[str] = []
        for name in ("window_page", "matched_page"):
            original = getattr(list_service.sql, name)
            monkeypatch.setattr(list_service.sql, name, self._record(name, original))

    def _record(self, name: str, original: Any) -> Any:
        def build(*args: Any, **kwargs: Any) -> Any:
            self.used.append(name)
            return original(*args, **kwargs)

        return build


@pytest.mark.parametrize(
    ("catalog_size", "estimate", "always_walk_rows", "plans"),
    [
        (1000, 200, 0, ["window_page"]),
        (1000, 20, 0, ["matched_page"]),
        (10_000, 200, 0, ["matched_page"]),
        (10_000, 20, 200, ["matched_page", "window_page"]),
    ],
)
async def test_an_underestimated_frequent_term_is_walked_not_sorted_in_full(
    client, monkeypatch, catalog_size, estimate, always_walk_rows, plans
):
    """Every product matches, whatever the planner estimates. The window (200 rows) is
    walked when sorting every estimated match would cost more and the window might hold
    the page (not at an estimate of 2 %, nor of 200 in 10,000), or when it is short
    enough to always walk and a lookup capped at 1,000 matches found more."""
    rows = [(f"D-{i:05d}", f"Oak desk {i:05d}", None, True) for i in range(catalog_size)]
    copy_products(rows)
    monkeypatch.setattr(list_service, "WINDOW_ROWS", 200)
    monkeypatch.setattr(list_service, "WINDOW_ROWS_PER_ROW_NEEDED", 1)
    monkeypatch.setattr(list_service, "ALWAYS_WALK_ROWS", always_walk_rows)
    monkeypatch.setattr(list_service, "RARE_MATCHES_MAX", 1000)

    async def planner_estimate(session: Any, filters: Any) -> int:
        return estimate

    monkeypatch.setattr(list_service, "_estimate", planner_estimate)
    spy = PlanSpy(monkeypatch)
    body = (await client.get(f"{API}?q=desk&page_size=50")).json()
    assert [item["name"] for item in body["items"]] == [f"Oak desk {i:05d}" for i in range(50)]
    assert spy.used == plans


@pytest.mark.parametrize(("matching", "plans"), [(30, ["matched_page"]), (0, ["matched_page"])])
async def test_a_term_expected_to_be_rare_is_looked_up_in_its_index_without_a_walk(
    client, monkeypatch, matching, plans
):
    """At most `RARE_MATCHES_MAX` matches: the capped lookup is the page, and counts it."""
    rows = [(f"R-{i:05d}", f"Oak desk {i:05d}", None, True) for i in range(matching)]
    rows += [(f"O-{i:05d}", f"Pine shelf {i:05d}", None, True) for i in range(1000)]
    copy_products(rows)
    monkeypatch.setattr(list_service, "RARE_MATCHES_MAX", 40)

    async def planner_estimate(session: Any, filters: Any) -> int:
        return 1

    monkeypatch.setattr(list_service, "_estimate", planner_estimate)
    spy = PlanSpy(monkeypatch)
    body = (await client.get(f"{API}?q=desk&page_size=20&sort=-sku")).json()
    expected = [f"Oak desk {i:05d}" for i in reversed(range(matching))][:20]
    assert [item["name"] for item in body["items"]] == expected
    assert (body["total"], body["total_is_estimate"]) == (matching, False)
    assert spy.used == plans
    if matching:
        cursor = body["next_cursor"]
        rest = (await client.get(f"{API}?q=desk&page_size=20&sort=-sku&cursor={cursor}")).json()
        assert [item["name"] for item in rest["items"]] == [
            f"Oak desk {i:05d}" for i in reversed(range(matching - 20))
        ]


@pytest.mark.parametrize("sort", SORTS)
async def test_deep_pages_seek_and_read_backwards_from_the_end(client, products, sort, monkeypatch):
    """With seeking from offset 5, pages past the middle are read from the end."""
    monkeypatch.setattr(list_service, "SEEK_FROM_OFFSET", 5)
    expected = reference(products, {"sort": sort})
    for size in (3, 7, 50):
        ids, totals = await pages(client, {"sort": sort}, size=size)
        assert ids == expected, size
        assert totals == {len(expected)}


@pytest.mark.parametrize("sort", SORTS)
async def test_deep_filtered_pages_with_counted_totals_read_backwards_past_the_middle(
    client, products, sort, monkeypatch
):
    """With seeking from offset 5, filtered pages whose matches are counted cheaply
    (`is_active`, a term expected to be rare) are read from the end past the middle."""
    monkeypatch.setattr(list_service, "SEEK_FROM_OFFSET", 5)
    for params in ({"is_active": "true"}, {"is_active": "false"}, {"q": "e"}, {"q": "zz"}):
        params = {**params, "sort": sort}
        expected = reference(products, params)
        for size in (3, 7):
            ids, totals = await pages(client, params, size=size)
            assert ids == expected, (params, size)
            assert totals == {len(expected)}


async def test_a_page_past_the_end_is_empty(client, products):
    for params in ({}, {"q": "kettle"}, {"is_active": "true"}):
        body = (await client.get(f"{API}?{urlencode({**params, 'page': 99})}")).json()
        assert body["items"] == [] and body["page"] == 99
        assert body["total"] == len(reference(products, params))
        assert body["next_cursor"] is None


async def test_defaults(client, products):
    body = (await client.get(API)).json()
    assert body["page"] == 1 and body["page_size"] == 50
    assert [item["id"] for item in body["items"]] == reference(products, {})[:50]
    assert body["total"] == len(products) and body["next_cursor"]
    assert set(body["items"][0]) == {
        "id",
        "sku",
        "name",
        "description",
        "is_active",
        "created_at",
        "updated_at",
    }


async def test_an_empty_catalog(client):
    body = (await client.get(API)).json()
    assert body == {
        "items": [],
        "total": 0,
        "page": 1,
        "page_size": 50,
        "total_is_estimate": False,
        "total_is_lower_bound": False,
        "next_cursor": None,
        "exact_match": None,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=price", "sort"),
        ("sort=ID", "sort"),
        ("is_active=maybe", "is_active"),
        ("is_active=yes", "is_active"),  # a boolean to pydantic, not to the contract
        ("is_active=1", "is_active"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("page_size=ten", "page_size"),
        (f"q={'x' * 256}", "q"),
        ("q=a%00b", "q"),
        (f"description={'x' * 1001}", "description"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
async def test_invalid_query_values_are_422_naming_the_parameter(client, query, field):
    response = await client.get(f"{API}?{query}")
    assert response.status_code == 422, response.text
    assert [tuple(error["loc"]) for error in response.json()["detail"]] == [("query", field)]


async def test_the_contracts_url_template_left_blank_lists_as_with_no_parameters(client, products):
    template = "q=&sku=&name=&description=&is_active=&page=&page_size=&sort="
    blank = await client.get(f"{API}?{template}")
    assert blank.status_code == 200, blank.text
    assert blank.json() == (await client.get(API)).json()


async def test_is_active_is_true_or_false_in_any_case(client, products):
    for value, active in (("true", True), ("True", True), ("FALSE", False)):
        response = await client.get(f"{API}?is_active={value}")
        assert response.status_code == 200
        listed = {item["is_active"] for item in response.json()["items"]}
        assert listed == {active}, value


async def test_page_size_bounds_are_inclusive(client, products):
    assert len((await client.get(f"{API}?page_size=1")).json()["items"]) == 1
    assert len((await client.get(f"{API}?page_size=200")).json()["items"]) == len(products)


async def test_a_cursor_only_continues_the_sort_it_was_issued_for(client, products):
    cursor = (await client.get(f"{API}?page_size=5&sort=name")).json()["next_cursor"]
    response = await client.get(f"{API}?page_size=5&sort=-name&cursor={cursor}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "cursor"] and "sort=name" in error["msg"]
    body = (await client.get(f"{API}?page_size=5&sort=name&cursor={cursor}")).json()
    assert body["page"] == 2
    assert [item["id"] for item in body["items"]] == reference(products, {"sort": "name"})[5:10]


@pytest.mark.parametrize(
    "other",
    ["q=mug", "q=desk&is_active=true", "q=desk&name=desk", "q=desk&description=a", "sku=desk"],
)
async def test_a_cursor_only_continues_the_list_of_its_filters(client, products, other):
    """Used with other filters, a cursor would open a page of another list after a
    product it may not hold: a 422, as for another sort."""
    first = (await client.get(f"{API}?q=desk&page_size=2&sort=name")).json()
    cursor = first["next_cursor"]
    response = await client.get(f"{API}?{other}&page_size=2&sort=name&cursor={cursor}")
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "cursor"] and "other filters" in error["msg"]
    for same_list in ("q=%20desk%20", "q=DESK"):  # as the filters match
        same = await client.get(f"{API}?{same_list}&page_size=2&sort=name&cursor={cursor}")
        assert same.status_code == 200 and same.json()["page"] == 2


async def test_a_cursor_from_before_cursors_named_their_list_is_taken(client, products):
    import base64
    import json

    payload = {"s": "id", "k": [0], "o": 0}
    token = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    response = await client.get(f"{API}?q=desk&sort=id&cursor={token}")
    assert response.status_code == 200, response.text


async def test_forged_cursor_values_are_rejected_not_crashing(client):
    import base64
    import json

    for payload in (
        {"s": "id", "k": [2**64], "o": 0},
        {"s": "id", "k": ["1"], "o": 0},
        {"s": "updated_at", "k": ["yesterday", 1], "o": 0},
        {"s": "name", "k": ["a"], "o": 0},
        {"s": "id", "k": [1], "o": -5},
        {"s": "nope", "k": [1], "o": 0},
        [1, 2],
        {"s": "name", "k": ["\ud800", 1], "o": 1},  # a lone surrogate: not text
        {"s": "sku", "k": ["\udfff"], "o": 0},
        {"s": "updated_at", "k": ["0001-01-01T00:00:00+01:00", 1], "o": 1},  # before year 1
        {"s": "updated_at", "k": ["9999-12-31T23:59:59-01:00", 1], "o": 1},  # after 9999
        {"s": "id", "k": [1], "o": 2**63 - 1},  # its page would be past any page asked for
        {"s": "id", "k": [1], "o": 0, "f": [1]},  # its list's digest is no digest
    ):
        token = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
        response = await client.get(f"{API}?sort={payload_sort(payload)}&cursor={token}")
        assert response.status_code == 422, (payload, response.text)


def payload_sort(payload: Any) -> str:
    return payload["s"] if isinstance(payload, dict) and payload["s"] != "nope" else "id"


async def test_a_count_that_outgrows_a_too_low_estimate_says_at_least_the_cap(client, monkeypatch):
    """The planner expected 20 matches, the capped count found more than 100: the total is
    an estimate of at least 101, not the planner's 20."""
    copy_products([(f"K-{i:05d}", f"Kettle {i:05d}", None, True) for i in range(150)])
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 100)

    async def planner_estimate(session: Any, filters: Any) -> int:
        return 20

    monkeypatch.setattr(list_service, "_estimate", planner_estimate)
    body = (await client.get(f"{API}?q=kettle&page_size=10")).json()
    assert len(body["items"]) == 10
    assert (body["total"], body["total_is_estimate"]) == (101, True)


def _by_sku(rows: list[dict[str, Any]], sku: str) -> dict[str, Any]:
    return next(row for row in rows if row["sku"] == sku)


@pytest.mark.parametrize(
    ("params", "exact_sku"),
    [
        ({"q": "kettle-3"}, "KETTLE-3"),  # any letter case
        ({"q": "  kettle-2 "}, "kettle-2"),
        ({"sku": "a_b-1"}, "A_B-1"),  # wildcards are literal here too
        ({"q": "quote-1", "sku": "nope"}, None),  # it must match every filter
        ({"q": "kettle"}, None),  # a substring of SKUs, not one of them
        ({"name": "kettle-3"}, None),  # only `q` and `sku` name a SKU
        ({}, None),
    ],
)
async def test_exact_match_names_the_product_whose_sku_is_the_term(
    client, products, params, exact_sku
):
    for page in (1, 2):
        query = urlencode({**params, "page": page, "page_size": 1})
        body = (await client.get(f"{API}?{query}")).json()
        if exact_sku is None:
            assert body["exact_match"] is None
        else:
            expected = _by_sku(products, exact_sku)
            assert body["exact_match"]["id"] == expected["id"]
            assert body["exact_match"]["sku"] == exact_sku


async def test_exact_match_honours_is_active_and_is_on_cursor_pages(client, products):
    inactive = next(row for row in products if not row["is_active"])
    sku = inactive["sku"].lower()
    hidden = (await client.get(f"{API}?{urlencode({'q': sku, 'is_active': 'true'})}")).json()
    assert hidden["exact_match"] is None
    [kettle] = add_products([{"sku": "Kettle", "name": "The kettle", "is_active": True}])
    query = {"q": "KETTLE", "page_size": 2}
    first = (await client.get(f"{API}?{urlencode(query)}")).json()
    query["cursor"] = first["next_cursor"]
    after = (await client.get(f"{API}?{urlencode(query)}")).json()
    assert first["exact_match"]["id"] == after["exact_match"]["id"] == kettle
