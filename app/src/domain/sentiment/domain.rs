//! The domain lexicon: words and phrases of customer-service language with valences, layered
//! over the general VADER lexicon. "The delivery is slow and keeps crashing." is neutral to a
//! general-purpose lexicon (it has no "slow" or "crashing"); to a support team it is a
//! complaint. The shipped defaults below cover such words; admins add, change or neutralise
//! entries (`PUT /api/v1/voice/lexicon/{term}`), and stored texts are re-scored.
//!
//! Pure: the effective lexicon is built from the defaults and the stored entries.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Largest magnitude of a valence: the VADER scale is −4 (most negative) … 4.
pub const MAX_VALENCE: f64 = 4.0;
/// Most words in a phrase.
pub const MAX_WORDS: usize = 4;
/// Longest term, in characters.
pub const MAX_TERM_CHARS: usize = 60;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 200;

/// The shipped entries: (term, valence, why). Valences are on VADER's −4..4 scale and sit near
/// the general lexicon's own words of similar strength (e.g. "broken" −2.1, "error" −1.7,
/// "helpful" 1.8), so a domain word weighs like an ordinary one.
pub const DEFAULTS: &[(&str, f64, &str)] = &[
    ("slow", -1.5, "service or software that takes too long"),
    ("late", -1.6, "a delivery or answer after the promised time"),
    (
        "delayed",
        -1.6,
        "stronger than the general −0.9: a delayed order is a complaint",
    ),
    (
        "crashes",
        -2.0,
        "the product stops working (the general lexicon has only \"crash\")",
    ),
    ("crashing", -2.0, "as \"crashes\""),
    ("crashed", -2.0, "as \"crashes\""),
    (
        "keeps crashing",
        -2.4,
        "a repeated failure weighs more than one",
    ),
    ("buggy", -1.9, "software that misbehaves"),
    ("bug", -1.3, "a defect report"),
    ("bugs", -1.3, "as \"bug\""),
    ("glitch", -1.4, "a small defect"),
    ("glitchy", -1.7, "as \"glitch\", repeatedly"),
    (
        "freezes",
        -1.5,
        "the product hangs (the general lexicon reads \"freeze\" as weather)",
    ),
    ("freeze", -1.5, "as \"freezes\""),
    ("frozen", -1.2, "as \"freezes\""),
    ("laggy", -1.6, "slow to respond"),
    ("unusable", -2.5, "cannot be used at all"),
    (
        "unresponsive",
        -1.8,
        "an app or a support team that does not answer",
    ),
    ("timeout", -1.3, "a request that never completed"),
    ("outage", -2.0, "the service is down"),
    ("downtime", -1.6, "time the service was unavailable"),
    (
        "not working",
        -2.0,
        "a failure stated plainly (\"working\" has no valence)",
    ),
    ("doesn't work", -2.0, "as \"not working\""),
    (
        "stopped working",
        -2.1,
        "as \"not working\", after it used to",
    ),
    (
        "refund",
        -1.0,
        "asking for money back signals a failed purchase",
    ),
    ("refunds", -1.0, "as \"refund\""),
    ("overcharged", -2.1, "billed more than agreed"),
    ("charged twice", -2.0, "a duplicate charge"),
    ("incomplete", -1.2, "an order or answer with parts missing"),
    ("never arrived", -2.2, "an order that was not delivered"),
    ("waited", -1.2, "waiting is the commonest support complaint"),
    ("waiting", -0.9, "as \"waited\", still going on"),
    ("still waiting", -1.8, "an unresolved wait"),
    ("on hold", -1.5, "kept waiting on a call"),
    ("took forever", -2.0, "far too long"),
    ("no response", -1.8, "nobody answered"),
    (
        "nobody called back",
        -1.9,
        "a promised call that did not come",
    ),
    ("fast", 1.3, "quick service or software"),
    ("quick", 1.2, "as \"fast\""),
    ("quickly", 1.1, "as \"fast\""),
    ("on time", 1.3, "a delivery or answer as promised"),
    (
        "resolved",
        1.2,
        "stronger than the general 0.7: a solved problem",
    ),
    ("seamless", 1.8, "works without friction"),
    ("smooth", 1.5, "as \"seamless\""),
    ("reliable", 1.6, "works every time"),
    ("intuitive", 1.6, "easy to understand"),
];

/// Where an entry of the effective lexicon comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Shipped, unchanged.
    Default,
    /// Shipped, with a stored change.
    Changed,
    /// Added by an admin.
    Custom,
}

/// One entry as listed by the API and the admin page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LexiconEntry {
    /// Lower-case word or phrase of up to four words.
    pub term: String,
    /// −4..4; 0 means the term carries no valence (it neutralises a general-lexicon word).
    pub valence: f64,
    /// Why the term has this valence.
    pub note: String,
    pub origin: Origin,
    /// The shipped valence, for a changed default.
    pub default_valence: Option<f64>,
    /// When and by whom it was stored (`None` for an unchanged default).
    pub updated_at: Option<i64>,
    pub updated_by: Option<String>,
}

/// A stored entry: an admin's word or their change to a default.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredTerm {
    pub term: String,
    pub valence: f64,
    pub note: String,
    pub updated_at: i64,
    pub updated_by: String,
}

/// Why an entry was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermError {
    pub code: &'static str,
    pub message: String,
}

impl TermError {
    fn new(code: &'static str, message: impl Into<String>) -> TermError {
        TermError {
            code,
            message: message.into(),
        }
    }
}

/// Normalises a term as the analyzer sees words: trimmed, lower-case, single spaces. Words
/// hold letters, digits, apostrophes and hyphens only (the analyzer strips other punctuation
/// from a word's ends, so such a term could never match).
pub fn normalize_term(raw: &str) -> Result<String, TermError> {
    let words: Vec<String> = raw.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Err(TermError::new(
            "invalid_term",
            "a term needs at least one word",
        ));
    }
    if words.len() > MAX_WORDS {
        return Err(TermError::new(
            "invalid_term",
            format!("a term has at most {MAX_WORDS} words"),
        ));
    }
    for w in &words {
        let inner_only = |c: char| c == '\'' || c == '-';
        if !w.chars().all(|c| c.is_alphanumeric() || inner_only(c))
            || w.starts_with(inner_only)
            || w.ends_with(inner_only)
        {
            return Err(TermError::new(
                "invalid_term",
                format!("{w:?}: words hold letters, digits and inner apostrophes or hyphens only"),
            ));
        }
    }
    let term = words.join(" ");
    if term.chars().count() > MAX_TERM_CHARS {
        return Err(TermError::new(
            "invalid_term",
            format!("a term has at most {MAX_TERM_CHARS} characters"),
        ));
    }
    Ok(term)
}

/// Checks a valence: finite, within ±4; kept to two decimals.
pub fn check_valence(v: f64) -> Result<f64, TermError> {
    if !v.is_finite() || v.abs() > MAX_VALENCE {
        return Err(TermError::new(
            "invalid_valence",
            format!("a valence is a number from −{MAX_VALENCE} to {MAX_VALENCE}"),
        ));
    }
    Ok((v * 100.0).round() / 100.0)
}

/// Checks a note: at most 200 printable characters, trimmed.
pub fn check_note(note: &str) -> Result<String, TermError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control) {
        return Err(TermError::new(
            "invalid_note",
            format!("a note has at most {MAX_NOTE_CHARS} printable characters"),
        ));
    }
    Ok(note.to_string())
}

/// The effective domain lexicon, as the analyzer reads it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DomainLexicon {
    /// One-word terms: `Some(v)` replaces the general valence, `None` removes it.
    words: FxHashMap<String, Option<f64>>,
    /// Phrases by their first word: (the words after it, valence); longest first.
    phrases: FxHashMap<String, Vec<(Vec<String>, f64)>>,
    entries: Vec<LexiconEntry>,
}

impl DomainLexicon {
    /// The shipped defaults alone.
    pub fn defaults() -> DomainLexicon {
        DomainLexicon::build(&[])
    }

    /// Defaults overlaid with stored entries (a stored entry replaces a default of its term).
    pub fn build(stored: &[StoredTerm]) -> DomainLexicon {
        let mut by_term: std::collections::BTreeMap<String, LexiconEntry> = DEFAULTS
            .iter()
            .map(|(t, v, note)| {
                (
                    t.to_string(),
                    LexiconEntry {
                        term: t.to_string(),
                        valence: *v,
                        note: note.to_string(),
                        origin: Origin::Default,
                        default_valence: None,
                        updated_at: None,
                        updated_by: None,
                    },
                )
            })
            .collect();
        for s in stored {
            let shipped = DEFAULTS.iter().find(|(t, ..)| *t == s.term).map(|d| d.1);
            by_term.insert(
                s.term.clone(),
                LexiconEntry {
                    term: s.term.clone(),
                    valence: s.valence,
                    note: s.note.clone(),
                    origin: if shipped.is_some() {
                        Origin::Changed
                    } else {
                        Origin::Custom
                    },
                    default_valence: shipped,
                    updated_at: Some(s.updated_at),
                    updated_by: Some(s.updated_by.clone()),
                },
            );
        }
        let mut lex = DomainLexicon::default();
        for e in by_term.values() {
            let valence = (e.valence != 0.0).then_some(e.valence);
            let mut words = e.term.split(' ').map(str::to_string);
            let first = words.next().unwrap_or_default();
            let rest: Vec<String> = words.collect();
            if rest.is_empty() {
                lex.words.insert(first, valence);
            } else if let Some(v) = valence {
                lex.phrases.entry(first).or_default().push((rest, v));
            }
        }
        for list in lex.phrases.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        }
        lex.entries = by_term.into_values().collect();
        lex
    }

    /// A one-word term's override: `Some(Some(v))` a valence, `Some(None)` none at all,
    /// `None` when the domain lexicon does not name the word.
    #[inline]
    pub fn word(&self, lower: &str) -> Option<Option<f64>> {
        if self.words.is_empty() {
            return None;
        }
        self.words.get(lower).copied()
    }

    /// The longest phrase starting at `words[0]`: (its word count, valence).
    pub fn phrase_at<'a>(&self, words: impl Fn(usize) -> Option<&'a str>) -> Option<(usize, f64)> {
        let first = words(0)?;
        let list = self.phrases.get(first)?;
        list.iter().find_map(|(rest, v)| {
            rest.iter()
                .enumerate()
                .all(|(k, w)| words(k + 1) == Some(w.as_str()))
                .then_some((rest.len() + 1, *v))
        })
    }

    /// Whether there are phrases at all (the analyzer skips the phrase pass otherwise).
    pub fn has_phrases(&self) -> bool {
        !self.phrases.is_empty()
    }

    /// Every entry in term order.
    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }

    /// A fingerprint of what scoring depends on (terms and valences): stored texts scored
    /// under another fingerprint are re-scored.
    pub fn fingerprint(&self) -> String {
        // FNV-1a: stable across builds and platforms, unlike the std hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for e in &self.entries {
            for b in format!("{}={:.2}\n", e.term, e.valence).bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("domain-v1-{h:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(term: &str, valence: f64) -> StoredTerm {
        StoredTerm {
            term: term.into(),
            valence,
            note: String::new(),
            updated_at: 1,
            updated_by: "admin@x".into(),
        }
    }

    #[test]
    fn defaults_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for (t, v, note) in DEFAULTS {
            assert_eq!(normalize_term(t).as_deref(), Ok(*t), "{t}");
            assert_eq!(check_valence(*v), Ok(*v), "{t}");
            assert!(!note.is_empty(), "{t} needs a note");
            assert!(seen.insert(*t), "{t} twice");
        }
        let lex = DomainLexicon::defaults();
        assert_eq!(lex.entries().len(), DEFAULTS.len());
        assert_eq!(lex.word("slow"), Some(Some(-1.5)));
        assert_eq!(lex.word("good"), None);
    }

    #[test]
    fn stored_entries_override_add_and_neutralise() {
        let lex = DomainLexicon::build(&[
            stored("slow", -2.0),
            stored("meh", -0.5),
            stored("late", 0.0),
        ]);
        assert_eq!(lex.word("slow"), Some(Some(-2.0)));
        assert_eq!(lex.word("meh"), Some(Some(-0.5)));
        assert_eq!(lex.word("late"), Some(None));
        let e = |t: &str| lex.entries().iter().find(|e| e.term == t).unwrap().clone();
        assert_eq!(e("slow").origin, Origin::Changed);
        assert_eq!(e("slow").default_valence, Some(-1.5));
        assert_eq!(e("meh").origin, Origin::Custom);
        assert_eq!(e("fast").origin, Origin::Default);
        assert_ne!(lex.fingerprint(), DomainLexicon::defaults().fingerprint());
        assert_eq!(
            DomainLexicon::defaults().fingerprint(),
            DomainLexicon::build(&[]).fingerprint()
        );
    }

    #[test]
    fn phrases_match_longest_first() {
        let lex = DomainLexicon::build(&[stored("on hold again", -2.5)]);
        let words = ["on", "hold", "again", "today"];
        let at = |k: usize| words.get(k).copied();
        assert_eq!(lex.phrase_at(at), Some((3, -2.5)));
        let words = ["on", "hold", "now"];
        assert_eq!(lex.phrase_at(|k| words.get(k).copied()), Some((2, -1.5)));
        let words = ["on", "the", "phone"];
        assert_eq!(lex.phrase_at(|k| words.get(k).copied()), None);
    }

    #[test]
    fn bad_terms_and_values_get_codes() {
        assert_eq!(normalize_term("  On   HOLD ").as_deref(), Ok("on hold"));
        assert_eq!(
            normalize_term("doesn't work").as_deref(),
            Ok("doesn't work")
        );
        for bad in ["", "   ", "a b c d e", "slow!", "'quoted'", "-dash", "<b>"] {
            assert_eq!(
                normalize_term(bad).unwrap_err().code,
                "invalid_term",
                "{bad:?}"
            );
        }
        assert_eq!(
            normalize_term(&"x".repeat(61)).unwrap_err().code,
            "invalid_term"
        );
        assert_eq!(check_valence(-1.234), Ok(-1.23));
        for bad in [4.01, -5.0, f64::NAN, f64::INFINITY] {
            assert_eq!(check_valence(bad).unwrap_err().code, "invalid_valence");
        }
        assert_eq!(check_note(" why ").as_deref(), Ok("why"));
        assert_eq!(check_note("a\u{7}").unwrap_err().code, "invalid_note");
    }
}
