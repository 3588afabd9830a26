"""The older format, used for reports on 2019 and 2020."""

from __future__ import annotations

from gongkai.format.common import PARTS, REVIEWS_AND_LAWSUITS, applications_table
from gongkai.format.model import Block, Format, Kind, Node, Table

PROJECTS = (
    Node("prior_items", "上一年项目数量"),
    Node("change", "本年增/减", variants=("本年增减",), kind=Kind.CHANGE),
)
PROJECTS_AND_DECISIONS = (*PROJECTS, Node("decisions", "处理决定数量"))

PROACTIVE = Table(
    id="table2",
    number="二",
    title="主动公开政府信息情况",
    blocks=(
        Block(
            "第二十条第（一）项",
            rows=(Node("regulations", "规章"), Node("normative_docs", "规范性文件")),
            columns=(
                Node("made", "本年新制作数量"),
                Node("published", "本年新公开数量"),
                Node("total_public", "对外公开总数量"),
            ),
        ),
        Block(
            "第二十条第（五）项",
            rows=(Node("licensing", "行政许可"), Node("other_services", "其他对外管理服务事项")),
            columns=PROJECTS_AND_DECISIONS,
        ),
        Block(
            "第二十条第（六）项",
            rows=(Node("penalty", "行政处罚"), Node("coercion", "行政强制")),
            columns=PROJECTS_AND_DECISIONS,
        ),
        Block("第二十条第（八）项", rows=(Node("fees", "行政事业性收费"),), columns=PROJECTS),
        Block(
            "第二十条第（九）项",
            rows=(Node("procurement", "政府集中采购"),),
            columns=(
                Node("items", "采购项目数量"),
                Node("amount", "采购总金额", variants=("采购总金额（万元）",), kind=Kind.AMOUNT),
            ),
        ),
    ),
)

FORMAT_2019 = Format(
    id="2019",
    name="国办公开办函〔2019〕60号",
    years=(2019, 2020),
    parts=PARTS,
    tables=(
        PROACTIVE,
        applications_table(Node("other_handling", "其他处理", "（六）")),
        REVIEWS_AND_LAWSUITS,
    ),
)
