"""The invented records' text: generic, clearly templated, carrying the record's own figures."""

from __future__ import annotations

import random
from collections.abc import Mapping

from gongkai.format import Node
from gongkai.records.record import CellKey, Value
from gongkai.synthetic.shape import (
    CARRIED_IN,
    CARRIED_OVER,
    IN_FORCE,
    ISSUED,
    LICENSING,
    NORMATIVE,
    OUTCOME_TOTAL,
    PENALTY,
    RECEIVED,
    REPEALED,
    T2,
    T3,
    TOTAL,
    whole,
)  # fmt: skip

PROBLEMS = (
    "政务公开专业力量不足，工作人员多为兼职，业务能力有待提高。改进措施：加强业务培训，明确专人负责。",
    "主动公开的内容不够全面，部分信息更新不够及时。改进措施：对照标准目录逐项梳理，做到应公开尽公开。",
    "公开形式较为单一，{place}公开栏的作用发挥不够。改进措施：用好微信群、公开栏等渠道，方便群众查阅。",
    "政策解读和回应关切不够深入。改进措施：围绕群众关心的热点问题，及时发布通俗易懂的解读。",
    "依申请公开办理的规范化程度有待提高。改进措施：完善登记、审核、答复流程，严格按期答复。",
    "对公开工作的监督考核不够有力。改进措施：把政务公开纳入年度考核，定期检查通报。",
)
MANAGEMENT = (
    "严格执行信息发布审核制度，做到先审后发，全年未发生泄密和不当公开的情况。",
    "对照基层政务公开标准目录梳理公开事项，及时更新、动态调整。",
)
PLATFORM = (
    "以{county}人民政府网站为主要平台，辅以{place}务公开栏和微信群，方便群众查询。",
    "在便民服务中心设置政务公开专区，提供信息查询和申请服务；{place}务公开栏按季度更新。",
)


def narrative(rng: random.Random, cells: Mapping[CellKey, Value], body: str, county: str, level: str) -> dict[str, str]:
    """Generic, clearly templated text carrying the record's own figures."""
    place = "社区" if level == "街道" else "村"

    def v(table_id: str, row: Node, column: Node = TOTAL) -> Value:
        return cells[(table_id, row.id, column.id)]

    (decisions,) = T2.columns_of(LICENSING.id)
    r, ci, done, co = (v(T3.id, row) for row in (RECEIVED, CARRIED_IN, OUTCOME_TOTAL, CARRIED_OVER))
    applications = (
        "本年度未收到政府信息公开申请，也没有上年结转的申请。"
        if whole(r) + whole(ci) == 0
        else f"本年度新收政府信息公开申请{r}件，上年结转{ci}件；办结{done}件，结转下年度继续办理{co}件。"
        "所有申请均在法定期限内答复。"
    )
    overview = [
        "### 1、主动公开政府信息情况",
        f"{body}坚持以公开为常态、不公开为例外，通过{county}人民政府网站、政务公开栏和{place}务公开栏"
        f"主动公开政府信息。本年度制发行政规范性文件{v(T2.id, NORMATIVE, ISSUED)}件，"
        f"废止{v(T2.id, NORMATIVE, REPEALED)}件，现行有效{v(T2.id, NORMATIVE, IN_FORCE)}件；"
        f"作出行政许可决定{v(T2.id, LICENSING, decisions)}件、行政处罚决定{v(T2.id, PENALTY, decisions)}件。",
        "### 2、依申请公开政府信息办理情况",
        applications,
        "### 3、政府信息管理情况",
        rng.choice(MANAGEMENT),
        "### 4、政府信息公开平台建设情况",
        rng.choice(PLATFORM).format(county=county, place=place),
        "### 5、监督保障情况",
        "明确分管领导和专人负责政务公开工作，组织业务培训，把政务公开纳入年度考核。",
    ]
    problems = [f"{i}. {text.format(place=place)}" for i, text in enumerate(rng.sample(PROBLEMS, rng.randint(2, 3)), 1)]
    other = rng.choice(("本年度未收取信息处理费。", "本年度未收取信息处理费，无其他需要报告的事项。"))
    return {
        "overview": "\n\n".join(overview) + "\n",
        "problems": "\n".join(problems) + "\n",
        "other": other + "\n",
    }
