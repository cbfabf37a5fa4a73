//! Customer and partner voice: the query model of the voice views and what answers them
//! (sentiment summary, feedback log, keywords, social mentions), plus the back-fill of
//! survey comments and re-scoring after an engine change.

use crate::store::feedback::{self as store, contains_pattern, DailySentiment, FeedbackFilter};
use crate::store::{settings, Store, StoreError};
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::feedback::{round4, Audience, FeedbackRecord, FeedbackSource};
use app::domain::query::{decode_pairs, param, Compare, DashboardQuery, QueryError};
use app::domain::sentiment::keywords::KeywordCounter;
use app::domain::sentiment::vader::Analyzer;
use app::domain::sentiment::{Polarity, SentimentCounts};
use app::domain::survey::SurveyKind;
use app::model::voice::{
    FeedbackPage, KeywordsReport, SentimentPoint, SocialReport, SourceSentiment, VoicePage,
    VoiceReport,
};
use std::collections::BTreeMap;

/// Most texts read to rank keywords: the newest are read when a period holds more.
pub const KEYWORD_TEXTS: i64 = 20_000;
/// Most texts a cloud keyword's log is picked from (newest first).
const TERM_TEXTS: i64 = 50_000;
/// Default and largest page of the feedback log.
const PER_PAGE: i64 = 25;
const MAX_PER_PAGE: i64 = 200;
/// Keywords listed per side, and words in the cloud.
const KEYWORDS: usize = 15;
const CLOUD_WORDS: usize = 60;

/// Why a voice read failed.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("{}", .0.message)]
    Query(QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<QueryError> for VoiceError {
    fn from(e: QueryError) -> VoiceError {
        VoiceError::Query(e)
    }
}

/// A voice view's parameters: the dashboard query plus audience, source, class, search.
#[derive(Clone, Debug)]
pub struct VoiceQuery {
    pub dashboard: DashboardQuery,
    pub audience: Audience,
    pub source: Option<FeedbackSource>,
    pub sentiment: Option<Polarity>,
    /// Free-text search (`q`): every word must appear.
    pub q: Option<String>,
    /// A keyword from the cloud (`term`): its words, plural-folded.
    pub term: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

impl VoiceQuery {
    /// Parses the voice parameters of a query string on top of an already scoped dashboard
    /// query (partner accounts have their partner filter set by then).
    pub fn parse(dashboard: DashboardQuery, raw: &str) -> Result<VoiceQuery, QueryError> {
        if dashboard.filters.contains_key(&Dimension::Touchpoint) {
            return Err(QueryError::new(
                "unsupported_filter",
                "feedback has no touchpoint; filter by channel, segment, product_category, region or partner",
            ));
        }
        let pairs = decode_pairs(raw);
        let get = |k: &str| param(&pairs, k).map(str::to_string);
        let audience = match get("audience") {
            None => Audience::Customer,
            Some(a) => Audience::parse(&a).ok_or_else(|| {
                QueryError::new(
                    "invalid_audience",
                    format!("`audience` must be customer or partner, got {a:?}"),
                )
            })?,
        };
        let source = get("source")
            .map(|s| {
                FeedbackSource::parse(&s).ok_or_else(|| {
                    QueryError::new("invalid_source", format!("unknown source {s:?}"))
                })
            })
            .transpose()?;
        let sentiment = get("sentiment")
            .map(|s| {
                Polarity::parse(&s).ok_or_else(|| {
                    QueryError::new(
                        "invalid_sentiment",
                        format!("`sentiment` must be positive, neutral or negative, got {s:?}"),
                    )
                })
            })
            .transpose()?;
        let text = |k: &str| -> Result<Option<String>, QueryError> {
            match get(k) {
                Some(v) if v.chars().count() > 200 || v.chars().any(char::is_control) => {
                    Err(QueryError::new(
                        "invalid_search",
                        format!("`{k}` must be at most 200 printable characters"),
                    ))
                }
                v => Ok(v),
            }
        };
        let int = |k: &str, default: i64, max: i64| -> Result<i64, QueryError> {
            match get(k) {
                None => Ok(default),
                Some(v) => v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        QueryError::new(
                            "invalid_page",
                            format!("`{k}` must be a whole number 1..={max}"),
                        )
                    }),
            }
        };
        Ok(VoiceQuery {
            audience,
            source,
            sentiment,
            q: text("q")?,
            term: text("term")?,
            page: int("page", 1, 100_000)?,
            per_page: int("per_page", PER_PAGE, MAX_PER_PAGE)?,
            dashboard,
        })
    }

    /// The store filter for `from..=to`, with or without the class and text filters.
    fn filter(&self, from: Day, to: Day, texts: bool) -> FeedbackFilter {
        let mut patterns = Vec::new();
        if texts {
            if let Some(q) = &self.q {
                patterns.extend(q.split_whitespace().map(contains_pattern));
            }
            if let Some(t) = &self.term {
                patterns.extend(term_patterns(t));
            }
        }
        FeedbackFilter {
            audience: self.audience,
            from,
            to,
            filters: self.dashboard.filters.clone(),
            source: self.source,
            sentiment: if texts { self.sentiment } else { None },
            patterns,
        }
    }
}

/// `LIKE` patterns for a cloud keyword: each word's stem (a folded "-y" plural also matches
/// "-ies"), so clicking "delivery" finds "deliveries" too.
fn term_patterns(term: &str) -> Vec<String> {
    term.split_whitespace()
        .map(|w| {
            let stem = match w.strip_suffix('y') {
                Some(s) if s.len() >= 3 => s,
                _ => w,
            };
            contains_pattern(stem)
        })
        .collect()
}

/// Sums daily rows into totals, per source and per bucket start.
fn fold(
    rows: &[DailySentiment],
    q: &DashboardQuery,
) -> (
    SentimentCounts,
    BTreeMap<FeedbackSource, SentimentCounts>,
    BTreeMap<Day, SentimentCounts>,
) {
    let mut total = SentimentCounts::default();
    let mut by_source: BTreeMap<FeedbackSource, SentimentCounts> = BTreeMap::new();
    let mut by_bucket: BTreeMap<Day, SentimentCounts> = BTreeMap::new();
    for r in rows {
        total.add(&r.counts, 1);
        if let Some(s) = r.source {
            by_source.entry(s).or_default().add(&r.counts, 1);
        }
        by_bucket
            .entry(q.bucket.start(Day(r.day)))
            .or_default()
            .add(&r.counts, 1);
    }
    (total, by_source, by_bucket)
}

fn trend(q: &DashboardQuery, by_bucket: &BTreeMap<Day, SentimentCounts>) -> Vec<SentimentPoint> {
    q.bucket
        .starts(q.from, q.to)
        .into_iter()
        .map(|t| SentimentPoint {
            t,
            mix: by_bucket.get(&t).copied().unwrap_or_default().mix(),
        })
        .collect()
}

/// Daily sentiment of the texts a query covers, every filter applied (source, class, search
/// words, a cloud keyword). A keyword is matched by stem in SQL and then by the tokenizer, so
/// "app" does not count "happy".
async fn daily(
    store: &Store,
    q: &VoiceQuery,
    from: Day,
    to: Day,
) -> Result<Vec<DailySentiment>, VoiceError> {
    let f = q.filter(from, to, true);
    let Some(term) = &q.term else {
        return Ok(store::daily(store, &f).await?);
    };
    let mut days: BTreeMap<(i64, Option<FeedbackSource>), DailySentiment> = BTreeMap::new();
    for (day, source, score, text) in store::scored_texts(store, &f).await? {
        if !KeywordCounter::text_has_term(&text, term) {
            continue;
        }
        let source = FeedbackSource::parse(&source);
        let row = days.entry((day, source)).or_insert(DailySentiment {
            day,
            source,
            ..DailySentiment::default()
        });
        row.counts.add(&SentimentCounts::one(score), 1);
    }
    Ok(days.into_values().collect())
}

/// Overall sentiment, its change against the compare-to period, the trend and the sources,
/// of the texts every filter selects (so tiles, trend and sources agree with the log).
pub async fn report(store: &Store, q: &VoiceQuery) -> Result<VoiceReport, VoiceError> {
    let d = &q.dashboard;
    let rows = daily(store, q, d.from, d.to).await?;
    let (total, by_source, by_bucket) = fold(&rows, d);
    let previous = match (d.compare, d.previous()) {
        (Compare::None, _) | (_, None) => None,
        (_, Some((from, to))) => {
            let prev = daily(store, q, from, to).await?;
            Some(fold(&prev, d).0.mix())
        }
    };
    let mut sources: Vec<SourceSentiment> = by_source
        .into_iter()
        .map(|(source, c)| SourceSentiment {
            source,
            mix: c.mix(),
        })
        .collect();
    sources.sort_by_key(|s| std::cmp::Reverse(s.mix.n));
    Ok(VoiceReport {
        audience: q.audience,
        from: d.from,
        to: d.to,
        overall: total.mix(),
        previous,
        trend: trend(d, &by_bucket),
        by_source: sources,
    })
}

/// One page of the feedback log, newest first.
pub async fn feedback_page(store: &Store, q: &VoiceQuery) -> Result<FeedbackPage, VoiceError> {
    let d = &q.dashboard;
    let f = q.filter(d.from, d.to, true);
    let (items, total) = match &q.term {
        None => store::list(store, &f, q.page, q.per_page).await?,
        // A cloud keyword is matched by stem in SQL; only texts where the tokenizer really
        // finds it count, so "app" does not list "happy", and the total and pages are exact.
        Some(t) => {
            let (all, _) = store::list(store, &f, 1, TERM_TEXTS).await?;
            let found: Vec<_> = all
                .into_iter()
                .filter(|i| KeywordCounter::text_has_term(&i.text, t))
                .collect();
            let total = found.len() as i64;
            let skip =
                usize::try_from((q.page - 1).saturating_mul(q.per_page)).unwrap_or(usize::MAX);
            let take = usize::try_from(q.per_page).unwrap_or(0);
            (found.into_iter().skip(skip).take(take).collect(), total)
        }
    };
    Ok(FeedbackPage {
        items,
        total,
        page: q.page,
        per_page: q.per_page,
    })
}

/// Top positive and negative keywords (log-odds with an informative prior) and the cloud.
pub async fn keywords(
    store: &Store,
    analyzer: &Analyzer,
    q: &VoiceQuery,
) -> Result<KeywordsReport, VoiceError> {
    let d = &q.dashboard;
    // The cloud filters the log by a keyword; the cloud itself stays as it was.
    let mut q = q.clone();
    q.term = None;
    let (texts, sampled) =
        store::texts(store, &q.filter(d.from, d.to, true), KEYWORD_TEXTS).await?;
    let mut counter = KeywordCounter::new();
    for (text, score) in &texts {
        counter.add_with(text, *score, Some(analyzer));
    }
    let ranking = counter.rank(KEYWORDS);
    Ok(KeywordsReport {
        positive: ranking.positive,
        negative: ranking.negative,
        cloud: counter.cloud(CLOUD_WORDS),
        texts: counter.texts(),
        sampled,
    })
}

/// The whole Feedback & Sentiment page; social mentions when the query says `view=social`.
pub async fn page(
    store: &Store,
    analyzer: &Analyzer,
    q: &VoiceQuery,
    raw: &str,
) -> Result<VoicePage, VoiceError> {
    let social_view = decode_pairs(raw)
        .iter()
        .any(|(k, v)| k == "view" && v == "social");
    Ok(VoicePage {
        report: report(store, q).await?,
        keywords: keywords(store, analyzer, q).await?,
        feedback: feedback_page(store, q).await?,
        social: if social_view {
            Some(social(store, q).await?)
        } else {
            None
        },
    })
}

/// Social mentions: volume, engagement, sentiment, trend, influencers and advocates.
pub async fn social(store: &Store, q: &VoiceQuery) -> Result<SocialReport, VoiceError> {
    let d = &q.dashboard;
    let mut q = q.clone();
    q.source = Some(FeedbackSource::Social);
    let f = q.filter(d.from, d.to, false);
    let rows = store::daily(store, &f).await?;
    let (total, _, by_bucket) = fold(&rows, d);
    let (likes, shares, comments) = rows.iter().fold((0i64, 0i64, 0i64), |a, r| {
        (
            a.0.saturating_add(r.likes),
            a.1.saturating_add(r.shares),
            a.2.saturating_add(r.comments),
        )
    });
    let influencers = store::authors(store, &f, 10).await?;
    let mut advocates: Vec<_> = store::authors(store, &f, 200)
        .await?
        .into_iter()
        .filter(|a| a.mentions >= 2 && a.score >= 0.05)
        .collect();
    advocates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.mentions.cmp(&a.mentions))
    });
    advocates.truncate(10);
    Ok(SocialReport {
        from: d.from,
        to: d.to,
        mentions: total.n,
        likes,
        shares,
        comments,
        engagement_per_mention: (total.n > 0)
            .then(|| (likes as f64 + shares as f64 + comments as f64) / total.n as f64),
        sentiment: total.mix(),
        trend: trend(d, &by_bucket),
        influencers,
        advocates,
    })
}

/// Stores every survey comment that has no feedback row yet; returns how many were added.
pub async fn backfill_survey_comments(
    store: &Store,
    analyzer: &Analyzer,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let mut after = String::new();
    let mut added = 0;
    loop {
        let rows = store::survey_comments_missing(store, &after, 5_000).await?;
        let Some(last) = rows.last() else {
            return Ok(added);
        };
        after = last.0.clone();
        let records: Vec<FeedbackRecord> = rows
            .into_iter()
            .map(
                |(id, kind, comment, at, customer, partner, channel, segment, category, region)| {
                    let audience = match SurveyKind::parse(&kind) {
                        Some(SurveyKind::Pss | SurveyKind::Pnps) => Audience::Partner,
                        _ => Audience::Customer,
                    };
                    FeedbackRecord {
                        external_id: format!("survey:{id}"),
                        source: FeedbackSource::Survey,
                        score: round4(analyzer.score(&comment).compound),
                        text: comment,
                        at_ms: at,
                        audience,
                        customer_id: customer.unwrap_or_default(),
                        partner_id: partner,
                        channel,
                        segment,
                        product_category: category,
                        region,
                        likes: 0,
                        shares: 0,
                        comments: 0,
                        author: String::new(),
                        followers: 0,
                    }
                },
            )
            .collect();
        added += store::upsert_batch(store, records, now_ms).await?.created;
    }
}

/// Runs the survey-comment back-fill once per store (the first start with this feature).
pub async fn backfill_once(
    store: &Store,
    analyzer: &Analyzer,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let token = crate::auth::tokens::random_token(16);
    let marker =
        settings::get_or_init(store, "voice.survey_comments_backfilled", || token.clone()).await?;
    if marker != token {
        return Ok(0);
    }
    backfill_survey_comments(store, analyzer, now_ms).await
}

/// Re-scores every stored text with `analyzer`; returns (texts read, texts changed). Changed
/// scores move their rollup contribution like any other upsert and are announced on `bus`.
pub async fn rescore_all(
    store: &Store,
    analyzer: &Analyzer,
    bus: Option<&crate::bus::ChangeBus>,
    now_ms: i64,
) -> Result<(i64, i64), StoreError> {
    let score = |text: &str| round4(analyzer.score(text).compound);
    let mut after = String::new();
    let (mut read, mut changed) = (0, 0);
    loop {
        let page = store::page_after(store, &after, 5_000).await?;
        let Some(last) = page.last() else {
            return Ok((read, changed));
        };
        after = last.external_id.clone();
        read += page.len() as i64;
        let stale: Vec<String> = page
            .into_iter()
            .filter(|r| score(&r.text) != r.score)
            .map(|r| r.external_id)
            .collect();
        if !stale.is_empty() {
            let outcome = store::rescore_batch(store, stale, &score, now_ms).await?;
            changed += outcome.updated;
            if let Some(bus) = bus {
                crate::ingest::announce_on(bus, "feedback", &outcome, now_ms);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_patterns_match_plural_forms() {
        assert_eq!(term_patterns("delivery"), vec!["%deliver%"]);
        assert_eq!(term_patterns("slow response"), vec!["%slow%", "%response%"]);
        assert!(KeywordCounter::text_has_term(
            "Two deliveries late",
            "delivery"
        ));
    }

    #[test]
    fn touchpoint_is_refused_and_bad_values_get_codes() {
        let today = Day(20_000);
        let d = |s: &str| DashboardQuery::parse_str(s, today).unwrap();
        let err = |s: &str| VoiceQuery::parse(d(s), s).unwrap_err().code;
        assert_eq!(err("touchpoint=support"), "unsupported_filter");
        assert_eq!(err("audience=bots"), "invalid_audience");
        assert_eq!(err("source=fax"), "invalid_source");
        assert_eq!(err("sentiment=meh"), "invalid_sentiment");
        assert_eq!(err("page=0"), "invalid_page");
        let q = VoiceQuery::parse(
            d("audience=partner&source=portal"),
            "audience=partner&source=portal",
        )
        .unwrap();
        assert_eq!(q.audience, Audience::Partner);
        assert_eq!(q.source, Some(FeedbackSource::Portal));
        assert_eq!(q.per_page, PER_PAGE);
    }
}
