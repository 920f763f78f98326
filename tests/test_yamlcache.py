"""roadmap.yamlcache: a large library is parsed once, and a kept parse changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap import library, yamlcache
from roadmap.errors import InputError
from roadmap.yamlio import LoadedYaml


def big_library(folder: Path, stages: int = 3, steps: int = 40) -> Path:
    """A valid library whose files are padded with comments past the cache's threshold."""
    folder.mkdir()
    pad = "# " + "x" * 1000 + "\n"
    per_file = yamlcache.MIN_BYTES // stages // len(pad) + 1
    for s in range(stages):
        lines = [f"id: s{s}", f"order: {s + 1}", f"title: Stage {s}", "goal: Go", "steps:"]
        for k in range(steps):
            lines += [
                f"  - id: s{s}.t{k}",
                f"    title: Step {k} é",
                f"    duration_days: {2 + k % 3}",
            ]
            if k:
                lines.append(f"    after: [s{s}.t{k - 1}]")
        (folder / f"{s}.yaml").write_text("\n".join(lines) + "\n" + pad * per_file, encoding="utf-8")
    return folder


def kept_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json")) if cache.is_dir() else []


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ROADMAP_CACHE", str(folder))
    library._CACHE.clear()
    return folder


def test_a_large_library_is_kept_once_and_read_back_equal(tmp_path: Path, cache: Path) -> None:
    lib_dir = big_library(tmp_path / "lib")
    first = library.load_library(lib_dir)
    assert len(kept_files(cache)) == 1
    library._CACHE.clear()
    stamp = kept_files(cache)[0].stat().st_mtime_ns
    second = library.load_library(lib_dir)
    assert second == first
    assert kept_files(cache)[0].stat().st_mtime_ns == stamp  # read, not written again


def test_a_kept_parse_still_points_messages_at_the_file(tmp_path: Path, cache: Path) -> None:
    lib_dir = big_library(tmp_path / "lib")
    paths = sorted(lib_dir.glob("*.yaml"))
    yamlcache.load_files(paths)
    again = yamlcache.load_files(paths)
    assert all(isinstance(r, LoadedYaml) for r in again)
    loaded = again[0]
    assert isinstance(loaded, LoadedYaml)
    assert loaded.file == str(paths[0])
    assert loaded.position(("steps", 1, "duration_days")) == (11, 20)


def test_an_edited_file_is_parsed_again(tmp_path: Path, cache: Path) -> None:
    lib_dir = big_library(tmp_path / "lib")
    library.load_library(lib_dir)
    first = lib_dir / "0.yaml"
    first.write_text(first.read_text(encoding="utf-8").replace("title: Stage 0", "title: Renamed"), encoding="utf-8")
    library._CACHE.clear()
    assert library.load_library(lib_dir).stages[0].title.en == "Renamed"
    assert len(kept_files(cache)) == 2


def test_a_library_with_problems_is_not_kept_and_reports_as_before(tmp_path: Path, cache: Path) -> None:
    lib_dir = big_library(tmp_path / "lib")
    bad = lib_dir / "1.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("duration_days: 2\n", "duration_days: 2027-02-30\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        library.load_library(lib_dir)
    assert kept_files(cache) == []
    assert any(d.file.endswith("1.yaml") and "2027-02-30" in d.message for d in caught.value.diagnostics)


def test_small_libraries_and_a_cache_turned_off_write_nothing(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.load_library()  # the bundled library is small
    assert kept_files(cache) == []
    monkeypatch.setenv("ROADMAP_CACHE", "off")
    assert yamlcache.cache_dir() is None
    library._CACHE.clear()
    library.load_library(big_library(tmp_path / "lib"))
    assert kept_files(cache) == []


def test_a_damaged_cache_file_is_ignored(tmp_path: Path, cache: Path) -> None:
    lib_dir = big_library(tmp_path / "lib")
    first = library.load_library(lib_dir)
    kept_files(cache)[0].write_text("[{", encoding="utf-8")
    library._CACHE.clear()
    assert library.load_library(lib_dir) == first


def test_only_json_values_are_kept() -> None:
    import datetime as dt

    assert yamlcache._plain({"a": [1, 2.5, "x", True, None, {"b": []}]})
    assert not yamlcache._plain({"a": [dt.date(2027, 1, 1)]})
