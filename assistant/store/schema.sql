-- The figures store: one row per report version, everything derived from it keyed by report_id.
-- A report and all its rows are written in one transaction; `generation` changes on every write
-- so that derived caches (the BM25 index) know when to rebuild.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS reports (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL UNIQUE,
    hash        TEXT NOT NULL UNIQUE,
    title       TEXT,
    body        TEXT,
    body_key    TEXT,
    region      TEXT,
    year        INTEGER,
    template    TEXT,
    encoding    TEXT NOT NULL,
    text        TEXT NOT NULL,
    page_starts TEXT NOT NULL DEFAULT '[]',
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_body_year ON reports (body_key, year);
CREATE INDEX IF NOT EXISTS reports_year ON reports (year);

CREATE TABLE IF NOT EXISTS figures (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    value     REAL,
    raw       TEXT NOT NULL,
    line      INTEGER NOT NULL,
    page      INTEGER,
    status    TEXT NOT NULL,
    PRIMARY KEY (report_id, key)
);
CREATE INDEX IF NOT EXISTS figures_key ON figures (key, value);

CREATE TABLE IF NOT EXISTS findings (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    rule      TEXT NOT NULL,
    severity  TEXT NOT NULL,
    message   TEXT NOT NULL,
    keys      TEXT NOT NULL,
    evidence  TEXT NOT NULL,
    cross_report INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS findings_report ON findings (report_id);
CREATE INDEX IF NOT EXISTS findings_rule ON findings (rule, severity);

CREATE TABLE IF NOT EXISTS sections (
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    section    TEXT NOT NULL,
    title      TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    PRIMARY KEY (report_id, section)
);

CREATE TABLE IF NOT EXISTS chunks (
    id         TEXT PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    section    TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    tokens     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks (report_id);

CREATE TABLE IF NOT EXISTS problem_sentences (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    hash      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS problem_sentences_hash ON problem_sentences (hash);
CREATE INDEX IF NOT EXISTS problem_sentences_report ON problem_sentences (report_id);

CREATE TABLE IF NOT EXISTS state (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT OR IGNORE INTO state (name, value) VALUES ('generation', 0);

-- Who changed the index and when: one row per stored, deleted or re-indexed report (or per re-index).
CREATE TABLE IF NOT EXISTS activity (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    source    TEXT,
    report_id INTEGER,
    detail    TEXT NOT NULL DEFAULT ''
);
