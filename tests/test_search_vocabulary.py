"""The reviewer's-words vocabulary of search (assistant/retrieve/synonyms.toml): what it adds to a
query, that it only adds the reports' own wording, and that it finds what the verbatim query
cannot (questions of the development half of tests/paraphrase_questions.py, which it was written
from)."""

from __future__ import annotations

from assistant.retrieve import Retriever
from assistant.retrieve.expansion import _terms, official_words
from assistant.retrieve.search import query_tokens
from assistant.retrieve.tokenize import tokenize_query
from retrieval_scoring import PARAPHRASE, first_answer_rank


def test_a_query_gains_the_reports_wording_for_the_reviewers_words_only():
    assert official_words("出一套通用的回函范本，少吃官司") == ["答复", "答复书", "模板", "行政复议", "行政诉讼", "败诉"]
    assert official_words("公众号两周没人管") == ["政务新媒体", "新媒体", "无人管理"]
    assert official_words("政务新媒体的公众号") == []  # the query has them already
    assert official_words("好差评主动评价率") == []
    assert query_tokens("好差评主动评价率") == tokenize_query("好差评主动评价率")
    assert {"答复", "模板"} <= set(query_tokens("回函范本")) and set(tokenize_query("回函范本")) < set(query_tokens("回函范本"))


def test_every_written_word_is_wording_the_reports_use(indexed):
    ingestor, _ = indexed
    narrative = "\n".join(chunk.text for chunk in ingestor.db.chunks(ingestor.db.chunk_ids()).values())
    unused = [word for _, written in _terms() for word in written if word not in narrative]
    assert unused == []


def test_the_vocabulary_finds_passages_the_verbatim_query_misses(indexed):
    ingestor, _ = indexed
    retriever = Retriever(ingestor.db, ingestor.vectors)

    def describe(chunk_id: str) -> tuple[str, str, str]:
        chunk = ingestor.db.chunks([chunk_id])[chunk_id]
        return ingestor.db.report(chunk.report_id).source, chunk.section, chunk.text

    by_text = {q.text: q for q in PARAPHRASE}
    for text in ("老同志带新来的经办人", "出一套通用的回函范本，少吃官司", "对申请人的回复说法要统一"):
        question = by_text[text]
        verbatim, _ = retriever.rankings(text, expand=False, **question.filters)
        expanded, _ = retriever.rankings(text, **question.filters)
        assert first_answer_rank(question, verbatim, describe) is None, text
        assert first_answer_rank(question, expanded, describe) == 1, text
        hits = retriever.search(text, **question.filters)
        assert first_answer_rank(question, [h.chunk_id for h in hits], describe) == 1, text
