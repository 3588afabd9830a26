"""Writing products so that a crash never leaves a half-written or lost report."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from gongkai.errors import InputError, OutputLocked, ProductInUse


def inside(root: Path, path: Path) -> Path:
    """`path`, proved to lie under `root` once both are resolved (no `..`, no symlink out)."""
    real_root, real = root.resolve(), path.resolve()
    if real != real_root and real_root not in real.parents:
        raise InputError(f"拒绝写入 {path}：不在目标目录 {root} 之内（标识不能含 /、.. 等路径字符）")
    return path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write beside the target, flush to disk, then rename over it."""
    _replace(_stage(path, [_bytes(data)]), path)


def write_atomic_lines(path: Path, lines: Iterable[str]) -> None:
    """`write_atomic` for a text made a line at a time: never held whole (a nation's manifest)."""
    _replace(_stage(path, (line.encode("utf-8") for line in lines)), path)


def _bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _replace(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _clipped(name: str, size: int = 200) -> str:
    """The name cut to `size` bytes (whole characters): room for the temporary file's marks in 255."""
    return name.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def _stage(path: Path, chunks: Iterable[bytes]) -> Path:
    """The chunks in a hidden temporary file beside `path`, on disk; removed again if anything fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{_clipped(path.name)}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None  # name the file meant, not the temporary one
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.writelines(chunks)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(e.errno, e.strerror, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(folder: Path, files: Mapping[str, bytes | str]) -> None:
    """Put a report's products in place only once every one of them is on disk.

    All are written to temporary files first (a full disk fails here, and
    nothing of this run appears); then each is renamed into place, which
    needs no space. A crash between renames leaves some files from this run
    and some from the last, every one of them whole.
    Called under `lock`, so any temporary file already here is a killed run's.
    """
    sweep(folder)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            staged.append((_stage(folder / name, [_bytes(data)]), folder / name))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    try:
        for _, path in staged:
            _replaceable(path)  # before any rename: a locked file leaves the whole report as it was
        for done, (tmp, path) in enumerate(staged):
            try:
                os.replace(tmp, path)
            except OSError as e:
                if e.errno not in HELD:
                    raise  # a full disk and the like: the caller's to report (the CLI names the file)
                raise ProductInUse(path, e.strerror or type(e).__name__, untouched=done == 0) from None
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)  # those not renamed, after a failed rename


# What a file held by another program (Word on a share, a lock, an immutable flag) makes a rename fail with.
HELD = frozenset({errno.EACCES, errno.EPERM, errno.EBUSY, errno.ETXTBSY})


def _replaceable(path: Path) -> None:
    """Refuse a product that cannot be replaced (open in Word on a share, locked, immutable), naming it.

    A file whose mode says writable but that cannot be opened for writing is
    held by something else; a file made read-only by its owner is replaced as before.
    Opening for append changes neither the file nor its times.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & 0o200:
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
    except FileNotFoundError:
        return
    except OSError as e:
        if e.errno not in HELD:
            raise
        raise ProductInUse(path, e.strerror or type(e).__name__) from None


def sweep(folder: Path) -> None:
    """Remove the hidden `.NAME.XXXX.tmp` files a killed `write_atomic` left behind."""
    for stale in folder.glob(".*.tmp"):
        if stale.is_file():
            stale.unlink(missing_ok=True)


LOCK_FILE = ".gongkai.lock"


@contextmanager
def lock(out_dir: Path) -> Iterator[None]:
    """One writer per output folder: a second render refuses with a clear message."""
    import fcntl

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_FILE
    with open(path, "a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "另一个进程"
            raise OutputLocked(
                f"输出目录 {out_dir} 正被另一个 gongkai render 使用（{holder}）；请等它结束后再运行"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"进程 {os.getpid()}\n")
        f.flush()
        sweep(out_dir)  # manifest.json and index.html of a killed run
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def writable_folder(folder: Path, option: str) -> None:
    """An output folder that can be: not a file, not under a file (checked before any work)."""
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                what = "是一个文件" if part == folder else f"位于文件 {part} 之下"
                raise InputError(f"输出目录 {folder} {what}：{option} 应为文件夹")
            return


def writable_file(path: Path, option: str, force: bool) -> None:
    """An output file that can be written: not a folder, its folder not a file."""
    if path.is_dir():
        raise InputError(f"{path} 是一个文件夹：{option} 应为文件名{'（--force 不会覆盖文件夹）' if force else ''}")
    writable_folder(path.parent, option)
