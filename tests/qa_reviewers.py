"""Questions in reviewers' own wording (short forms, row × column phrasing, sums of two bodies,
year-over-year, ratios, rankings, zero-or-not), with hand-checked expectations.

Each entry: (question, numbers, keys, phrases).
- numbers: figures or computed values the answer must state and back; None when the index has no
  answer (then no figure may be cited and the answer must say it found nothing);
- keys: the only figure keys the answer may cite (its metric);
- phrases: words the answer must contain (the report it attributes to, 未找到…, 为零 …).
Values were read from the source documents: the seeds' tables (tests/test_seed_figures.py), the
huaian PDFs' tables as extracted (line by line), and the flattened digit runs of the Pingtan
reports (e.g. pingtan_2024 section 四 '21317000001324019' = 复议 2 1 3 1 7, 直接起诉 0 0 0 0 0,
复议后起诉 13 2 4 0 19).
"""

import re

NEW = {"requests.new.total"}
REVIEW = {"appeals.review.total"}
SUITS_CORRECTED = {"appeals.suit_direct.corrected", "appeals.suit_after_review.corrected"}
WITHHELD = {f"requests.withheld.{row}.total" for row in ("state_secret", "law_forbidden", "security_stability",
                                                         "third_party", "internal_affairs", "process_info",
                                                         "enforcement_file", "admin_query")}

REVIEWER_QA = [
    # single lookups, short forms and row × column phrasing
    ("定海区2021年收到的依申请公开申请有多少件", [31], NEW, ["定海区2021年度"]),
    ("越城区2021年自然人提了多少件申请", [36], {"requests.new.natural"}, ["越城区"]),
    ("越城区2021年商业企业申请的予以公开数是多少", [0], {"requests.granted.commercial"}, ["商业企业"]),
    ("越城区2021年本机关不掌握相关政府信息的有几件", [8], {"requests.unable.not_held.total"}, []),
    ("定海区2021年不予公开的申请中，属于三类内部事务信息的有几件", [1], {"requests.withheld.internal_affairs.total"}, []),
    ("定海区2021年信息不存在（本机关不掌握）的有多少", [9], {"requests.unable.not_held.total"}, []),
    ("鄞州区2020年规范性文件对外公开总数量是多少", [101], {"active.normative_doc.total_published"}, []),
    ("鄞州区2020年政府集中采购项目数量", [1], {"active.procurement.items"}, ["采购项目数量"]),
    ("越城区2021年行政诉讼复议后起诉的总数", [2], {"appeals.suit_after_review.total"}, ["复议后起诉"]),
    ("越城区2021年直接起诉的行政诉讼结果维持多少件", [0], {"appeals.suit_direct.upheld"}, ["直接起诉"]),
    ("越城区2021年行政诉讼有没有败诉", [0], SUITS_CORRECTED, ["为零"]),
    ("淮安市2024年复议后起诉的行政诉讼总计多少件", [20], {"appeals.suit_after_review.total"}, ["复议后起诉"]),
    ("淮安市2024年直接起诉的案件尚未审结的有多少", [1], {"appeals.suit_direct.pending"}, ["尚未审结"]),
    ("淮安市2024年行政复议维持了多少件", [72], {"appeals.review.upheld"}, []),
    ("淮安市2024年复议后起诉的案件有几件被纠正", [1], {"appeals.suit_after_review.corrected"}, []),
    ("淮安市2024年行政诉讼败诉几件", [5], SUITS_CORRECTED, []),
    ("淮安市2024年行政复议和行政诉讼被纠错的一共多少件", [69],
     {"appeals.review.corrected"} | SUITS_CORRECTED, []),
    ("淮安市2024年信息处理费方面，因逾期未缴费不再处理的申请有几件", [6], {"requests.other.overdue_fee.total"}, []),
    ("淮安市2024年逾期不补正的有几件", [71], {"requests.other.overdue_correction.total"}, []),
    ("淮安市2024年重复申请被不予处理的有几件", [25], {"requests.not_processed.duplicate.total"}, []),
    ("淮安市2024年信访举报投诉类申请不予处理多少件", [62], {"requests.not_processed.complaint.total"}, []),
    ("淮安市2024年不予公开一共多少件", [178], WITHHELD, []),
    ("淮安市2024年商业企业申请的予以公开数", [21], {"requests.granted.commercial"}, []),
    ("淮安市2024年法律服务机构提出了多少申请", [61], {"requests.new.legal"}, []),
    ("淮安市2024年本机关不掌握的有多少件", [769], {"requests.unable.not_held.total"}, []),
    ("淮安市2024年行政强制决定多少件", [88283], {"active.coercion.decisions"}, []),
    ("淮安市2024年现行有效的规范性文件有多少件", [66], {"active.normative_doc.in_force"}, []),
    ("淮安市2024年行政事业性收费金额是多少万元", [96171.6], {"active.admin_fee.amount_10k_yuan"}, ["万元"]),
    ("洪泽区2024年许可决定数量", [9487], {"active.licensing.decisions"}, ["淮安市洪泽区人民政府2024年度"]),
    ("平潭综合实验区2021年予以公开多少件", [30], {"requests.granted.total"}, []),
    ("平潭综合实验区2020年行政事业性收费上一年项目数量", [35], {"active.admin_fee.prev_items"}, []),
    ("平潭综合实验区2023年新收的申请里法律服务机构提出的有多少", [0], {"requests.new.legal"}, []),
    ("交通与建设局2025年行政复议被纠正的有多少件", [1], {"appeals.review.corrected"}, ["交通与建设局"]),
    ("管委会办公室2025年现行有效规范性文件多少件", [253], {"active.normative_doc.in_force"}, []),
    ("经济发展局2024年结转下年度继续办理的申请有几件", [0], {"requests.carried_forward.total"}, []),
    ("奉化区政务办2021年行政复议是否为零", [0], REVIEW, ["为零"]),
    ("环南街道2021年现行有效规范性文件多少件", [2], {"active.normative_doc.in_force"}, []),
    ("定海区2021年上年结转的申请有几件", [1], {"requests.carried_over.total"}, []),
    ("越城区2021年办理结果总计多少件", [38], {"requests.total.total"}, []),
    ("定海区2021年依申请公开数量", [31], NEW, []),
    ("越城区2021年申请人是企业的有几件", [0], {"requests.new.commercial"}, []),
    ("平潭综合实验区2024年复议后起诉败诉的有几件", [2], {"appeals.suit_after_review.corrected"}, []),
    ("淮安市2024年第三方合法权益不公开多少件", [6], {"requests.withheld.third_party.total"}, []),
    ("淮安市2024年过程性信息不予公开几件", [12], {"requests.withheld.process_info.total"}, []),
    ("淮安市2024年行政复议其他结果多少件", [178], {"appeals.review.other"}, []),
    ("淮安市2024年规范性文件废止多少件", [26], {"active.normative_doc.repealed"}, []),
    ("淮安市2024年规章制发多少件", [1], {"active.regulation.issued"}, []),
    ("平潭综合实验区2020年其他处理多少件", [4], {"requests.other.all.total"}, []),
    # compositions: ratios, two at once, sums, differences, year over year
    ("淮安市2024年部分公开占办理结果总计的比例是多少", [454, 3050, 14.9],
     {"requests.partly_granted.total", "requests.total.total"}, ["%"]),
    ("淮安市2024年新收申请中自然人占比多少", [3001, 3119, 96.2], {"requests.new.natural", "requests.new.total"}, ["%"]),
    ("淮安市2024年行政事业性收费比洪泽区2024年多多少", [96171.6, 7545, 88626.6], {"active.admin_fee.amount_10k_yuan"},
     ["少88626.6万元"]),
    ("淮安市2024年新收申请和上年结转合计", [3119, 34, 3153], {"requests.new.total", "requests.carried_over.total"}, []),
    ("淮安市2024年行政复议和行政诉讼一共多少件", [397], {f"appeals.{g}.total" for g in ("review", "suit_direct", "suit_after_review")},
     []),
    ("淮安市2024年复议维持率", [72, 351, 20.5], {"appeals.review.upheld", "appeals.review.total"}, ["%"]),
    ("淮安市2024年行政诉讼败诉率", [5, 46, 10.9],
     SUITS_CORRECTED | {"appeals.suit_direct.total", "appeals.suit_after_review.total"}, ["%"]),
    ("越城区和奉化区2021年新收申请谁多", [36, 0], NEW, ["奉化区政务办2021年度", "少36件"]),
    ("淮安市2024年无法提供的有多少件", [781], {f"requests.unable.{r}.total" for r in ("not_held", "needs_creation", "unclear")},
     []),
    ("淮安市2024年不予处理共几件", [88], {f"requests.not_processed.{r}.total" for r in
                                   ("complaint", "duplicate", "publication", "excessive", "reconfirm")}, []),
    ("淮安市2024年予以公开和部分公开分别是多少", [1362, 454], {"requests.granted.total", "requests.partly_granted.total"}, []),
    ("淮安市和洪泽区2024年新收申请一共多少件", [3214, 3119, 95], NEW, ["淮安市人民政府2024年度", "淮安市洪泽区人民政府2024年度"]),
    ("定海区和越城区2021年新收申请一共多少件", [67, 31, 36], NEW, ["定海区2021年度", "越城区人民政府办公室2021年度"]),
    ("定海区和越城区2021年行政复议比较", [0, 3], REVIEW, ["多3件"]),
    ("洪泽区2024年行政处罚决定比2023年增加了多少", [4119, 2776, 1343], {"active.punishment.decisions"}, ["减少"]),
    ("洪泽区2024年新收申请较上年变化", [21, 95, 74], NEW, ["增加"]),
    ("平潭2022年新收申请比2021年多了多少", [70, 74, 4], NEW, ["增加"]),
    ("管委会办公室2023年和2025年新收申请比较", [21, 32, 11], NEW, ["增加"]),
    ("平潭各单位2023年行政复议合计", [2], REVIEW, ["8份报告"]),
    ("平潭2021年各单位新收申请合计", [94, 70, 18, 5, 1], NEW, ["8份报告"]),
    # over the index, with the denominator
    ("2024年哪些单位行政复议不为零", [11, 5, 351, 7, 2, 1], REVIEW, ["共11份报告"]),
    ("2024年多少份报告行政复议不为零", [11, 5], REVIEW, ["共11份报告"]),
    ("2024年行政诉讼败诉的单位有哪些", [11, 2], SUITS_CORRECTED, ["共11份报告"]),
    ("2023年新收申请最多的单位是哪个", [81], NEW, ["平潭综合实验区2023年度报告 81件"]),
    ("2025年行政复议最多的前2个单位", [36, 10], REVIEW, ["平潭综合实验区市场监督管理局2025年度"]),
    # partly answerable: what is missing is said, nothing is summed from what is left
    ("定海区和Y区2021年新收申请一共多少件", [31], NEW, ["未找到Y区2021年度报告", "无法给出合计"]),
    ("财政金融局和公安局2024年新收申请一共多少", [8], NEW, ["未找到平潭综合实验区财政金融局2024年度报告"]),
    # no answer in the index
    ("火星区2021年新收申请多少件", None, set(), ["火星区"]),
    ("定海区2019年新收申请多少件", None, set(), ["2019"]),
    ("平潭综合实验区2030年新收申请多少件", None, set(), ["2030"]),
    ("教育局2023年行政复议多少件", None, set(), ["教育局"]),
    ("越城区2018年行政诉讼多少件", None, set(), ["2018"]),
    ("财政局2022年予以公开多少件", None, set(), ["财政局"]),
    ("淮安市2022年新收申请多少件", None, set(), ["2022"]),
    ("洪泽区2019年行政复议是否为零", None, set(), ["2019"]),
    ("苏平片区2024年新收申请多少件", None, set(), ["2024"]),
    ("鄞州区2020年行政复议被纠错的有几件", None, set(), ["空白"]),
    ("平潭综合实验区2019年政府集中采购总金额是多少", None, set(), ["采购总金额"]),
    ("平潭综合实验区2019年政府集中采购项目数量是多少", None, set(), ["采购项目数量"]),
    ("平潭综合实验区2019年行政许可处理决定数量", None, set(), ["无法确定"]),
    ("淮安市2024年政府集中采购多少", None, set(), ["没有这一栏"]),
]

_SAYS_NOTHING_FOUND = re.compile(r"未找到|没有|无法")


def grade_reviewer(answer, numbers, keys, phrases) -> bool:
    """Verified, states and backs every expected number, cites only figures of the asked keys, and
    says what it was expected to say; a question without answer cites no figure and says so."""
    if not answer.verified or not all(phrase in answer.answer for phrase in phrases):
        return False
    figures = [c for c in answer.citations if c["kind"] == "figure"]
    if numbers is None:
        return not figures and bool(_SAYS_NOTHING_FOUND.search(answer.answer))
    stated = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", answer.answer)}
    backed = {float(c["value"]) for c in figures} | {float(v) for d in answer.derived for v in d["values"]}
    return all(float(n) in stated and float(n) in backed for n in numbers) and all(c["key"] in keys for c in figures)
