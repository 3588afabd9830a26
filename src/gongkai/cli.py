"""The `gongkai` command: a thin layer over functions the tests call directly."""

from __future__ import annotations

import argparse
import errno
import re
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

from gongkai.errors import GongkaiError
from gongkai.format import FORMATS
from gongkai.interfaces import checking, importing, notebook, rendering, year
from gongkai.interfaces.locating import DATA_HELP
from gongkai.scratch import sweep
from gongkai.shown import shown

# argparse's own words, in Chinese, for this program's parsers only (nothing global is patched):
# section titles and usage prefix are set on the parser, and its error messages are translated
# from argparse's English templates when they reach `error`.
ARGPARSE_ZH = {
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "one of the arguments %s is required": "以下参数必须有一个：%s",
}
_SLOT = re.compile(r"%(?:\((\w+)\))?[sr]")


def _pattern(english: str) -> re.Pattern[str]:
    """argparse's template as a regex: each %s or %(name)r slot a group, in order."""
    parts = _SLOT.split(english)  # text, slot name (or None), text, …
    pieces = [re.escape(part) if n % 2 == 0 else f"(?P<{part or f'slot{n}'}>.+?)" for n, part in enumerate(parts)]
    return re.compile("".join(pieces) + "$")


def translate(message: str) -> str:
    """argparse's English error message in Chinese (nested ones too); unknown text is kept as it is."""
    for english, zh in ARGPARSE_ZH.items():
        found, chinese = _pattern(english).match(message), zh
        if found:
            break
    if not found:
        return message
    named = {name: translate(value) for name, value in found.groupdict().items()}
    unnamed = iter(value for name, value in named.items() if name.startswith("slot"))
    return _SLOT.sub(lambda m: named[m.group(1)] if m.group(1) else next(unnamed), chinese)


class _Formatter(argparse.HelpFormatter):
    """Subcommands listed one a line, without argparse's extra line naming their placeholder; usage in Chinese."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(choice) for choice in action._get_subactions())
        return super()._format_action(action)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line in the style of every other error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False  # ours below, said in Chinese
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"错误：{self.prog}：命令行参数有误：{translate(message)}（用 {self.prog} --help 查看用法）\n")


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,6}", text) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{what}应为 {low}–{high} 之间的整数，实际为 {text!r}")
        return int(text)

    return parse


def _year(text: str) -> int:
    """A whole number; its range is checked where the data is (catalog.check_year)."""
    if not re.fullmatch(r"[0-9]{1,6}", text):
        raise argparse.ArgumentTypeError(f"年度应为整数，如 2021，实际为 {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gongkai", description="政府信息公开工作年度报告：记录 → 校验 → 报告")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈")
    sub = parser.add_subparsers(
        dest="command", required=True, title="命令（gongkai 命令 --help 查看各命令的参数）", metavar="命令"
    )

    p = sub.add_parser("render", help="生成报告（HTML 与 PDF）：一个乡镇一年，或 --all / --params 批量")
    p.add_argument(
        "township",
        nargs="?",
        help="乡镇（街道）：中文名或拼音标识，如 胡集乡；或记录文件，如 data/minquan/hujixiang/2024.yaml",
    )
    p.add_argument("year", nargs="?", type=_year, help="报告年度，如 2021")
    p.add_argument("--all", action="store_true", help="生成数据目录下的全部记录")
    p.add_argument("--params", action="append", metavar="FILE", help="生成参数文件（params/*.yaml）列出的报告")
    p.add_argument("--year", dest="only_year", type=_year, help="与 --all 一起：只生成这一年")
    p.add_argument("--county", help="县（区）：乡镇名在多个县重复时必填；与 --all 一起：只生成这个县")
    p.add_argument("--data", help=DATA_HELP)
    p.add_argument("--out", help="输出目录（默认为数据目录旁的 output，给出 --data 时为当前文件夹下的 output）")
    p.add_argument("--jobs", type=_whole(1, 256, "进程数"), default=2, help="并行的工作进程数（默认 2）")
    p.add_argument("--force", action="store_true", help="全部重新生成，不管是否有变化")
    p.add_argument("--only-failed", action="store_true", help="只重新生成上次失败的报告")
    p.add_argument(
        "--formats",
        default="html,pdf,docx",
        help="要生成的成品，逗号分隔：html,pdf,docx,review-pdf（默认 html,pdf,docx；审阅版 HTML 总会生成）",
    )
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF（等于从 --formats 中去掉 pdf 和 review-pdf）")
    p.add_argument("--strict", action="store_true", help="未通过校验（有错误）时不生成报告")
    p.add_argument(
        "--docx-template",
        metavar="PATH",
        help="Word 模板（.docx/.dotx）：报告采用其样式（标题、标题 1、标题 2、正文）；默认按 GB/T 9704 公文格式",
    )
    p.add_argument("--executor", choices=["local", "dask"], default="local", help="在本机进程池或 Dask 集群上运行")
    p.add_argument("--scheduler", help="Dask 调度器地址 tcp://HOST:PORT（默认启动本机 LocalCluster）")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.set_defaults(func=rendering.render)

    c = sub.add_parser("check", help="校验记录的勾稽关系与正文（R1–R6 错误，W1–W10 警告）")
    c.add_argument("township", nargs="?", help="乡镇（街道）：中文名或拼音标识；或记录文件（…/<乡镇>/<年>.yaml）")
    c.add_argument("year", nargs="?", type=_year, help="报告年度")
    c.add_argument("--all", action="store_true", help="校验数据目录下的全部记录")
    c.add_argument("--year", dest="only_year", type=_year, help="与 --all 一起：只校验这一年")
    c.add_argument("--county", help="县（区）：中文名或拼音标识")
    c.add_argument("--data", help=DATA_HELP)
    c.add_argument("--json", action="store_true", help="输出机器可读的 JSON")
    c.add_argument(
        "--gx",
        action="store_true",
        help="用 great-expectations 校验（与 render 相同；启动约需 6 秒）。默认直接按同一校验套件求值，结果相同",
    )
    c.add_argument(
        "--jobs",
        type=_whole(1, 256, "进程数"),
        help="与 --all 一起：并行校验的进程数（默认 2，单核时 1；不超过 200 份记录时只用本进程）",
    )
    c.add_argument("--batch", type=_whole(1, 100000, "每批记录数"), help=argparse.SUPPRESS)  # tests: many batches
    c.set_defaults(func=checking.check)

    v = sub.add_parser("preview", help="预览一份报告：保存记录后页面自动刷新（本机 127.0.0.1）")
    v.add_argument("township", help="乡镇（街道）：中文名或拼音标识")
    v.add_argument("year", type=_year, help="报告年度")
    v.add_argument("--county", help="县（区）：乡镇名在多个县重复时必填")
    v.add_argument("--data", help=DATA_HELP)
    v.add_argument("--port", type=_whole(0, 65535, "端口"), default=8000, help="端口（默认 8000；0 为任选空闲端口）")
    v.set_defaults(func=rendering.preview)
    n = sub.add_parser(
        "notebook", help="写出一份设好参数的报告笔记本工作副本，在 JupyterLab 中打开（不改动随包的笔记本）"
    )
    n.add_argument("township", help="乡镇（街道）：中文名或拼音标识；或记录文件（…/<乡镇>/<年>.yaml）")
    n.add_argument("year", nargs="?", type=_year, help="报告年度")
    n.add_argument("--county", help="县（区）：乡镇名在多个县重复时必填")
    n.add_argument("--data", help=DATA_HELP)
    n.add_argument("--out", help="输出目录（默认为数据目录旁的 output）；副本写在其中的 notebooks/ 里")
    n.add_argument("--force", action="store_true", help="覆盖已有的工作副本（其中的修改会丢失）")
    n.set_defaults(func=notebook.notebook)
    r = sub.add_parser("review", help="审阅者对一条发现作出决定（确认无误或待修正），写在记录旁的 <年>.review.yaml")
    r.add_argument("township", help="乡镇（街道）：中文名或拼音标识")
    r.add_argument("year", type=_year, help="报告年度")
    r.add_argument(
        "key", help="发现的标识（gongkai check 每行末尾［…］中的，如 W3:overview:0）或规则号（如 W3：该规则的全部发现）"
    )
    how = r.add_mutually_exclusive_group(required=True)
    how.add_argument("--accept", action="store_true", help="确认无误：仍然显示，标为「已确认」并附理由")
    how.add_argument("--fix", action="store_true", help="待修正")
    r.add_argument("--allow", action="store_true", help="与 --accept 一起：允许照此发布有错误的报告（每页注明）")
    r.add_argument("--reason", required=True, help="理由（写进审阅文件，显示在报告附录中）")
    r.add_argument("--who", help="审阅者（默认取环境变量 USER）")
    r.add_argument("--date", help="日期 YYYY-MM-DD（默认今天，UTC）")
    r.add_argument("--county", help="县（区）：中文名或拼音标识")
    r.add_argument("--data", help=DATA_HELP)
    r.set_defaults(func=checking.review)

    a = sub.add_parser("audit", help="核查文件夹中全部已发布的报告：逐份导入、校验，写出 output/audit/")
    a.add_argument("folders", nargs="+", metavar="FOLDER", help="存放已发布报告（文本、网页、工作簿……）的文件夹")
    a.add_argument("--out", default="output", help="输出目录（默认 output，结果在 output/audit/）")
    a.add_argument("--jobs", type=_whole(1, 256, "进程数"), default=2, help="并行导入的进程数（默认 2）")
    a.add_argument(
        "--decisions",
        metavar="DATA",
        help="记录所在目录（如 data）：同一乡镇、年度的记录旁若有审阅决定（<年>.review.yaml），也用于核查"
        "（报告文件旁的同名 .review.yaml 总会采用）",
    )
    a.add_argument("--year", type=_whole(1990, 2100, "年度"), help="文档中读不出年度时用的年度")
    a.add_argument(
        "--name-pattern",
        metavar="REGEX",
        help="从文件名读出机关和年度的正则表达式，含 (?P<body>…)、(?P<year>…)，如 '(?P<body>.+?)(?P<year>\\d{4})'",
    )
    a.add_argument("--profile", default="默认", help="校验设置：默认，或 考核（与上年相同的文字超过 50%% 即提示）")
    a.add_argument(
        "--time-limit", type=_whole(1, 86400, "秒数"), help="每个文件最多读取的秒数，超过即停止并注明（默认 120）"
    )
    a.add_argument(
        "--memory-limit", type=_whole(100, 1_000_000, "MB"), help="每个读取进程最多使用的内存 MB（默认 4096）"
    )
    a.set_defaults(func=importing.audit)

    p = sub.add_parser("import", help="把已发布的报告（PDF、Word、网页、文本）或填好的工作簿（.xlsx）导入为记录")
    p.add_argument("file", nargs="+", help="报告文件或文件夹：.pdf、.docx/.doc、.html、.txt/.md 或 .xlsx 工作簿")
    p.add_argument("--out-dir", help="批量导入时记录的输出目录（如 data/minquan），每个文件一行结果并汇总")
    p.add_argument("-o", "--output", help="记录文件（默认 data/<县>/<乡镇>/<年度>.yaml，需要拼音标识）")
    p.add_argument("--county", help="县（区）：拼音标识（如 minquan，从 data/<县>/county.yaml 补全省、市）或中文名")
    p.add_argument("--township", help="乡镇（街道）：拼音标识或中文名，优先于文档中的名称")
    p.add_argument("--year", type=_year, help="报告年度，优先于文档标题中的年度")
    p.add_argument("--format", choices=tuple(FORMATS), help="表格格式，默认按表头和年度判断")
    p.add_argument("--data", help=DATA_HELP)
    p.add_argument("--force", action="store_true", help="覆盖已有的记录文件")
    p.add_argument(
        "--time-limit", type=_whole(1, 86400, "秒数"), help="每个文件最多读取的秒数，超过即停止并注明（默认 120）"
    )
    p.add_argument(
        "--memory-limit", type=_whole(100, 1_000_000, "MB"), help="每个读取进程最多使用的内存 MB（默认 4096）"
    )
    p.set_defaults(func=importing.import_files)

    p = sub.add_parser("template", help="生成乡镇填报用的 Excel 工作簿：由记录生成（乡镇 年度），或空白的（--year）")
    p.add_argument("township", nargs="?", help="乡镇（街道）：由它的记录生成工作簿（数字和文字已填入）")
    p.add_argument("year_pos", nargs="?", type=_year, metavar="year", help="报告年度")
    p.add_argument("--year", type=_year, help="空白工作簿的报告年度（决定格式，并预先填入）")
    p.add_argument("--format", choices=tuple(FORMATS), help="空白工作簿的表格格式，默认按年度（无年度时为 2021）")
    p.add_argument("--county", help="县（区）：乡镇名在多个县重复时必填")
    p.add_argument("--data", help=DATA_HELP)
    p.add_argument("-o", "--output", help="工作簿文件（由记录生成时默认 <乡镇><年度>.xlsx，如 胡集乡2024.xlsx）")
    p.add_argument("--force", action="store_true", help="覆盖已有的文件")
    p.set_defaults(func=year.template)

    p = sub.add_parser(
        "new", help="由上年的记录生成新一年的记录（文字沿用为草稿，上年结转、现行有效件数沿用，其余为 0）"
    )
    p.add_argument("township", nargs="?", help="乡镇（街道）：中文名或拼音标识；用 --all 时省略")
    p.add_argument("year_pos", nargs="?", type=_year, metavar="year", help="新的报告年度，如 2024")
    p.add_argument("--all", action="store_true", help="县里（或数据目录下）每个有上年记录的乡镇")
    p.add_argument("--year", type=_year, help="新的报告年度（与 --all 一起用）")
    p.add_argument("--county", help="县（区）：中文名或拼音标识")
    p.add_argument("--data", help=DATA_HELP)
    p.add_argument("--force", action="store_true", help="覆盖已有的记录")
    p.set_defaults(func=year.new)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    sweep()  # the temporary folders of runs that were killed
    try:
        code: int = args.func(args)
        return code
    except GongkaiError as e:
        if args.debug:
            traceback.print_exc()
        print(f"错误：{shown(' '.join(str(e).splitlines()))}", file=sys.stderr)  # one line, always
        return e.exit_code
    except OSError as e:  # the disk, not the input: full, read-only, a file where a folder belongs …
        if args.debug:
            traceback.print_exc()
        print(f"错误：{os_problem(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


OS_PROBLEMS = {
    errno.ENOSPC: "磁盘已满：请腾出空间后重试（已完成的报告完整保留，未完成的没有写入）",
    errno.EDQUOT: "磁盘配额已用完：请腾出空间后重试",
    errno.EROFS: "所在文件系统是只读的：请换一个可写的输出位置（--out 或 -o）",
    errno.EACCES: "没有权限：请检查文件和文件夹的权限，或换一个位置",
    errno.EPERM: "没有权限：请检查文件和文件夹的权限，或换一个位置",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹：请换一个输出位置",
    errno.EISDIR: "这是一个文件夹，不是文件：请给出文件名",
    errno.EEXIST: "已存在同名的文件：请换一个位置",
}


def os_problem(e: OSError) -> str:
    """One line for an operating-system error: which file, what happened, what to do."""
    where = f"{e.filename}：" if e.filename else ""
    said = OS_PROBLEMS.get(e.errno or 0, f"系统错误（{e.strerror or type(e).__name__}）")
    return f"{where}{said}"


if __name__ == "__main__":
    sys.exit(main())
