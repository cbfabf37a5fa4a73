DROP TABLE lexicon_terms;
