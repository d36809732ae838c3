"""Stage 6 (drafting): review memos for one report and summaries of section 五 across many."""

from assistant.draft.memo import Memo, build_memo
from assistant.draft.memo_document import memo_document

__all__ = ["Memo", "build_memo", "memo_document"]
