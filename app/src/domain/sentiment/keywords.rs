//! Keywords of customer voice: tokenization, stop words, plural folding ("lemmatization
//! lite"), collocated bigrams, and ranking by the log-odds ratio with an informative Dirichlet
//! prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), so a word ranks by how much more
//! often positive texts use it than negative ones, not by how often it appears at all.

use super::vader::{is_degree_word, is_negation, Analyzer};
use super::Polarity;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Pseudo-texts of prior mass spread over the vocabulary by background frequency: enough to
/// keep words seen twice from topping the list, small next to a real month of feedback.
const PRIOR_MASS: f64 = 500.0;
/// A word must appear in this many texts to be ranked.
const MIN_TEXTS: u32 = 2;
/// A bigram must appear in this many texts …
const MIN_BIGRAM_TEXTS: u32 = 3;
/// … and in at least this share of the texts of its rarer word, to count as a collocation.
const MIN_BIGRAM_SHARE: f64 = 0.3;

/// One ranked keyword.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keyword {
    /// The word or two-word phrase.
    pub term: String,
    /// Z-score of the log-odds ratio (positive minus negative texts); sign gives the side.
    pub weight: f64,
    /// Texts containing the term, any polarity.
    pub count: u32,
}

/// One word of the word cloud.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CloudWord {
    /// The word or phrase.
    pub term: String,
    /// Texts containing it (the size).
    pub count: u32,
    /// Mean compound score of those texts (the colour), −1..1.
    pub score: f64,
}

/// Top keywords on each side.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KeywordRanking {
    /// Most positive first.
    pub positive: Vec<Keyword>,
    /// Most negative first.
    pub negative: Vec<Keyword>,
}

#[derive(Clone, Copy, Debug, Default)]
struct TermStats {
    pos: u32,
    neg: u32,
    all: u32,
    score_sum: f64,
}

/// Counts terms over a corpus of scored texts; each term counts once per text.
#[derive(Debug, Default)]
pub struct KeywordCounter {
    terms: FxHashMap<String, TermStats>,
    bigram_parts: FxHashMap<String, (String, String)>,
    texts: u32,
    scratch: Vec<(String, Option<Polarity>)>,
}

impl KeywordCounter {
    /// An empty counter.
    pub fn new() -> KeywordCounter {
        KeywordCounter::default()
    }

    /// Number of texts added.
    pub fn texts(&self) -> u32 {
        self.texts
    }

    /// Adds one scored text; every term takes the text's side.
    pub fn add(&mut self, text: &str, compound: f64) {
        self.add_with(text, compound, None);
    }

    /// Adds one scored text. With an analyzer, a text of several clauses gives each term the
    /// side of its own clause ("Great app, but the delivery was late": "app" is praise,
    /// "delivery" a complaint); a neutral clause takes the text's side. A negated word ("not
    /// happy") takes no side: its bigram ("not happy") carries the sentiment.
    pub fn add_with(&mut self, text: &str, compound: f64, analyzer: Option<&Analyzer>) {
        let text_side = Polarity::of(compound);
        self.texts += 1;
        let mut sides = std::mem::take(&mut self.scratch);
        sides.clear();
        let parts = clauses(text);
        let several = parts.len() > 1;
        for clause in parts {
            let side = match analyzer.filter(|_| several) {
                Some(a) => match Polarity::of(a.score(clause).compound) {
                    Polarity::Neutral => text_side,
                    p => p,
                },
                None => text_side,
            };
            let mut bigrams = Vec::new();
            for_each_term(clause, |t| match t {
                Term::Word(w) => record(&mut sides, w, Some(side)),
                Term::Negated(w) => record(&mut sides, w, None),
                Term::Bigram(a, b) => bigrams.push((a, b)),
            });
            for (a, b) in bigrams {
                let key = format!("{a} {b}");
                self.bigram_parts.entry(key.clone()).or_insert((a, b));
                record(&mut sides, key, Some(side));
            }
        }
        for (t, side) in sides.drain(..) {
            let s = self.terms.entry(t).or_default();
            s.all += 1;
            s.score_sum += compound;
            match side {
                Some(Polarity::Positive) => s.pos += 1,
                Some(Polarity::Negative) => s.neg += 1,
                _ => {}
            }
        }
        self.scratch = sides;
    }

    /// Whether a term may be ranked or shown: frequent enough, and for bigrams a collocation.
    fn eligible(&self, term: &str, s: &TermStats) -> bool {
        match self.bigram_parts.get(term) {
            None => s.all >= MIN_TEXTS,
            Some((a, b)) => {
                let rarer = [a, b]
                    .iter()
                    .filter_map(|w| self.terms.get(w.as_str()))
                    .map(|p| p.all)
                    .min()
                    .unwrap_or(0);
                s.all >= MIN_BIGRAM_TEXTS
                    && rarer > 0
                    && f64::from(s.all) >= MIN_BIGRAM_SHARE * f64::from(rarer)
            }
        }
    }

    /// The top `limit` keywords per side by log-odds z-score. Only terms used more by that
    /// side than the other (z > 0 for positive, z < 0 for negative) are listed.
    pub fn rank(&self, limit: usize) -> KeywordRanking {
        let (n_pos, n_neg, n_all) = self.terms.values().fold((0.0, 0.0, 0.0), |acc, s| {
            (
                acc.0 + f64::from(s.pos),
                acc.1 + f64::from(s.neg),
                acc.2 + f64::from(s.all),
            )
        });
        if n_all == 0.0 {
            return KeywordRanking::default();
        }
        let mut scored: Vec<(Keyword, &TermStats)> = self
            .terms
            .iter()
            .filter(|(t, s)| self.eligible(t, s))
            .map(|(t, s)| {
                let k = Keyword {
                    term: t.clone(),
                    weight: log_odds_z(
                        f64::from(s.pos),
                        f64::from(s.neg),
                        n_pos,
                        n_neg,
                        PRIOR_MASS * f64::from(s.all) / n_all,
                        PRIOR_MASS,
                    ),
                    count: s.all,
                };
                (k, s)
            })
            .collect();
        // Ties break by frequency, then alphabetically, so the order is stable.
        scored.sort_by(|(a, _), (b, _)| {
            b.weight
                .total_cmp(&a.weight)
                .then(b.count.cmp(&a.count))
                .then(a.term.cmp(&b.term))
        });
        // A side lists only words its own texts use: a word of neutral texts alone leans a
        // little towards the side with fewer words, which is no evidence.
        let positive: Vec<Keyword> = scored
            .iter()
            .filter(|(k, s)| k.weight > 0.0 && s.pos > 0)
            .take(limit)
            .map(|(k, _)| k.clone())
            .collect();
        let negative: Vec<Keyword> = scored
            .iter()
            .rev()
            .filter(|(k, s)| k.weight < 0.0 && s.neg > 0)
            .take(limit)
            .map(|(k, _)| k.clone())
            .collect();
        KeywordRanking { positive, negative }
    }

    /// The `limit` most frequent eligible terms with their mean score, most frequent first.
    pub fn cloud(&self, limit: usize) -> Vec<CloudWord> {
        let mut words: Vec<CloudWord> = self
            .terms
            .iter()
            .filter(|(t, s)| self.eligible(t, s))
            .map(|(t, s)| CloudWord {
                term: t.clone(),
                count: s.all,
                score: s.score_sum / f64::from(s.all.max(1)),
            })
            .collect();
        words.sort_by(|a, b| b.count.cmp(&a.count).then(a.term.cmp(&b.term)));
        words.truncate(limit);
        words
    }

    /// Whether `term` (a word or phrase as the tokenizer forms it) occurs in `text`.
    pub fn text_has_term(text: &str, term: &str) -> bool {
        let mut found = false;
        for_each_term(text, |t| {
            found |= match t {
                Term::Word(w) | Term::Negated(w) => w == term,
                Term::Bigram(a, b) => {
                    term.len() == a.len() + 1 + b.len()
                        && term.starts_with(a.as_str())
                        && term.ends_with(b.as_str())
                }
            }
        });
        found
    }
}

/// Monroe et al.'s z-score of the log-odds ratio of a term between classes `i` and `j`, with
/// prior `alpha` for the term and `alpha0` in all.
pub fn log_odds_z(yi: f64, yj: f64, ni: f64, nj: f64, alpha: f64, alpha0: f64) -> f64 {
    let alpha = alpha.max(1e-3);
    let li = ((yi + alpha) / (ni + alpha0 - yi - alpha).max(1e-9)).ln();
    let lj = ((yj + alpha) / (nj + alpha0 - yj - alpha).max(1e-9)).ln();
    let var = 1.0 / (yi + alpha) + 1.0 / (yj + alpha);
    (li - lj) / var.sqrt()
}

/// Records a term of a text once: the first side it is seen with wins, except that a plain
/// use gives a side to a term so far seen only negated.
fn record(sides: &mut Vec<(String, Option<Polarity>)>, term: String, side: Option<Polarity>) {
    match sides.iter_mut().find(|(t, _)| *t == term) {
        Some((_, s)) if s.is_none() => *s = side,
        Some(_) => {}
        None => sides.push((term, side)),
    }
}

/// A text's clauses: split at clause punctuation and at the word "but" (VADER's contrast
/// word), empty pieces dropped.
pub fn clauses(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '\n') {
            split_at_but(&text[start..i], &mut out);
            start = i + c.len_utf8();
        }
    }
    split_at_but(&text[start..], &mut out);
    out.retain(|c| c.chars().any(char::is_alphanumeric));
    out
}

/// Pushes the pieces of `piece` around each whole word "but" (any case).
fn split_at_but<'t>(piece: &'t str, out: &mut Vec<&'t str>) {
    let mut start = 0;
    for (i, _) in piece.char_indices() {
        let word_start = !piece[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let is_but = piece
            .get(i..i + 3)
            .is_some_and(|w| w.eq_ignore_ascii_case("but"))
            && !piece[i + 3..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if word_start && is_but && i >= start {
            out.push(&piece[start..i]);
            start = i + 3;
        }
    }
    out.push(&piece[start..]);
}

/// A term found in a text.
#[derive(Debug, PartialEq)]
pub enum Term {
    /// A content word, folded.
    Word(String),
    /// A content word right after a negation in its clause ("happy" in "not happy").
    Negated(String),
    /// Two adjacent words in one clause, the first possibly a negation ("not helpful").
    Bigram(String, String),
}

/// Calls `f` with every content word and every candidate bigram of `text`, in order.
pub fn for_each_term(text: &str, mut f: impl FnMut(Term)) {
    // Words with whether clause punctuation came before them.
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut word = String::new();
    let mut clause_break = false;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            continue;
        }
        if matches!(c, '\'' | '\u{2019}') && !word.is_empty() {
            word.push('\'');
            continue;
        }
        if !word.is_empty() {
            words.push((std::mem::take(&mut word), clause_break));
            clause_break = false;
        }
        // Clause punctuation ends a phrase; spaces, hyphens and quotes do not.
        if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '\n') {
            clause_break = true;
        }
    }
    // The previous content word (or "not") in the same clause.
    let mut prev: Option<String> = None;
    for (i, (w, after_break)) in words.iter().enumerate() {
        if *after_break {
            prev = None;
        }
        // "kind of" and "sort of" are hedges, not topics.
        let hedge = matches!(w.as_str(), "kind" | "sort")
            && words.get(i + 1).is_some_and(|(n, brk)| n == "of" && !brk);
        match if hedge { Class::Stop } else { classify(w) } {
            Class::Content(folded) => {
                let negated = prev.as_deref() == Some("not");
                if let Some(p) = prev.take() {
                    f(Term::Bigram(p, folded.clone()));
                }
                f(if negated {
                    Term::Negated(folded.clone())
                } else {
                    Term::Word(folded.clone())
                });
                prev = Some(folded);
            }
            Class::Negation => prev = Some("not".to_string()),
            Class::Stop => prev = None,
        }
    }
}

enum Class {
    Content(String),
    Negation,
    Stop,
}

fn classify(w: &str) -> Class {
    let w = w.trim_matches('\'');
    let w = w.strip_suffix("'s").unwrap_or(w);
    if is_negation(w) || w == "no" {
        return Class::Negation;
    }
    if w.chars().count() < 3
        || w.chars().all(|c| c.is_ascii_digit())
        || is_stop_word(w)
        || is_degree_word(w)
        || w.contains('\'')
    {
        return Class::Stop;
    }
    Class::Content(fold_plural(w))
}

/// Folds English plurals: "deliveries" → "delivery", "boxes" → "box", "agents" → "agent".
/// Verb forms are left alone: stripping "-ed"/"-ing" without a dictionary mangles too much.
pub fn fold_plural(w: &str) -> String {
    if !w.is_ascii() || w.len() < 4 {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        if stem.len() >= 2 {
            return format!("{stem}y");
        }
    }
    if w.ends_with("sses") {
        return w[..w.len() - 2].to_string();
    }
    for suffix in ["xes", "ches", "shes", "zzes"] {
        if w.ends_with(suffix) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with('s')
        && !["ss", "us", "is", "os", "as"]
            .iter()
            .any(|s| w.ends_with(s))
    {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// Common English function words and fillers that carry no topic.
pub fn is_stop_word(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "and"
            | "for"
            | "are"
            | "but"
            | "was"
            | "were"
            | "you"
            | "your"
            | "yours"
            | "our"
            | "ours"
            | "they"
            | "them"
            | "their"
            | "this"
            | "that"
            | "these"
            | "those"
            | "with"
            | "from"
            | "have"
            | "has"
            | "had"
            | "been"
            | "being"
            | "its"
            | "it's"
            | "into"
            | "onto"
            | "out"
            | "over"
            | "under"
            | "about"
            | "after"
            | "before"
            | "again"
            | "then"
            | "than"
            | "there"
            | "here"
            | "when"
            | "where"
            | "why"
            | "how"
            | "what"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "will"
            | "would"
            | "shall"
            | "should"
            | "can"
            | "could"
            | "may"
            | "might"
            | "must"
            | "did"
            | "does"
            | "doing"
            | "done"
            | "also"
            | "just"
            | "only"
            | "any"
            | "all"
            | "some"
            | "each"
            | "every"
            | "both"
            | "few"
            | "many"
            | "much"
            | "other"
            | "such"
            | "own"
            | "same"
            | "too"
            | "his"
            | "her"
            | "hers"
            | "him"
            | "she"
            | "he"
            | "himself"
            | "herself"
            | "myself"
            | "yourself"
            | "ourselves"
            | "themselves"
            | "itself"
            | "who's"
            | "i'm"
            | "i've"
            | "i'd"
            | "i'll"
            | "we're"
            | "we've"
            | "you're"
            | "you've"
            | "they're"
            | "get"
            | "got"
            | "getting"
            | "one"
            | "two"
            | "still"
            | "even"
            | "ever"
            | "yet"
            | "while"
            | "because"
            | "since"
            | "until"
            | "through"
            | "during"
            | "between"
            | "against"
            | "above"
            | "below"
            | "off"
            | "down"
            | "further"
            | "once"
            | "via"
            | "per"
            | "lot"
            | "lots"
            | "thing"
            | "things"
            | "really"
            | "very"
            | "am"
            | "is"
            | "be"
            | "an"
            | "as"
            | "at"
            | "by"
            | "if"
            | "in"
            | "it"
            | "me"
            | "my"
            | "of"
            | "on"
            | "or"
            | "so"
            | "to"
            | "up"
            | "us"
            | "we"
            | "she's"
            | "he's"
            | "let"
            | "etc"
            | "now"
            | "today"
            | "yesterday"
            | "day"
            | "days"
            | "time"
            | "times"
            | "way"
            | "make"
            | "made"
            | "take"
            | "took"
            | "say"
            | "said"
            | "come"
            | "came"
            | "go"
            | "went"
            | "going"
            | "know"
            | "think"
            | "want"
            | "need"
            | "use"
            | "used"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_term(text, |t| {
            out.push(match t {
                Term::Word(w) | Term::Negated(w) => w,
                Term::Bigram(a, b) => format!("{a} {b}"),
            })
        });
        out
    }

    #[test]
    fn tokenizer_drops_stop_words_and_folds_plurals() {
        assert_eq!(
            terms("The agents answered my replies, boxes arrived!"),
            vec![
                "agent",
                "agent answered",
                "answered",
                "reply",
                "box",
                "box arrived",
                "arrived"
            ]
        );
        assert_eq!(fold_plural("status"), "status");
        assert_eq!(fold_plural("process"), "process");
        assert_eq!(fold_plural("addresses"), "address");
        assert_eq!(fold_plural("watches"), "watch");
        assert_eq!(fold_plural("deliveries"), "delivery");
    }

    #[test]
    fn bigrams_stay_inside_a_clause_and_keep_negation() {
        assert_eq!(
            terms("Slow response. Not helpful, wasn't helpful"),
            vec![
                "slow",
                "slow response",
                "response",
                "not helpful",
                "helpful",
                "not helpful",
                "helpful"
            ]
        );
        // A stop word between two words breaks the phrase.
        assert_eq!(terms("slow and response"), vec!["slow", "response"]);
        // Hedges are not topics; a kind agent is.
        assert_eq!(terms("kind of slow"), vec!["slow"]);
        assert_eq!(terms("kind agent"), vec!["kind", "kind agent", "agent"]);
    }

    #[test]
    fn log_odds_ranks_by_contrast_not_frequency() {
        let mut c = KeywordCounter::new();
        // "product" is the most frequent word but evenly split (and both sides say as much):
        // it must rank on neither side.
        for _ in 0..20 {
            c.add("friendly agent, product works", 0.6);
            c.add("slow response, product broken", -0.6);
        }
        for _ in 0..5 {
            c.add("product arrived", 0.0);
        }
        let r = c.rank(5);
        let pos: Vec<&str> = r.positive.iter().map(|k| k.term.as_str()).collect();
        let neg: Vec<&str> = r.negative.iter().map(|k| k.term.as_str()).collect();
        assert!(
            pos.contains(&"friendly") && pos.contains(&"friendly agent"),
            "{pos:?}"
        );
        assert!(neg.contains(&"slow response"), "{neg:?}");
        assert!(!pos.contains(&"product") && !neg.contains(&"product"));
        assert!(r.negative.iter().all(|k| k.weight < 0.0));
    }

    #[test]
    fn the_prior_keeps_rare_words_below_frequent_ones() {
        let mut c = KeywordCounter::new();
        for _ in 0..30 {
            c.add("excellent service", 0.8);
            c.add("late parcel", -0.5);
        }
        c.add("wonderful gift", 0.9);
        c.add("wonderful idea", 0.9);
        let r = c.rank(10);
        let rank = |t: &str| r.positive.iter().position(|k| k.term == t);
        assert!(rank("excellent") < rank("wonderful"), "{:?}", r.positive);
        // Seen once: never ranked.
        assert_eq!(rank("gift"), None);
    }

    #[test]
    fn hand_computed_log_odds() {
        // yi=10, yj=2, ni=100, nj=100, α=1, α0=10:
        // ln(11/99) − ln(3/107) = 1.3773…; σ² = 1/11 + 1/3.
        let z = log_odds_z(10.0, 2.0, 100.0, 100.0, 1.0, 10.0);
        let want =
            ((11.0f64 / 99.0).ln() - (3.0f64 / 107.0).ln()) / (1.0 / 11.0 + 1.0 / 3.0f64).sqrt();
        assert!((z - want).abs() < 1e-12);
        assert!(log_odds_z(2.0, 10.0, 100.0, 100.0, 1.0, 10.0) < 0.0);
    }

    #[test]
    fn cloud_sizes_by_frequency_and_colours_by_mean_score() {
        let mut c = KeywordCounter::new();
        c.add("great app", 0.8);
        c.add("great app", 0.4);
        c.add("crashing app", -0.6);
        c.add("crashing app", -0.6);
        let cloud = c.cloud(10);
        assert_eq!(cloud[0].term, "app");
        assert_eq!(cloud[0].count, 4);
        let great = cloud.iter().find(|w| w.term == "great").map(|w| w.score);
        assert!(great.is_some_and(|s| (s - 0.6).abs() < 1e-9));
        assert!(KeywordCounter::text_has_term(
            "The app keeps CRASHING!",
            "crashing"
        ));
        assert!(KeywordCounter::text_has_term(
            "slow response again",
            "slow response"
        ));
        assert!(!KeywordCounter::text_has_term(
            "slow, response",
            "slow response"
        ));
    }

    #[test]
    fn a_negated_word_takes_no_side_and_clauses_take_their_own() {
        let mut c = KeywordCounter::new();
        let a = Analyzer::default();
        for _ in 0..10 {
            c.add_with("The app broke again. Not happy!", -0.6, Some(&a));
            c.add_with(
                "Happy with the app, support answered quickly.",
                0.6,
                Some(&a),
            );
            c.add_with(
                "Great dashboard, but the delivery was terrible",
                -0.4,
                Some(&a),
            );
        }
        let r = c.rank(20);
        let pos: Vec<&str> = r.positive.iter().map(|k| k.term.as_str()).collect();
        let neg: Vec<&str> = r.negative.iter().map(|k| k.term.as_str()).collect();
        assert!(!neg.contains(&"happy"), "{neg:?}");
        assert!(pos.contains(&"happy"), "{pos:?}");
        assert!(neg.contains(&"not happy"), "{neg:?}");
        // The praise clause of a negative text is praise.
        assert!(
            pos.contains(&"dashboard") && neg.contains(&"delivery"),
            "{pos:?} {neg:?}"
        );
        // Searching still finds a negated word.
        assert!(KeywordCounter::text_has_term("Not happy!", "happy"));
        assert_eq!(
            clauses("Great app, but the delivery BUT butter.  (fine)"),
            vec!["Great app", " ", " the delivery ", " butter", "fine"]
                .into_iter()
                .filter(|c| c.chars().any(char::is_alphanumeric))
                .collect::<Vec<_>>()
        );
    }
}
