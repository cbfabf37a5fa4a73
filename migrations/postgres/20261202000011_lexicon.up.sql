-- The domain lexicon (issue 18): admins' words and phrases with valences, and their changes
-- to the shipped defaults (app/src/domain/sentiment/domain.rs). A row replaces the default
-- of its term; valence 0 removes a term's valence. The defaults themselves are not stored.
CREATE TABLE lexicon_terms (
    term       TEXT PRIMARY KEY,
    valence    DOUBLE PRECISION NOT NULL,
    note       TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT   NOT NULL
);
