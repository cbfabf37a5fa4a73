//! The VADER valence lexicon and emoji descriptions (C.J. Hutto, MIT licence; see
//! `app/data/LICENSE-vader.txt`), parsed once on first use.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Word → mean valence (−4..4), from `vader_lexicon.txt` (first two columns).
const LEXICON: &str = include_str!("../../../data/vader_lexicon.tsv");
/// Emoji → English description, from `emoji_utf8_lexicon.txt`, single code points only: the
/// reference looks emojis up one character at a time, so longer keys never matched there.
const EMOJIS: &str = include_str!("../../../data/vader_emoji.tsv");

/// The valence and emoji tables.
#[derive(Debug)]
pub struct Lexicon {
    words: FxHashMap<&'static str, f64>,
    emojis: FxHashMap<char, &'static str>,
}

impl Lexicon {
    /// The shipped VADER tables.
    pub fn vader() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| Lexicon::parse(LEXICON, EMOJIS))
    }

    /// Builds tables from tab-separated text; malformed lines are skipped (the data is ours,
    /// and a unit test checks that every line parses).
    pub fn parse(lexicon: &'static str, emojis: &'static str) -> Lexicon {
        let mut words = FxHashMap::default();
        for line in lexicon.lines() {
            let mut cols = line.split('\t');
            if let (Some(w), Some(v)) = (cols.next(), cols.next()) {
                if let Ok(v) = v.trim().parse::<f64>() {
                    // Later duplicates win, as in the reference's dict.
                    words.insert(w.trim(), v);
                }
            }
        }
        let mut em = FxHashMap::default();
        for line in emojis.lines() {
            let mut cols = line.split('\t');
            if let (Some(e), Some(d)) = (cols.next(), cols.next()) {
                let mut chars = e.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    em.insert(c, d.trim());
                }
            }
        }
        Lexicon { words, emojis: em }
    }

    /// The valence of a lower-cased token.
    #[inline]
    pub fn valence(&self, lower: &str) -> Option<f64> {
        self.words.get(lower).copied()
    }

    /// Whether a lower-cased token is in the lexicon.
    #[inline]
    pub fn contains(&self, lower: &str) -> bool {
        self.words.contains_key(lower)
    }

    /// The description of an emoji character.
    #[inline]
    pub fn emoji(&self, c: char) -> Option<&'static str> {
        self.emojis.get(&c).copied()
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the lexicon is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_line_parses() {
        let lex = Lexicon::vader();
        let distinct: std::collections::HashSet<&str> = LEXICON
            .lines()
            .filter_map(|l| l.split('\t').next())
            .collect();
        assert_eq!(lex.len(), distinct.len());
        assert_eq!(lex.emojis.len(), EMOJIS.lines().count());
        assert_eq!(lex.valence("good"), Some(1.9));
        assert_eq!(lex.valence("horrible"), Some(-2.5));
        assert_eq!(lex.emoji('😁'), Some("beaming face with smiling eyes"));
    }
}
