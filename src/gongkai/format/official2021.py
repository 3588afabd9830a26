"""国办公开办函〔2021〕30号: the format for reports on 2021 and later."""

from __future__ import annotations

from gongkai.format.common import PARTS, REVIEWS_AND_LAWSUITS, applications_table
from gongkai.format.model import Block, Format, Kind, Node, Table

DECISIONS = (Node("decisions", "本年处理决定数量"),)

PROACTIVE = Table(
    id="table2",
    number="二",
    title="主动公开政府信息情况",
    blocks=(
        Block(
            "第二十条第（一）项",
            rows=(
                Node("regulations", "规章"),
                Node("normative_docs", "行政规范性文件", variants=("规范性文件",)),
            ),
            columns=(
                Node("issued", "本年制发件数", variants=("本年新制发件数",)),
                Node("repealed", "本年废止件数"),
                Node("in_force", "现行有效件数", variants=("现行有效件",)),
            ),
        ),
        Block("第二十条第（五）项", rows=(Node("licensing", "行政许可"),), columns=DECISIONS),
        Block(
            "第二十条第（六）项",
            rows=(Node("penalty", "行政处罚"), Node("coercion", "行政强制")),
            columns=DECISIONS,
        ),
        Block(
            "第二十条第（八）项",
            rows=(Node("fees", "行政事业性收费"),),
            columns=(
                Node(
                    "amount",
                    "本年收费金额（单位：万元）",
                    variants=("本年收费金额（单位：万元，保留4位小数）", "本年收费金额"),
                    kind=Kind.AMOUNT,
                ),
            ),
        ),
    ),
)

OTHER_HANDLING = Node(
    "other_handling",
    "其他处理",
    "（六）",
    children=(
        Node(
            "other_no_correction",
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "1.",
        ),
        Node(
            "other_unpaid",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "2.",
        ),
        Node("other_misc", "其他", "3."),
    ),
)

FORMAT_2021 = Format(
    id="2021",
    name="国办公开办函〔2021〕30号",
    years=(2021, 2100),
    parts=PARTS,
    tables=(PROACTIVE, applications_table(OTHER_HANDLING), REVIEWS_AND_LAWSUITS),
)
