"""Hand-written questions with hand-checked answers, over the seeds and the corpus.

("numbers", [n, ...]): each number must be stated, and be a cited figure or a computed value;
("quote", (file, section)): a verbatim quotation from that report's section must be cited;
("none", None): the index has no answer, which must be said, with no figure cited.
Values were read from the source documents (see tests/test_seed_figures.py and the corpus tests).
"""

import re


QA = [
    ("定海区2021年新收申请多少件", "numbers", [31]),
    ("定海区2021年结转下年度继续办理多少件", "numbers", [3]),
    ("定海区行政许可决定数量是多少", "numbers", [12371]),
    ("定海区2021年行政处罚决定多少件", "numbers", [15679]),
    ("定海区现行有效规范性文件多少件", "numbers", [200]),
    ("定海区2021年不予公开多少件", "numbers", [4]),
    ("越城区2021年行政复议多少件", "numbers", [3]),
    ("越城区行政诉讼多少件", "numbers", [3]),
    ("越城区2021年予以公开多少件", "numbers", [14]),
    ("越城区2021年无法提供多少件", "numbers", [11]),
    ("鄞州区2020年新收申请多少件", "numbers", [48]),
    ("鄞州区2020年行政复议多少件", "numbers", [4]),
    ("奉化区政务办2021年收到多少件申请", "numbers", [0]),
    ("环南街道2021年制发规范性文件多少件", "numbers", [2]),
    ("平潭综合实验区2021年新收申请多少件", "numbers", [70]),
    ("平潭综合实验区2022年新收申请比2021年增加多少", "numbers", [70, 74, 4]),
    ("平潭综合实验区2021年行政复议多少件", "numbers", [3]),
    ("平潭综合实验区2021年行政许可多少件", "numbers", [2293]),
    ("管委会办公室2025年现行有效规范性文件多少件", "numbers", [253]),
    ("自然资源与生态环境局2024年新收申请多少件", "numbers", [69]),
    ("交通与建设局2025年行政复议多少件", "numbers", [9]),
    ("淮安市2024年新收申请多少件", "numbers", [3119]),
    ("淮安市2024年行政复议被纠正多少件", "numbers", [64]),
    ("淮安市2024年结转下年度多少件", "numbers", [103]),
    ("淮安市2024年行政事业性收费多少万元", "numbers", [96171.6]),
    ("淮安市2024年上年结转多少件", "numbers", [34]),
    ("淮安市2024年自然人申请多少件", "numbers", [3001]),
    ("洪泽区2024年行政处罚决定多少", "numbers", [2776]),
    ("洪泽区2023年和2024年新收申请比较", "numbers", [21, 95, 74]),
    ("2023年哪些单位行政复议不为零", "numbers", [2]),
    ("2024年哪些单位行政诉讼败诉不为零", "numbers", [5, 2]),
    ("2021年新收申请最多的前3个单位", "numbers", [70, 36, 31]),
    ("平潭各单位2023年新收申请合计", "numbers", [108, 81, 21]),
    ("2024年淮安各单位行政复议合计", "numbers", [353, 351, 2]),
    ("经济发展局2023年年报有什么问题", "numbers", [3]),
    ("洪泽区2023年年报有什么问题", "numbers", [11, 5]),
    ("管委会办公室2025年年报有什么问题", "numbers", [34, 32]),
    ("越城区存在哪些主要问题", "quote", ("001_9b265bb38da02cc5.txt", "五")),
    ("定海区存在哪些主要问题", "quote", ("000_ac79e17d4ed72742.txt", "五")),
    ("平潭综合实验区2025年存在哪些主要问题", "quote", ("pingtan_2025.txt", "五")),
    ("财政金融局2023年存在的主要问题", "quote", ("pingtan_caizhengjinrongju_2023.txt", "五")),
    ("淮安市2024年收取信息处理费情况", "quote", ("huaian_2024.pdf", "六")),
    ("哪些单位提到临期答复", "quote", ("pingtan_jiaotongjiansheju_2025.txt", "五")),
    ("哪些单位提到政务新媒体", "quote", ("004_1289612543b54ddb.txt", "一")),
    ("定海区2019年新收申请多少件", "none", None),
    ("火星区2021年新收申请多少件", "none", None),
]


def grade(answer, kind: str, expected) -> bool:
    """Whether a verified answer states what the hand check expects."""
    if not answer.verified:
        return False
    if kind == "none":
        says_so = "没有" in answer.answer or "请说明" in answer.answer
        return says_so and not any(c["kind"] == "figure" for c in answer.citations)
    if kind == "quote":
        name, section = expected
        return any(c["kind"] == "quote" and c["report"].endswith(name) and c["section"] == section
                   for c in answer.citations)
    stated = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", answer.answer)}
    backed = {float(c["value"]) for c in answer.citations if c["kind"] == "figure"}
    backed |= {float(v) for d in answer.derived for v in d["values"]}
    return all(float(n) in stated and float(n) in backed for n in expected)
