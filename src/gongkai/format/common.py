"""What the 2021 format and the older 2019–2020 format share."""

from __future__ import annotations

from gongkai.format.model import Node, Part, Table

PARTS = (
    Part("一", "总体情况", narrative="overview"),
    Part("二", "主动公开政府信息情况", table="table2"),
    Part("三", "收到和处理政府信息公开申请情况", table="table3"),
    Part(
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        table="table4",
        variants=("政府信息公开行政复议、诉讼情况", "因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
    ),
    Part(
        "五",
        "存在的主要问题及改进情况",
        narrative="problems",
        variants=("政府信息公开工作存在的主要问题及改进情况",),  # as 2019–2020 reports title it
    ),
    Part("六", "其他需要报告的事项", narrative="other"),
)

APPLICANTS = (
    Node("natural_person", "自然人"),
    Node(
        "organisation",
        "法人或其他组织",
        children=(
            Node("commercial", "商业企业"),
            Node("research", "科研机构"),
            Node("public_interest", "社会公益组织"),
            Node("legal_service", "法律服务机构"),
            Node("other_org", "其他"),
        ),
    ),
    Node("total", "总计"),
)

REFUSED = Node(
    "refused",
    "不予公开",
    "（三）",
    children=(
        Node("refused_secret", "属于国家秘密", "1."),
        Node("refused_by_law", "其他法律行政法规禁止公开", "2.", variants=("其他法律法规禁止公开",)),
        Node(
            "refused_security",
            "危及“三安全一稳定”",
            "3.",
            variants=('危及"三安全一稳定"', "危及三安全一稳定"),
        ),
        Node("refused_third_party", "保护第三方合法权益", "4."),
        Node("refused_internal", "属于三类内部事务信息", "5."),
        Node("refused_process", "属于四类过程性信息", "6."),
        Node("refused_enforcement_file", "属于行政执法案卷", "7."),
        Node("refused_inquiry", "属于行政查询事项", "8."),
    ),
)

UNAVAILABLE = Node(
    "unavailable",
    "无法提供",
    "（四）",
    children=(
        Node("unavailable_not_held", "本机关不掌握相关政府信息", "1."),
        Node("unavailable_needs_making", "没有现成信息需要另行制作", "2."),
        Node("unavailable_unclear", "补正后申请内容仍不明确", "3."),
    ),
)

NOT_PROCESSED = Node(
    "not_processed",
    "不予处理",
    "（五）",
    children=(
        Node("np_petition", "信访举报投诉类申请", "1."),
        Node("np_repeated", "重复申请", "2."),
        Node("np_publication", "要求提供公开出版物", "3."),
        Node("np_mass", "无正当理由大量反复申请", "4."),
        Node("np_confirm", "要求行政机关确认或重新出具已获取信息", "5."),
    ),
)


def applications_table(other_handling: Node) -> Table:
    """Table 三; the formats differ only in （六）其他处理."""
    return Table(
        id="table3",
        number="三",
        title="收到和处理政府信息公开申请情况",
        corner="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        header="申请人情况",
        columns=APPLICANTS,
        rows=(
            Node("received", "本年新收政府信息公开申请数量", "一、"),
            Node("carried_in", "上年结转政府信息公开申请数量", "二、"),
            Node(
                "outcome",
                "本年度办理结果",
                "三、",
                children=(
                    Node("granted", "予以公开", "（一）"),
                    Node(
                        "partly_granted",
                        "部分公开（区分处理的，只计这一情形，不计其他情形）",
                        "（二）",
                        variants=("部分公开",),
                    ),
                    REFUSED,
                    UNAVAILABLE,
                    NOT_PROCESSED,
                    other_handling,
                    Node("outcome_total", "总计", "（七）"),
                ),
            ),
            Node("carried_over", "结转下年度继续办理", "四、"),
        ),
    )


OUTCOMES = (
    Node("upheld", "结果维持"),
    Node("corrected", "结果纠正"),
    Node("other", "其他结果"),
    Node("pending", "尚未审结"),
    Node("total", "总计"),
)

REVIEWS_AND_LAWSUITS = Table(
    id="table4",
    number="四",
    title="政府信息公开行政复议、行政诉讼情况",
    transposed=True,
    rows=(
        Node("review", "行政复议"),
        Node(
            "litigation",
            "行政诉讼",
            children=(
                Node("litigation_direct", "未经复议直接起诉"),
                Node("litigation_after_review", "复议后起诉"),
            ),
        ),
    ),
    columns=OUTCOMES,
)

# The report's title, as the published heading ends: 《胡集乡人民政府2021年政府信息公开工作年度报告》.
TITLE = Node("title", "政府信息公开工作年度报告", variants=("政府信息公开年度报告",))

# What a body's name ends with after the township's name: 胡集乡人民政府, 城关街道办事处, 北关镇政府.
BODY_SUFFIXES = ("人民政府", "办事处", "政府")

# The record's header fields as a person labels them (the Excel template's 封面 sheet).
FIELDS = (
    Node("format", "格式"),
    Node("year", "报告年度", variants=("年度",)),
    Node("body", "机关名称", variants=("发布机关", "单位名称")),
    Node("province", "省", variants=("省份", "省（自治区、直辖市）")),
    Node("city", "市", variants=("地级市", "市（州）")),
    Node("county", "县（区）", variants=("县", "县区", "县（市、区）")),
    Node("township", "乡镇（街道）", variants=("乡镇", "乡镇街道")),
    Node("level", "级别", variants=("乡镇级别",)),
)


# The figures a reader looks at first, by short name: the county summary's
# columns and the trend chart. Both formats have these cells.
KEY_FIGURES: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("新收申请", ("table3", "received", "total")),
    ("予以公开", ("table3", "granted", "total")),
    ("结转下年", ("table3", "carried_over", "total")),
    ("行政许可", ("table2", "licensing", "decisions")),
    ("行政处罚", ("table2", "penalty", "decisions")),
)
APPLICATION_FIGURES = KEY_FIGURES[:3]
DECISION_FIGURES = KEY_FIGURES[3:]
