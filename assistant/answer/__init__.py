"""Stage 6: answers to reviewers' questions, built on verified figures and verbatim quotes.

`Assistant.ask` understands the question (`question`), gathers evidence from the index
(`lookup`), drafts the answer offline (`offline`) or with a language model (`llm`), and verifies
every number and quotation (`verify`) before returning it.
"""

from assistant.answer.assistant import Assistant

__all__ = ["Assistant"]
