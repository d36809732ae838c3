"""Rendering for people: reports as the official tables, findings as a review list."""

from assistant.render.text import render_answer, render_findings, render_hits, render_report, render_source_text

__all__ = ["render_answer", "render_findings", "render_hits", "render_report", "render_source_text"]
