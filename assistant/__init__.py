"""Audit assistant for Chinese government information-disclosure annual reports.

Pipeline stages, one subpackage each, data flowing one way: `load` (bytes → text), `parse`
(text → keyed figures), `check` (figures and narrative → findings), then `report` (rendering for
people). Types crossing stages live in `assistant.models`.
"""
