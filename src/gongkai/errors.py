"""Errors are types, raised where found and printed once at the CLI edge."""

from __future__ import annotations

from pathlib import Path


class GongkaiError(Exception):
    """A problem the user can fix; the CLI prints it on one line and exits 2."""

    exit_code = 2


class InputError(GongkaiError):
    """Bad command-line input: an unknown township, a missing record, …"""


class RecordError(GongkaiError):
    """A record file that cannot be used, located as precisely as YAML allows."""

    def __init__(
        self,
        path: Path | str | None,
        line: int | None,
        field: str,
        message: str,
        *,
        column: int | None = None,
        label: str = "",
    ):
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.field = field  # the key path in the file (table3.received.total): what to search for
        self.label = label  # how the format definition names it (表三「…」行「总计」列): what it means
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path) if self.path else "<记录>"
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        if self.label and self.field:
            field = f" 字段 {self.label}（{self.field}）:"
        else:
            field = f" 字段 {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class OutputLocked(GongkaiError):
    """Another render is writing into the same output folder."""


class ProductInUse(GongkaiError):
    """A product file that cannot be replaced: open in Word/WPS on a shared folder, locked, immutable.

    One report's trouble: the batch goes on, and the run ends with 1 like any failed report.
    """

    exit_code = 1

    def __init__(self, path: Path, reason: str, untouched: bool = True):
        self.path = path
        state = "这份报告的成品都保持原样" if untouched else "这份报告有的成品已更新、有的仍是上次的，下次运行会重做"
        super().__init__(
            f"无法替换 {path}（{reason}）：这个文件可能正在被其他程序（如 Word、WPS）打开或被锁定；"
            f"请关闭它后重新运行。{state}，其他报告不受影响"
        )


class NotAReport(GongkaiError):
    """A file given to `gongkai import` that is not a report at all (empty, binary, another page)."""


class OldFormat(NotAReport):
    """A report printed before the 2019 format (free layout, 「政府信息公开情况统计表」).

    Recognised, and said once: its tables are not today's, so it is not checked against them.
    """

    def __init__(self, message: str, body: str = "", year: int | None = None):
        super().__init__(message)
        self.body = body
        self.year = year


class ImageOnly(NotAReport):
    """A PDF without a text layer (a scan): a report all the same, but nothing in it can be read as text."""
