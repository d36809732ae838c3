"""A query is segmented with only the dictionary entries that are substrings of it
(`assistant.retrieve.tokenize`): the tokens must be exactly those of the full jieba dictionary, or
BM25 would match queries against the stored tokens differently."""

from __future__ import annotations

from assistant.retrieve.expansion import official_words
from assistant.retrieve.tokenize import _kept, _query_segmenter, tokenize
from conftest import SAMPLES
from qa_reviewers import REVIEWER_QA
from retrieval_scoring import EXISTING, PARAPHRASE


def _restricted(text: str) -> list[str]:
    return _kept(_query_segmenter(text).lcut(text))


def test_questions_and_their_expansions_segment_as_with_the_whole_dictionary():
    texts = [q.text for q in EXISTING + PARAPHRASE] + [str(entry[0]) for entry in REVIEWER_QA]
    texts += [" ".join(official_words(text)) for text in texts]
    assert len(texts) > 300
    for text in texts:
        assert _restricted(text) == tokenize(text), text


def test_report_lines_segment_as_with_the_whole_dictionary():
    lines = [line for path in sorted(SAMPLES.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    assert len(lines) > 500
    differing = [line for line in lines if _restricted(line) != tokenize(line)]
    assert differing == []
