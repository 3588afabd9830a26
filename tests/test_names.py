"""Names and links from a downloaded folder, through the real command line.

Long but legal names, links leading outside the folders named, control and bidi characters in names,
and the review file's documented limit of 1,000 decisions. Each case bounded by a timeout.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from conftest import SEED_RECORD, SEED_TEXT, copy_data, gongkai

ESC_NAME = "a\x1b]0;pwned\x07\u202eb.txt"  # sets a terminal's title; reverses what follows


def test_a_253_byte_name_is_audited_like_any_other(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    long = "报" * 83 + ".txt"  # 253 bytes: legal, but its review file's name would not be
    assert len(long.encode()) == 253
    shutil.copy(SEED_TEXT, folder / long)
    shutil.copy(SEED_TEXT, folder / "short.txt")
    done = gongkai("audit", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1", timeout=180)
    assert done.returncode == 0, done.stderr
    rows = json.loads((tmp_path / "out" / "audit" / "audit.json").read_text("utf-8"))["rows"]
    assert sorted(Path(r["file"]).name for r in rows) == sorted([long, "short.txt"])
    assert all(r["status"] == "report" and r["year"] == 2021 for r in rows), rows


def test_long_names_in_an_import_batch_are_handled_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    names = ["年" * 80 + ".txt", "x" * 251 + ".txt"]  # 244 and 255 bytes
    assert [len(n.encode()) for n in names] == [244, 255]
    for name in names:
        (folder / name).write_text(SEED_TEXT.read_text("utf-8").replace("胡集乡", "无名乡"), "utf-8")
    out = tmp_path / "out"
    done = gongkai("import", str(folder), "--out-dir", str(out), timeout=120)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert len(lines) == 2 and all(" → " in line for line in lines), done.stdout
    assert "| 合计 | 2 |" in done.stdout
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 2 and all(len(n.encode()) <= 255 and n.endswith(".yaml") for n in written), written


def _outside_link(tmp_path: Path) -> Path:
    """A folder with one report and a link to a report outside it (as a link to /etc would be)."""
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    shutil.copy(SEED_TEXT, secret)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_TEXT, folder / "own.txt")
    os.symlink(secret, folder / "link.txt")
    os.symlink(secret.parent, folder / "linked-folder")
    return folder


def test_an_audit_does_not_follow_a_link_outside_the_folder(tmp_path: Path) -> None:
    folder = _outside_link(tmp_path)
    done = gongkai("audit", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1", timeout=180)
    assert done.returncode == 0, done.stderr
    listed = json.loads((tmp_path / "out" / "audit" / "audit.json").read_text("utf-8"))["rows"]
    rows = {Path(r["file"]).name: r for r in listed}
    assert rows["own.txt"]["status"] == "report"
    for name in ("link.txt", "linked-folder"):
        assert rows[name]["status"] == "skipped" and "所选文件夹之外" in rows[name]["message"], rows[name]
        assert rows[name]["year"] is None and not rows[name]["findings"]


def test_an_import_batch_does_not_follow_a_link_outside_the_folder(tmp_path: Path) -> None:
    folder = _outside_link(tmp_path)
    done = gongkai("import", str(folder), "--out-dir", str(tmp_path / "out"), timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert any(line.startswith("[未读取]") and "link.txt" in line for line in done.stdout.splitlines()), done.stdout
    assert "| 未读取 | 1 |" in done.stdout and "| 合计 | 2 |" in done.stdout
    assert len(list((tmp_path / "out").rglob("*.yaml"))) == 1


def test_control_characters_in_a_name_are_escaped_when_printed_and_written(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_TEXT, folder / ESC_NAME)
    out = tmp_path / "out"
    done = gongkai("import", str(folder), "--out-dir", str(out), timeout=120)
    printed = done.stdout + done.stderr
    assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed, printed
    assert "a\\x1b]0;pwned\\x07\\u202eb.txt" in done.stdout
    # the record written says where it came from, escaped, and the loader takes it
    data = copy_data(tmp_path / "data")
    single = gongkai(
        "import", str(folder / ESC_NAME), "--data", str(data), "--county", "minquan", "--force", timeout=120
    )
    assert single.returncode in (0, 1) and "\x1b" not in single.stdout + single.stderr, single.stderr
    record = data / "minquan" / "hujixiang" / "2021.yaml"
    assert "source: 导入自 a\\x1b]0;pwned\\x07\\u202eb.txt\n" in record.read_text("utf-8")
    checked = gongkai("check", "胡集乡", "2021", "--data", str(data), timeout=120)
    assert checked.returncode in (0, 1), checked.stdout + checked.stderr


def test_a_bidi_override_in_the_body_is_refused(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    record = data / SEED_RECORD.relative_to(SEED_RECORD.parents[2])
    text = record.read_text("utf-8")
    body = next(line for line in text.splitlines() if line.startswith("body:"))
    record.write_text(text.replace(body, body + "\u202e府政民人"), "utf-8")
    done = gongkai("check", "胡集乡", "2021", "--data", str(data), timeout=120)
    assert done.returncode == 2, done.stdout
    assert "body" in done.stderr and "U+202E" in done.stderr and "\u202e" not in done.stderr, done.stderr


def _review(count: int) -> str:
    item = "  - key: W{n}:x:{k}\n    decision: accepted\n    reason: 已核实\n    who: 张三\n    date: 2026-11-27\n"
    return "decisions:\n" + "".join(item.format(n=1 + k % 10, k=k) for k in range(count))


def test_a_review_file_holds_its_documented_1000_decisions(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    review = (data / SEED_RECORD.relative_to(SEED_RECORD.parents[2])).with_name("2021.review.yaml")
    review.write_text(_review(1000), "utf-8")
    done = gongkai("check", "胡集乡", "2021", "--data", str(data), timeout=120)
    assert done.returncode in (0, 1), done.stderr
    review.write_text(_review(1001), "utf-8")
    done = gongkai("check", "胡集乡", "2021", "--data", str(data), timeout=120)
    assert done.returncode == 2 and "决定过多（1001 条）：上限 1000 条" in done.stderr, done.stderr
