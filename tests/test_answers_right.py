"""Answers that are right, not only verified: every key of both templates is askable, compositions
name what they add and what is missing, and an answer about another body, year or metric is never
marked verified (offline or from a model)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from pydantic import SecretStr

from assistant import catalogue
from assistant.answer import Assistant
from assistant.answer.agreement import disagreements, honest_answer
from assistant.answer.evidence import Evidence, finalize
from assistant.answer.metrics import find_metrics, spoken_label
from assistant.config import Settings
from assistant.retrieve import Retriever
from qa_generated import generated_questions, grade_generated, reviewer_label
from qa_reviewers import REVIEWER_QA, grade_reviewer
from scripted_openai import ScriptedOpenAI, text, tool_calls

TODAY = date(2026, 11, 22)


def assistant_for(ingestor, **settings) -> Assistant:
    return Assistant(ingestor.db, Retriever(ingestor.db, ingestor.vectors), Settings(**settings), today=TODAY)


def llm_assistant(ingestor, endpoint) -> Assistant:
    return assistant_for(ingestor, llm_model="scripted-model", openai_base_url=endpoint.base_url,
                         openai_api_key=SecretStr("sk-test"))


def test_every_key_of_both_templates_is_askable_by_its_labels():
    for template in ("2021", "2019"):
        keys = catalogue.template_keys(template)
        assert len(keys) == (200 if template == "2021" else 198)
        for key in keys:
            for label in (catalogue.key_label(key), spoken_label(key), reviewer_label(key)):
                assert [m.keys_for(template) for m in find_metrics(label)] == [(key,)], (template, key, label)


def test_short_forms_resolve_to_the_most_specific_key():
    expected = {
        "复议后起诉的行政诉讼总计": ("appeals.suit_after_review.total",),
        "直接起诉的尚未审结": ("appeals.suit_direct.pending",),
        "行政诉讼败诉": ("appeals.suit_direct.corrected", "appeals.suit_after_review.corrected"),
        "不予公开中属于国家秘密的": ("requests.withheld.state_secret.total",),
        "本机关不掌握": ("requests.unable.not_held.total",),
        "商业企业申请的予以公开数": ("requests.granted.commercial",),
        "自然人申请": ("requests.new.natural",),
        "逾期未缴纳信息处理费": ("requests.other.overdue_fee.total",),
        "许可决定": ("active.licensing.decisions",),
    }
    for phrase, keys in expected.items():
        assert [m.keys_for("2021") for m in find_metrics(phrase)] == [keys], phrase
    procurement = find_metrics("政府集中采购总金额")
    assert [m.keys_for("2019") for m in procurement] == [("active.procurement.amount_10k_yuan",)]
    assert procurement[0].keys_for("2021") == ()
    assert find_metrics("收取信息处理费情况") == []


def test_generated_question_set(indexed):
    ingestor, _ = indexed
    assistant = assistant_for(ingestor)
    questions = generated_questions(ingestor.db)
    families = Counter(q.family for q in questions)
    assert len(questions) >= 1000 and set(families) == {"lookup", "sum", "year_over_year", "rank", "zero"}
    asked = {key for q in questions if q.family == "lookup" for key in q.keys}
    assert asked == set(catalogue.template_keys("2021")) | set(catalogue.template_keys("2019"))
    failed = [(q.family, q.text, answer.answer, answer.verified)
              for q in questions for answer in [assistant.ask(q.text)] if not grade_generated(answer, q)]
    assert failed == []


def test_reviewer_questions(indexed):
    ingestor, _ = indexed
    assistant = assistant_for(ingestor)
    assert len(REVIEWER_QA) >= 60 and sum(numbers is None for _, numbers, _, _ in REVIEWER_QA) >= 10
    results = [(question, assistant.ask(question), numbers, keys, phrases)
               for question, numbers, keys, phrases in REVIEWER_QA]
    failed = [(q, a.answer) for q, a, numbers, keys, phrases in results if not grade_reviewer(a, numbers, keys, phrases)]
    wrong_but_verified = [q for q, a, numbers, keys, phrases in results
                          if a.verified and not grade_reviewer(a, numbers, keys, phrases)]
    assert wrong_but_verified == []
    assert len(failed) <= len(REVIEWER_QA) * 0.05, failed


def _answer_to(assistant, asked: str, composed_for: str):
    """The offline answer to one question, checked against another."""
    evidence = Evidence()
    final = finalize(assistant.offline.compose(assistant.understand(composed_for), evidence), evidence)
    return assistant.understand(asked), final


def test_an_answer_about_another_body_year_or_metric_disagrees(indexed):
    ingestor, _ = indexed
    assistant = assistant_for(ingestor)
    cases = {
        "越城区2021年新收申请多少件": "定海区2021年新收申请多少件",
        "平潭综合实验区2022年新收申请多少件": "平潭综合实验区2021年新收申请多少件",
        "淮安市2024年行政复议多少件": "淮安市2024年行政复议被纠正多少件",
        "定海区和越城区2021年新收申请一共多少件": "越城区2021年新收申请一共多少件",
        "淮安市2024年复议后起诉的行政诉讼总计多少件": "淮安市2024年行政复议多少件",
    }
    for asked, composed_for in cases.items():
        question, final = _answer_to(assistant, asked, composed_for)
        problems = disagreements(question, final, ingestor.db)
        assert problems, asked
        honest = honest_answer(question, final, problems, ingestor.db)
        assert honest.answer.startswith("无法回答") and disagreements(question, honest, ingestor.db) == []
    question, final = _answer_to(assistant, "定海区2021年新收申请多少件", "定海区2021年新收申请多少件")
    assert disagreements(question, final, ingestor.db) == []


def test_a_not_found_answer_must_name_the_reports_of_what_it_shows(indexed):
    ingestor, _ = indexed
    assistant = assistant_for(ingestor)
    evidence = Evidence()
    assistant.offline.compose(assistant.understand("定海区2021年新收申请多少件"), evidence)
    asked = assistant.understand("越城区2021年新收申请多少件")
    assert disagreements(asked, finalize("无法回答。31件[F1]", evidence), ingestor.db)
    assert disagreements(asked, finalize("无法回答。附近找到：越城区2021年度31件[F1]", evidence), ingestor.db)
    assert disagreements(asked, finalize("无法回答。附近找到：定海区2021年度报告 31件[F1]", evidence), ingestor.db) == []


def test_missing_bodies_and_years_are_said_never_dropped(indexed):
    ingestor, _ = indexed
    assistant = assistant_for(ingestor)
    answer = assistant.ask("定海区和Y区2021年新收申请一共多少件")
    assert answer.verified and "未找到Y区2021年度报告" in answer.answer and "合计" not in answer.answer.split("。")[1]
    answer = assistant.ask("平潭综合实验区2019年和2030年新收申请比较")
    assert answer.verified and "未找到平潭综合实验区2030年度报告" in answer.answer and "无法比较" in answer.answer


DINGHAI = ("lookup_figures", {"body": "定海", "years": [2021], "metrics": ["requests_new"]})
YUECHENG = ("lookup_figures", {"body": "越城", "years": [2021], "metrics": ["requests_new"]})
PINGTAN_2021 = ("lookup_figures", {"body": "平潭综合实验区", "years": [2021], "metrics": ["requests_new"]})
HUAIAN_CORRECTED = ("lookup_figures", {"body": "淮安市", "years": [2024], "metrics": ["review_corrected"]})

# (question, tool calls, the model's answer and its repair, why it fails, what the offline answer says)
MISATTRIBUTED = [
    ("越城区2021年新收申请多少件", [DINGHAI], ["越城区2021年度新收申请31件[F1]。", "越城区新收申请31件[F1]。"],
     "越城区", "越城区人民政府办公室2021年度报告中，本年新收政府信息公开申请数为36件"),
    ("平潭综合实验区2022年新收申请多少件", [PINGTAN_2021],
     ["平潭综合实验区2022年新收申请70件[F1]。", "2022年度新收申请70件[F1]。"], "2021年度", "74件"),
    ("定海区和越城区2021年新收申请各多少件", [DINGHAI, YUECHENG],
     ["定海区新收36件[F2]，越城区新收31件[F1]。", "定海区36件[F2]，越城区31件[F1]。"], "说成了",
     "定海区2021年度报告中，本年新收政府信息公开申请数为31件"),
    ("淮安市2024年行政复议多少件", [HUAIAN_CORRECTED], ["淮安市2024年行政复议64件[F1]。", "行政复议共64件[F1]。"],
     "『行政复议·结果纠正』", "行政复议数为351件"),
    ("定海区和越城区2021年新收申请一共多少件", [YUECHENG], ["两区合计36件[F1]。", "合计36件[F1]。"], "定海区", "合计67件"),
]


@pytest.mark.parametrize(("question", "calls", "drafts", "reason", "offline"), MISATTRIBUTED,
                         ids=["other body", "other year", "bodies swapped", "neighbouring metric", "one body as a sum"])
def test_llm_answer_about_something_else_fails_verification(indexed, question, calls, drafts, reason, offline):
    """Right numbers, wrong body, year or metric: the model may phrase, never re-attribute."""
    ingestor, _ = indexed
    with ScriptedOpenAI() as endpoint:
        endpoint.chat(tool_calls(*calls), *(text(draft) for draft in drafts))
        answer = llm_assistant(ingestor, endpoint).ask(question)
    assert answer.mode == "offline" and "未通过核验" in answer.note and reason in answer.note
    assert answer.verified and offline in answer.answer


HUAIAN_REVIEW = ("lookup_figures", {"body": "淮安市", "years": [2024], "metrics": ["review", "review_corrected"]})
FAITHFUL = [
    ("定海区和越城区2021年新收申请一共多少件",
     [tool_calls(DINGHAI, YUECHENG), tool_calls(("calculate", {"operation": "sum", "ids": ["F1", "F2"]})),
      text("两区合计67件[D1]：定海区2021年31件[F1]，越城区2021年36件[F2]。")]),
    ("淮安市2024年行政复议多少件", [tool_calls(HUAIAN_REVIEW), text("淮安市2024年行政复议351件[F1]，其中被纠正64件[F2]。")]),
]


@pytest.mark.parametrize(("question", "script"), FAITHFUL, ids=["sum of two bodies", "with a named neighbouring figure"])
def test_llm_answer_naming_its_own_figures_passes(indexed, question, script):
    ingestor, _ = indexed
    with ScriptedOpenAI() as endpoint:
        endpoint.chat(*script)
        answer = llm_assistant(ingestor, endpoint).ask(question)
    assert (answer.mode, answer.verified, answer.note) == ("llm", True, None)
