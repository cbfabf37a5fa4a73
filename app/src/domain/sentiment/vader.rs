//! The VADER rules (Hutto & Gilbert, ICWSM 2014) over the shipped lexicon: negation,
//! boosters and dampeners, "but" clauses, "least", capitals, exclamation and question-mark
//! emphasis, emoticons (lexicon entries) and emojis (replaced by their descriptions).
//!
//! It follows `vaderSentiment` 3.3.2 rule for rule, with one deliberate difference: the
//! reference's "but" rule finds each score by *value* (`list.index`), so when two words share a
//! valence across the "but" it can weight the wrong one; here every word is weighted by its
//! position, which is what the paper describes.

use super::domain::DomainLexicon;
use super::lexicon::Lexicon;
use super::Polarity;
use std::borrow::Cow;
use std::sync::Arc;

/// Valence added by a booster ("very"), subtracted by a dampener ("slightly").
const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
/// Emphasis of a word in capitals among words that are not.
const C_INCR: f64 = 0.733;
/// Negation multiplies a valence by this.
const N_SCALAR: f64 = -0.74;
/// Normalisation constant: compound = s / √(s² + α).
const ALPHA: f64 = 15.0;

/// The scores of one text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scores {
    /// Normalised sum of valences, −1..1.
    pub compound: f64,
    /// Share of the text's sentiment mass that is positive, 0..1.
    pub pos: f64,
    /// Share that is neutral, 0..1.
    pub neu: f64,
    /// Share that is negative, 0..1.
    pub neg: f64,
}

impl Scores {
    /// The class of the compound score.
    pub fn polarity(&self) -> Polarity {
        Polarity::of(self.compound)
    }
}

/// Scores texts against a lexicon, optionally with a domain lexicon layered over it. Cheap to
/// clone; holds no per-text state. [`Analyzer::default`] is the general engine alone, the one
/// the agreement test holds to the reference.
#[derive(Clone, Debug)]
pub struct Analyzer {
    lex: &'static Lexicon,
    domain: Option<Arc<DomainLexicon>>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            lex: Lexicon::vader(),
            domain: None,
        }
    }
}

/// One whitespace-separated token after punctuation stripping.
struct Token<'a> {
    lower: Cow<'a, str>,
    upper: bool,
    valence: Option<f64>,
    /// A later word of a domain phrase: its valence is the phrase's first word's, so it
    /// counts for nothing itself.
    absorbed: bool,
    /// The first word of a domain phrase (a booster word starting a phrase still counts).
    head: bool,
}

impl Analyzer {
    /// An analyzer over the given tables.
    pub fn new(lex: &'static Lexicon) -> Analyzer {
        Analyzer { lex, domain: None }
    }

    /// The general lexicon with `domain`'s words and phrases layered over it.
    pub fn with_domain(domain: Arc<DomainLexicon>) -> Analyzer {
        Analyzer {
            lex: Lexicon::vader(),
            domain: Some(domain),
        }
    }

    /// The valence of a lower-cased word: the domain lexicon's when it names the word.
    #[inline]
    fn valence(&self, lower: &str) -> Option<f64> {
        match self.domain.as_deref().and_then(|d| d.word(lower)) {
            Some(v) => v,
            None => self.lex.valence(lower),
        }
    }

    /// Gives each domain phrase's valence to its first word and absorbs the rest, longest
    /// phrase first, left to right; the VADER rules then apply to the phrase as to a word.
    fn apply_phrases(&self, tokens: &mut [Token<'_>]) {
        let Some(domain) = self.domain.as_deref().filter(|d| d.has_phrases()) else {
            return;
        };
        let mut i = 0;
        while i < tokens.len() {
            let found = {
                let t: &[Token<'_>] = tokens;
                domain.phrase_at(|k| t.get(i + k).map(|t| &*t.lower))
            };
            match found {
                Some((len, v)) => {
                    tokens[i].valence = Some(v);
                    tokens[i].head = true;
                    for t in &mut tokens[i + 1..i + len] {
                        t.valence = None;
                        t.absorbed = true;
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
    }

    /// Scores one text.
    pub fn score(&self, text: &str) -> Scores {
        let text = self.replace_emojis(text);
        let mut tokens: Vec<Token<'_>> = text
            .split_whitespace()
            .map(|w| {
                let raw = strip_punctuation(w);
                let lower = lowercase(raw);
                let valence = self.valence(&lower);
                Token {
                    upper: is_upper(raw),
                    lower,
                    valence,
                    absorbed: false,
                    head: false,
                }
            })
            .collect();
        self.apply_phrases(&mut tokens);
        let uppers = tokens.iter().filter(|t| t.upper).count();
        // Capitals only emphasise when some, but not all, words are in capitals.
        let cap_diff = uppers > 0 && uppers < tokens.len();
        let mut sentiments = Vec::with_capacity(tokens.len());
        for i in 0..tokens.len() {
            let lower = &*tokens[i].lower;
            if tokens[i].absorbed {
                sentiments.push(0.0);
                continue;
            }
            if (booster(lower).is_some() && !tokens[i].head)
                || (lower == "kind" && tokens.get(i + 1).is_some_and(|t| t.lower == "of"))
            {
                sentiments.push(0.0);
                continue;
            }
            sentiments.push(valence_at(&tokens, i, cap_diff));
        }
        but_check(&tokens, &mut sentiments);
        score_valence(&sentiments, &text)
    }

    /// Replaces each emoji by its description, spaced from what precedes it.
    fn replace_emojis<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if text.is_ascii() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut prev_space = true;
        for c in text.chars() {
            match self.lex.emoji(c) {
                Some(desc) => {
                    if !prev_space {
                        out.push(' ');
                    }
                    out.push_str(desc);
                    prev_space = false;
                }
                None => {
                    out.push(c);
                    prev_space = c == ' ';
                }
            }
        }
        Cow::Owned(out)
    }
}

/// The valence of token `i` with its modifiers applied (0 when it is not a lexicon word).
fn valence_at(tokens: &[Token<'_>], i: usize, cap_diff: bool) -> f64 {
    let Some(base) = tokens[i].valence else {
        return 0.0;
    };
    let lw = |k: usize| -> &str { &tokens[k].lower };
    let in_lex = |k: usize| tokens[k].valence.is_some();
    let mut valence = base;
    // "no" before a lexicon word negates that word instead of counting itself.
    if lw(i) == "no" && i + 1 < tokens.len() && in_lex(i + 1) {
        valence = 0.0;
    }
    if (i > 0 && lw(i - 1) == "no")
        || (i > 1 && lw(i - 2) == "no")
        || (i > 2 && lw(i - 3) == "no" && matches!(lw(i - 1), "or" | "nor"))
    {
        valence = base * N_SCALAR;
    }
    if tokens[i].upper && cap_diff {
        if valence > 0.0 {
            valence += C_INCR;
        } else {
            valence -= C_INCR;
        }
    }
    for start in 0..3 {
        if i > start && !in_lex(i - (start + 1)) {
            let mut s = scalar_inc_dec(&tokens[i - (start + 1)], valence, cap_diff);
            if start == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = negation_check(valence, tokens, start, i);
            if start == 2 {
                valence = special_idioms_check(valence, tokens, i);
            }
        }
    }
    least_check(valence, tokens, i)
}

/// What a preceding booster or dampener adds, signed towards the word's own valence.
fn scalar_inc_dec(word: &Token<'_>, valence: f64, cap_diff: bool) -> f64 {
    let Some(mut scalar) = booster(&word.lower) else {
        return 0.0;
    };
    if valence < 0.0 {
        scalar = -scalar;
    }
    if word.upper && cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

fn negation_check(valence: f64, tokens: &[Token<'_>], start: usize, i: usize) -> f64 {
    let lw = |k: usize| -> &str { &tokens[k].lower };
    match start {
        0 if negated(lw(i - 1)) => valence * N_SCALAR,
        1 => {
            if lw(i - 2) == "never" && matches!(lw(i - 1), "so" | "this") {
                valence * 1.25
            } else if lw(i - 2) == "without" && lw(i - 1) == "doubt" {
                valence
            } else if negated(lw(i - 2)) {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        2 => {
            // The reference reads `never and (so|this) or (so|this)`: the second test stands
            // alone, so "so"/"this" right before the word boosts after any negation.
            if (lw(i - 3) == "never" && matches!(lw(i - 2), "so" | "this"))
                || matches!(lw(i - 1), "so" | "this")
            {
                valence * 1.25
            } else if lw(i - 3) == "without" && (lw(i - 2) == "doubt" || lw(i - 1) == "doubt") {
                valence
            } else if negated(lw(i - 3)) {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        _ => valence,
    }
}

/// Idioms around word `i` replace its valence; booster n-grams before it add to it.
fn special_idioms_check(mut valence: f64, tokens: &[Token<'_>], i: usize) -> f64 {
    let lw = |k: usize| -> &str { &tokens[k].lower };
    let before: [&[&str]; 5] = [
        &[lw(i - 1), lw(i)],
        &[lw(i - 2), lw(i - 1), lw(i)],
        &[lw(i - 2), lw(i - 1)],
        &[lw(i - 3), lw(i - 2), lw(i - 1)],
        &[lw(i - 3), lw(i - 2)],
    ];
    if let Some(v) = before.iter().find_map(|seq| special_case(seq)) {
        valence = v;
    }
    if i + 1 < tokens.len() {
        if let Some(v) = special_case(&[lw(i), lw(i + 1)]) {
            valence = v;
        }
    }
    if i + 2 < tokens.len() {
        if let Some(v) = special_case(&[lw(i), lw(i + 1), lw(i + 2)]) {
            valence = v;
        }
    }
    let grams: [&[&str]; 3] = [
        &[lw(i - 3), lw(i - 2), lw(i - 1)],
        &[lw(i - 3), lw(i - 2)],
        &[lw(i - 2), lw(i - 1)],
    ];
    for g in grams {
        if let Some(b) = booster_phrase(g) {
            valence += b;
        }
    }
    valence
}

/// "least" before a word negates it, except in "at least" and "very least".
fn least_check(valence: f64, tokens: &[Token<'_>], i: usize) -> f64 {
    let prev_is_least = |k: usize| tokens[k].valence.is_none() && tokens[k].lower == "least";
    if i > 1 && prev_is_least(i - 1) {
        if !matches!(&*tokens[i - 2].lower, "at" | "very") {
            return valence * N_SCALAR;
        }
        valence
    } else if i > 0 && prev_is_least(i - 1) {
        valence * N_SCALAR
    } else {
        valence
    }
}

/// Words before the first "but" count half; words after it count one and a half.
fn but_check(tokens: &[Token<'_>], sentiments: &mut [f64]) {
    let Some(bi) = tokens.iter().position(|t| t.lower == "but") else {
        return;
    };
    for (i, s) in sentiments.iter_mut().enumerate() {
        if i < bi {
            *s *= 0.5;
        } else if i > bi {
            *s *= 1.5;
        }
    }
}

fn score_valence(sentiments: &[f64], text: &str) -> Scores {
    if sentiments.is_empty() {
        return Scores {
            compound: 0.0,
            pos: 0.0,
            neu: 0.0,
            neg: 0.0,
        };
    }
    let mut sum: f64 = sentiments.iter().sum();
    let emphasis = punctuation_emphasis(text);
    if sum > 0.0 {
        sum += emphasis;
    } else if sum < 0.0 {
        sum -= emphasis;
    }
    let compound = (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0);
    let (mut pos_sum, mut neg_sum, mut neu) = (0.0, 0.0, 0.0);
    for &s in sentiments {
        if s > 0.0 {
            // +1 compensates for neutral words counting 1 each.
            pos_sum += s + 1.0;
        } else if s < 0.0 {
            neg_sum += s - 1.0;
        } else {
            neu += 1.0;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += emphasis;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= emphasis;
    }
    let total = pos_sum + neg_sum.abs() + neu;
    Scores {
        compound,
        pos: (pos_sum / total).abs(),
        neu: (neu / total).abs(),
        neg: (neg_sum / total).abs(),
    }
}

/// Up to four "!" add 0.292 each; two or three "?" add 0.18 each, more add 0.96.
fn punctuation_emphasis(text: &str) -> f64 {
    let (mut ep, mut qm) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'!' => ep += 1,
            b'?' => qm += 1,
            _ => {}
        }
    }
    let ep = ep.min(4) as f64 * 0.292;
    let qm = match qm {
        0 | 1 => 0.0,
        2 | 3 => qm as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

/// Strips leading and trailing ASCII punctuation unless that leaves two characters or fewer
/// (then the token was probably an emoticon such as ":)" and stays whole).
fn strip_punctuation(token: &str) -> &str {
    let stripped = token.trim_matches(|c: char| c.is_ascii_punctuation());
    if stripped.chars().nth(2).is_none() {
        token
    } else {
        stripped
    }
}

fn lowercase(s: &str) -> Cow<'_, str> {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// Python's `str.isupper`: at least one cased character and no lower-case one.
fn is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// Whether a lower-cased word negates what follows.
fn negated(w: &str) -> bool {
    w.contains("n't")
        || matches!(
            w,
            "aint"
                | "arent"
                | "cannot"
                | "cant"
                | "couldnt"
                | "darent"
                | "didnt"
                | "doesnt"
                | "dont"
                | "hadnt"
                | "hasnt"
                | "havent"
                | "isnt"
                | "mightnt"
                | "mustnt"
                | "neither"
                | "neednt"
                | "never"
                | "none"
                | "nope"
                | "nor"
                | "not"
                | "nothing"
                | "nowhere"
                | "oughtnt"
                | "shant"
                | "shouldnt"
                | "uhuh"
                | "wasnt"
                | "werent"
                | "uh-uh"
                | "without"
                | "wont"
                | "wouldnt"
                | "rarely"
                | "seldom"
                | "despite"
        )
}

/// Whether a lower-cased word negates (exposed for keyword extraction).
pub fn is_negation(w: &str) -> bool {
    negated(w)
}

/// The increment of a booster or dampener word.
fn booster(w: &str) -> Option<f64> {
    match w {
        "absolutely" | "amazingly" | "awfully" | "completely" | "considerable" | "considerably"
        | "decidedly" | "deeply" | "effing" | "enormous" | "enormously" | "entirely"
        | "especially" | "exceptional" | "exceptionally" | "extreme" | "extremely"
        | "fabulously" | "flipping" | "flippin" | "frackin" | "fracking" | "fricking"
        | "frickin" | "frigging" | "friggin" | "fully" | "fuckin" | "fucking" | "fuggin"
        | "fugging" | "greatly" | "hella" | "highly" | "hugely" | "incredible" | "incredibly"
        | "intensely" | "major" | "majorly" | "more" | "most" | "particularly" | "purely"
        | "quite" | "really" | "remarkably" | "so" | "substantially" | "thoroughly" | "total"
        | "totally" | "tremendous" | "tremendously" | "uber" | "unbelievably" | "unusually"
        | "utter" | "utterly" | "very" => Some(B_INCR),
        "almost" | "barely" | "hardly" | "kinda" | "kindof" | "kind-of" | "less" | "little"
        | "marginal" | "marginally" | "occasional" | "occasionally" | "partly" | "scarce"
        | "scarcely" | "slight" | "slightly" | "somewhat" | "sorta" | "sortof" | "sort-of" => {
            Some(B_DECR)
        }
        _ => None,
    }
}

/// Whether a lower-cased word is a booster or dampener (exposed for keyword extraction).
pub fn is_degree_word(w: &str) -> bool {
    booster(w).is_some()
}

/// Booster entries of more than one word.
fn booster_phrase(words: &[&str]) -> Option<f64> {
    match words {
        ["just", "enough"] | ["kind", "of"] | ["sort", "of"] => Some(B_DECR),
        [one] => booster(one),
        _ => None,
    }
}

/// Idioms whose valence replaces the word's own.
fn special_case(words: &[&str]) -> Option<f64> {
    match words {
        ["the", "shit"] | ["the", "bomb"] | ["to", "die", "for"] => Some(3.0),
        ["bad", "ass"] | ["badass"] => Some(1.5),
        ["bus", "stop"] => Some(0.0),
        ["yeah", "right"] => Some(-2.0),
        ["kiss", "of", "death"] => Some(-1.5),
        ["beating", "heart"] => Some(3.5),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compound(text: &str) -> f64 {
        (Analyzer::default().score(text).compound * 10_000.0).round() / 10_000.0
    }

    // Expected values are vaderSentiment 3.3.2's own output for its demo sentences.
    #[test]
    fn reference_demo_sentences_match() {
        let cases = [
            ("VADER is smart, handsome, and funny.", 0.8316),
            ("VADER is smart, handsome, and funny!", 0.8439),
            ("VADER is very smart, handsome, and funny.", 0.8545),
            ("VADER is VERY SMART, handsome, and FUNNY.", 0.9227),
            ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
            ("VADER is not smart, handsome, nor funny.", -0.7424),
            ("The book was good.", 0.4404),
            ("At least it isn't a horrible book.", 0.431),
            ("The book was only kind of good.", 0.3832),
            (
                "The plot was good, but the characters are uncompelling and the dialog is not great.",
                -0.7042,
            ),
            ("Today SUX!", -0.5461),
            ("Today only kinda sux! But I'll get by, lol", 0.5249),
            ("Make sure you :) or :D today!", 0.8633),
            ("Catch utf-8 emoji such as 💘 and 💋 and 😁", 0.875),
            ("Not bad at all", 0.431),
        ];
        for (text, want) in cases {
            assert_eq!(compound(text), want, "{text}");
        }
    }

    #[test]
    fn negation_flips_and_scales_the_valence() {
        // good = 1.9; negated = 1.9 × −0.74.
        let plain = Analyzer::default().score("good");
        let negated = Analyzer::default().score("not good");
        assert!(plain.compound > 0.0 && negated.compound < 0.0);
        let want = -1.406 / (1.406f64 * 1.406 + 15.0).sqrt();
        assert!((negated.compound - want).abs() < 1e-9);
        // Contractions negate too, and "never so" boosts instead.
        assert!(compound("it isn't good") < 0.0);
        assert!(compound("never so good") > compound("good"));
    }

    #[test]
    fn boosters_raise_and_dampeners_lower_intensity() {
        let good = compound("the support was good");
        assert!(compound("the support was very good") > good);
        assert!(compound("the support was slightly good") < good);
        // A booster works towards the word's own sign.
        assert!(compound("the support was very bad") < compound("the support was bad"));
        // Its effect fades with distance: 0.293, then ×0.95, then ×0.9.
        let s = |t: &str| Analyzer::default().score(t).compound;
        let near = s("very good");
        let far = s("very x good");
        assert!(near > far && far > s("good"));
    }

    #[test]
    fn but_clause_weights_the_second_half() {
        // good (1.9) × 0.5 + bad (−2.5) × 1.5 = −2.8.
        let got = Analyzer::default().score("good but bad").compound;
        let want = -2.8 / (2.8f64 * 2.8 + 15.0).sqrt();
        assert!((got - want).abs() < 1e-9, "{got}");
        assert!(compound("bad but good") > 0.0);
    }

    #[test]
    fn capitals_and_exclamations_add_emphasis() {
        assert!(compound("the app is GREAT today") > compound("the app is great today"));
        // All capitals is shouting everywhere, so no word stands out.
        assert_eq!(compound("GREAT APP"), compound("great app"));
        assert!(compound("great app!!") > compound("great app"));
        // More than four exclamation marks add nothing more.
        assert_eq!(compound("great app!!!!"), compound("great app!!!!!!!"));
        assert!(compound("terrible app??") < compound("terrible app"));
    }

    #[test]
    fn emoticons_and_emojis_carry_sentiment() {
        assert!(compound("delivery :(") < 0.0);
        assert!(compound("delivery :)") > 0.0);
        assert_eq!(compound("delivery 😠"), -0.5106);
        // "pouting face" holds no lexicon word, so the reference scores it 0 too.
        assert_eq!(compound("delivery 😡"), 0.0);
        assert!(compound("delivery😍") > 0.0);
        assert_eq!(compound("plain text, nothing here"), 0.0);
        assert_eq!(Analyzer::default().score("").compound, 0.0);
    }

    #[test]
    fn least_and_idioms_follow_the_reference() {
        assert!(compound("the least helpful agent") < 0.0);
        assert!(compound("at least helpful") > 0.0);
        // Idioms replace the valence of the word after them (values from the reference).
        assert_eq!(compound("the service is yeah right great"), -0.7184);
        assert_eq!(compound("the app is the bomb"), 0.6124);
        assert!(compound("no problems at all") > 0.0);
    }

    #[test]
    fn proportions_sum_to_one() {
        let s = Analyzer::default().score("Great product, but the delivery was slow and awful!");
        assert!((s.pos + s.neu + s.neg - 1.0).abs() < 1e-9);
        assert_eq!(s.polarity(), Polarity::Negative);
    }

    fn domain(stored: &[(&str, f64)]) -> Analyzer {
        use crate::domain::sentiment::domain::{DomainLexicon, StoredTerm};
        let stored: Vec<StoredTerm> = stored
            .iter()
            .map(|(t, v)| StoredTerm {
                term: t.to_string(),
                valence: *v,
                note: String::new(),
                updated_at: 0,
                updated_by: String::new(),
            })
            .collect();
        Analyzer::with_domain(Arc::new(DomainLexicon::build(&stored)))
    }

    #[test]
    fn the_domain_lexicon_scores_customer_service_language() {
        let text = "The delivery is slow and keeps crashing.";
        assert_eq!(compound(text), 0.0, "the general lexicon has neither word");
        let d = domain(&[]);
        // slow −1.5 and the phrase "keeps crashing" −2.4 on its first word: −3.9 in all.
        let want = -3.9 / (3.9f64 * 3.9 + 15.0).sqrt();
        assert!(
            (d.score(text).compound - want).abs() < 1e-9,
            "{}",
            d.score(text).compound
        );
        // The VADER rules apply to domain words: negation, boosters, but.
        assert!(d.score("the app is not slow").compound > 0.0);
        assert!(d.score("very slow").compound < d.score("slow").compound);
        assert!(d.score("slow at first but reliable").compound > 0.0);
        // Phrases: "on hold" is one term; its words alone are nothing.
        assert!(d.score("I was on hold").compound < 0.0);
        assert_eq!(d.score("hold on").compound, 0.0);
        // An admin's entry replaces a default or a general word; 0 neutralises.
        let custom = domain(&[("slow", -3.0), ("happy", 0.0)]);
        assert!(custom.score("slow").compound < d.score("slow").compound);
        assert_eq!(custom.score("happy").compound, 0.0);
        assert!(d.score("happy").compound > 0.0);
        // Without a domain lexicon the engine is the reference's, unchanged.
        assert_eq!(compound("The book was good."), 0.4404);
        assert_eq!(
            d.score("The book was good.").compound,
            Analyzer::default().score("The book was good.").compound
        );
    }
}
