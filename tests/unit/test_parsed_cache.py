"""The parsed-YAML cache: trusted only while a file is unchanged, and never changes what a load finds."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from carjunction.catalogue import Problem, Vehicle, load_vehicles
from carjunction.file_memo import FileMemo, file_stamp
from carjunction.site.catalogue_cache import PARSED_KIND, load_vehicles_for_build
from tests.support.factories import TODAY, vehicle_data, write_vehicle


def load_through(stock: Path, memo: Path) -> tuple[list[Vehicle], list[Problem]]:
    """The build's load of ``stock``, through the memo kept in the file ``memo``, in one process."""
    return load_vehicles_for_build(stock, stock.parent, TODAY, FileMemo(memo, PARSED_KIND), processes=1)


def test_a_load_through_the_cache_finds_what_a_plain_load_finds(tmp_path: Path) -> None:
    # Given good and broken vehicle files
    stock = tmp_path / "vehicles"
    stock.mkdir()
    for price in (1000, 2000, 3000):
        write_vehicle(stock, vehicle_data(price_usd=price))
    write_vehicle(stock, vehicle_data(doors=9))
    (stock / "broken.yaml").write_text("make: [Toyota\n", encoding="utf-8")
    cache = tmp_path / "cache" / "parsed.pickle"
    # When loaded plainly, through an empty cache, and through the filled cache
    plain = load_vehicles(stock, root=tmp_path, today=TODAY)
    first = load_through(stock, cache)
    second = load_through(stock, cache)
    # Then all three agree, and the cache was written
    for result in (first, second):
        assert [v.model_dump() for v in result[0]] == [v.model_dump() for v in plain[0]]
        assert [str(p) for p in result[1]] == [str(p) for p in plain[1]]
    assert len(plain[0]) == 3
    assert cache.is_file()


def test_cached_data_is_used_only_while_the_file_is_unchanged(tmp_path: Path) -> None:
    # Given a vehicle file, and a cache entry for it holding other data under the file's current stamp
    stock = tmp_path / "vehicles"
    stock.mkdir()
    path = write_vehicle(stock, vehicle_data(price_usd=1000))
    cache = FileMemo(tmp_path / "parsed.pickle", PARSED_KIND)
    kept = pickle.dumps({**vehicle_data(price_usd=7777), "stock_no": path.stem})
    cache.put(path, file_stamp(path), kept)
    cache.save()
    # When loaded, Then the cached data stands in for the file (it was not parsed again)
    assert load_through(stock, tmp_path / "parsed.pickle")[0][0].price_usd == 7777
    # When the file is touched (same bytes, new time), Then it is parsed again
    stamp = path.stat()
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    assert load_through(stock, tmp_path / "parsed.pickle")[0][0].price_usd == 1000


def test_a_removed_file_leaves_the_cache_and_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    # Given two vehicles loaded through the cache
    stock = tmp_path / "vehicles"
    stock.mkdir()
    kept = write_vehicle(stock, vehicle_data())
    removed = write_vehicle(stock, vehicle_data())
    cache_file = tmp_path / "parsed.pickle"
    load_through(stock, cache_file)
    # When one file is removed and the stock loaded again
    stamp = file_stamp(removed)
    removed.unlink()
    load_through(stock, cache_file)
    # Then the cache no longer holds it, and still holds the other
    cache = FileMemo(cache_file, PARSED_KIND)
    assert cache.get(removed, stamp) == (False, None)
    assert cache.get(kept, file_stamp(kept))[0] is True
    # When the cache file is damaged, Then a load still finds the vehicle
    cache_file.write_bytes(b"not a pickle")
    assert [v.stock_no for v in load_through(stock, cache_file)[0]] == [kept.stem]
