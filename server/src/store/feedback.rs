//! Feedback facts and their sentiment rollups. An upsert moves a text's rollup contribution
//! (−stored, +new) in the same transaction, so rollups always equal the facts.

use super::sql::{Bind, Sql};
use super::{Pool, Store, StoreError, Upserted};
use crate::store::BeginWrite;
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::feedback::{Audience, FeedbackRecord, FeedbackSource};
use app::domain::sentiment::{Polarity, SentimentCounts};
use app::model::voice::{FeedbackItem, Influencer};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap};

/// Rows per multi-row statement (20 binds each).
const CHUNK: usize = 200;

const COLUMNS: &str = "external_id, source, audience, body, at_ms, day, score_e4, label, \
     customer_id, partner_id, channel, segment, product_category, region, likes, shares, \
     comments, author, followers, ingested_at";

/// Additive contribution of texts to one rollup row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Contribution {
    counts: SentimentCounts,
    likes: i64,
    shares: i64,
    comments: i64,
}

/// (audience, dim, val, day, source).
type RollupKey = (&'static str, &'static str, String, i64, &'static str);

fn rollup_dims(r: &FeedbackRecord) -> [(&'static str, &str); 6] {
    [
        ("", ""),
        ("channel", r.channel.as_str()),
        ("segment", r.segment.as_str()),
        ("product_category", r.product_category.as_str()),
        ("region", r.region.as_str()),
        ("partner", r.partner_id.as_str()),
    ]
}

fn apply(deltas: &mut BTreeMap<RollupKey, Contribution>, r: &FeedbackRecord, sign: i64) {
    let one = SentimentCounts::one(r.score);
    for (dim, val) in rollup_dims(r) {
        let c = deltas
            .entry((
                r.audience.as_str(),
                dim,
                val.to_string(),
                r.day().0,
                r.source.as_str(),
            ))
            .or_default();
        c.counts.add(&one, sign);
        c.likes = c.likes.saturating_add(sign * r.likes);
        c.shares = c.shares.saturating_add(sign * r.shares);
        c.comments = c.comments.saturating_add(sign * r.comments);
    }
}

/// A stored row as both dialects decode it.
#[derive(sqlx::FromRow)]
struct FeedbackRow {
    external_id: String,
    source: String,
    audience: String,
    body: String,
    at_ms: i64,
    #[allow(dead_code)]
    day: i64,
    score_e4: i64,
    #[allow(dead_code)]
    label: String,
    customer_id: String,
    partner_id: String,
    channel: String,
    segment: String,
    product_category: String,
    region: String,
    likes: i64,
    shares: i64,
    comments: i64,
    author: String,
    followers: i64,
    #[allow(dead_code)]
    ingested_at: i64,
}

impl From<FeedbackRow> for FeedbackRecord {
    fn from(r: FeedbackRow) -> FeedbackRecord {
        FeedbackRecord {
            external_id: r.external_id,
            source: FeedbackSource::parse(&r.source).unwrap_or(FeedbackSource::Review),
            text: r.body,
            at_ms: r.at_ms,
            audience: Audience::parse(&r.audience).unwrap_or(Audience::Customer),
            customer_id: r.customer_id,
            partner_id: r.partner_id,
            channel: r.channel,
            segment: r.segment,
            product_category: r.product_category,
            region: r.region,
            likes: r.likes,
            shares: r.shares,
            comments: r.comments,
            author: r.author,
            followers: r.followers,
            score: r.score_e4 as f64 / 10_000.0,
        }
    }
}

/// Upserts a validated batch in one transaction. A text equal to the stored one changes
/// nothing; a different one replaces it and moves its rollup contribution.
pub async fn upsert_batch(
    store: &Store,
    records: Vec<FeedbackRecord>,
    now_ms: i64,
) -> Result<Upserted, StoreError> {
    let (records, repeated) = super::last_per_id(records, |r| r.external_id.as_str());
    write(store, Write::Upsert(records), repeated, now_ms).await
}

/// Re-scores the stored texts of `ids` with `score`, reading each text inside the write
/// transaction, so a text replaced since the caller last read it is scored as it is now
/// (never written back as it was). Changed scores move their rollup contribution.
pub async fn rescore_batch(
    store: &Store,
    ids: Vec<String>,
    score: &(dyn Fn(&str) -> f64 + Sync),
    now_ms: i64,
) -> Result<Upserted, StoreError> {
    write(store, Write::Rescore(ids, score), 0, now_ms).await
}

/// What a write brings: whole records, or ids whose stored texts are scored again.
enum Write<'a> {
    Upsert(Vec<FeedbackRecord>),
    Rescore(Vec<String>, &'a (dyn Fn(&str) -> f64 + Sync)),
}

async fn write(
    store: &Store,
    what: Write<'_>,
    repeated: i64,
    now_ms: i64,
) -> Result<Upserted, StoreError> {
    let mut out = Upserted {
        unchanged: repeated,
        ..Upserted::default()
    };
    let (ids, mut records, rescore) = match what {
        Write::Upsert(records) => (
            records
                .iter()
                .map(|r| r.external_id.clone())
                .collect::<Vec<_>>(),
            records,
            None,
        ),
        Write::Rescore(ids, score) => (ids, Vec::new(), Some(score)),
    };
    if ids.is_empty() {
        return Ok(out);
    }
    let _w = store.write_guard().await;
    let postgres = matches!(store.pool(), Pool::Postgres(_));
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        if postgres {
            // Read-then-move needs the stored version to stay put until commit.
            sqlx::query("LOCK TABLE feedback IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let mut stored: HashMap<String, FeedbackRecord> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM feedback WHERE external_id IN "));
            qb.push_tuples(chunk.iter(), |mut b, id| {
                b.push_bind(id.as_str());
            });
            for row in qb.build_query_as::<FeedbackRow>().fetch_all(&mut *tx).await? {
                let r = FeedbackRecord::from(row);
                stored.insert(r.external_id.clone(), r);
            }
        }
        if let Some(score) = rescore {
            records = ids
                .iter()
                .filter_map(|id| stored.get(id))
                .map(|old| {
                    let mut r = old.clone();
                    r.score = score(&r.text);
                    r
                })
                .collect();
        }
        let mut deltas: BTreeMap<RollupKey, Contribution> = BTreeMap::new();
        let mut changed: Vec<&FeedbackRecord> = Vec::new();
        for r in &records {
            match stored.get(&r.external_id) {
                Some(old) if old == r => out.unchanged += 1,
                Some(old) => {
                    apply(&mut deltas, old, -1);
                    apply(&mut deltas, r, 1);
                    out.updated += 1;
                    changed.push(r);
                }
                None => {
                    apply(&mut deltas, r, 1);
                    out.created += 1;
                    changed.push(r);
                }
            }
        }
        deltas.retain(|_, c| *c != Contribution::default());
        for chunk in changed.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(format!("INSERT INTO feedback ({COLUMNS}) "));
            qb.push_values(chunk.iter(), |mut b, r| {
                b.push_bind(r.external_id.as_str())
                    .push_bind(r.source.as_str())
                    .push_bind(r.audience.as_str())
                    .push_bind(r.text.as_str())
                    .push_bind(r.at_ms)
                    .push_bind(r.day().0)
                    .push_bind(SentimentCounts::one(r.score).score_e4)
                    .push_bind(r.polarity().as_str())
                    .push_bind(r.customer_id.as_str())
                    .push_bind(r.partner_id.as_str())
                    .push_bind(r.channel.as_str())
                    .push_bind(r.segment.as_str())
                    .push_bind(r.product_category.as_str())
                    .push_bind(r.region.as_str())
                    .push_bind(r.likes)
                    .push_bind(r.shares)
                    .push_bind(r.comments)
                    .push_bind(r.author.as_str())
                    .push_bind(r.followers)
                    .push_bind(now_ms);
            });
            qb.push(
                " ON CONFLICT (external_id) DO UPDATE SET source = excluded.source, \
                 audience = excluded.audience, body = excluded.body, at_ms = excluded.at_ms, \
                 day = excluded.day, score_e4 = excluded.score_e4, label = excluded.label, \
                 customer_id = excluded.customer_id, partner_id = excluded.partner_id, \
                 channel = excluded.channel, segment = excluded.segment, \
                 product_category = excluded.product_category, region = excluded.region, \
                 likes = excluded.likes, shares = excluded.shares, comments = excluded.comments, \
                 author = excluded.author, followers = excluded.followers, \
                 ingested_at = excluded.ingested_at",
            );
            qb.build().execute(&mut *tx).await?;
        }
        let rollup: Vec<_> = deltas.iter().collect();
        for chunk in rollup.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO feedback_rollup (audience, dim, val, day, source, n, pos, neu, neg, score_e4, likes, shares, comments) ",
            );
            qb.push_values(chunk.iter(), |mut b, ((audience, dim, val, day, source), c)| {
                b.push_bind(*audience)
                    .push_bind(*dim)
                    .push_bind(val.as_str())
                    .push_bind(*day)
                    .push_bind(*source)
                    .push_bind(c.counts.n)
                    .push_bind(c.counts.pos)
                    .push_bind(c.counts.neu)
                    .push_bind(c.counts.neg)
                    .push_bind(c.counts.score_e4)
                    .push_bind(c.likes)
                    .push_bind(c.shares)
                    .push_bind(c.comments);
            });
            qb.push(
                " ON CONFLICT (audience, dim, val, day, source) DO UPDATE SET \
                 n = feedback_rollup.n + excluded.n, pos = feedback_rollup.pos + excluded.pos, \
                 neu = feedback_rollup.neu + excluded.neu, neg = feedback_rollup.neg + excluded.neg, \
                 score_e4 = feedback_rollup.score_e4 + excluded.score_e4, \
                 likes = feedback_rollup.likes + excluded.likes, \
                 shares = feedback_rollup.shares + excluded.shares, \
                 comments = feedback_rollup.comments + excluded.comments",
            );
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        for r in &changed {
            out.touch(r.day().0, &r.partner_id);
        }
    });
    Ok(out)
}

/// Which texts a read covers. Dimension filters never include touchpoint (feedback has none;
/// the service refuses it).
#[derive(Clone, Debug)]
pub struct FeedbackFilter {
    pub audience: Audience,
    pub from: Day,
    pub to: Day,
    pub filters: BTreeMap<Dimension, String>,
    pub source: Option<FeedbackSource>,
    /// Lists and keywords only: rollups are not split by class.
    pub sentiment: Option<Polarity>,
    /// Lower-cased `LIKE` patterns every text must match (search words, keyword stems).
    pub patterns: Vec<String>,
}

impl FeedbackFilter {
    fn push_where(&self, sql: &mut Sql) {
        sql.push(" WHERE audience = ")
            .bind(Bind::Text(self.audience.as_str().into()))
            .days(self.from, self.to)
            .filters(&self.filters);
        if let Some(s) = self.source {
            sql.push(" AND source = ")
                .bind(Bind::Text(s.as_str().into()));
        }
        if let Some(p) = self.sentiment {
            sql.push(" AND label = ")
                .bind(Bind::Text(p.as_str().into()));
        }
        for p in &self.patterns {
            sql.push(" AND LOWER(body) LIKE ")
                .bind(Bind::Text(p.clone()))
                .push(" ESCAPE '\\'");
        }
    }
}

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and `\` escaped.
pub fn contains_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// One day × source of sentiment counts with social engagement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DailySentiment {
    pub day: i64,
    pub source: Option<FeedbackSource>,
    pub counts: SentimentCounts,
    pub likes: i64,
    pub shares: i64,
    pub comments: i64,
}

/// (day, source, n, pos, neu, neg, score_e4, likes, shares, comments).
type DailyRow = (i64, String, i64, i64, i64, i64, i64, i64, i64, i64);

/// Sentiment per day and source: from the rollup when at most one dimension filter is set
/// (and no class or text filter), else from facts.
pub async fn daily(store: &Store, f: &FeedbackFilter) -> Result<Vec<DailySentiment>, StoreError> {
    let mut sql = Sql::default();
    if f.filters.len() <= 1 && f.sentiment.is_none() && f.patterns.is_empty() {
        let (dim, val) = f
            .filters
            .iter()
            .next()
            .map(|(d, v)| (d.as_str(), v.clone()))
            .unwrap_or(("", String::new()));
        sql.push(
            "SELECT day, source, n, pos, neu, neg, score_e4, likes, shares, comments \
             FROM feedback_rollup WHERE audience = ",
        )
        .bind(Bind::Text(f.audience.as_str().into()))
        .push(" AND dim = ")
        .bind(Bind::Text(dim.into()))
        .push(" AND val = ")
        .bind(Bind::Text(val))
        .days(f.from, f.to);
        if let Some(s) = f.source {
            sql.push(" AND source = ")
                .bind(Bind::Text(s.as_str().into()));
        }
        sql.push(" AND n <> 0");
    } else {
        sql.push(
            "SELECT day, source, COUNT(*), \
             CAST(SUM(CASE WHEN label = 'positive' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN label = 'neutral' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN label = 'negative' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(score_e4) AS BIGINT), CAST(SUM(likes) AS BIGINT), \
             CAST(SUM(shares) AS BIGINT), CAST(SUM(comments) AS BIGINT) FROM feedback",
        );
        f.push_where(&mut sql);
        sql.push(" GROUP BY day, source");
    }
    let rows = fetch_as!(store, DailyRow, sql);
    Ok(rows
        .into_iter()
        .map(
            |(day, source, n, pos, neu, neg, score_e4, likes, shares, comments)| DailySentiment {
                day,
                source: FeedbackSource::parse(&source),
                counts: SentimentCounts {
                    n,
                    pos,
                    neu,
                    neg,
                    score_e4,
                },
                likes,
                shares,
                comments,
            },
        )
        .collect())
}

/// (key, n, pos, neu, neg, score_e4).
type KeyedRow = (String, i64, i64, i64, i64, i64);

/// Sentiment counts per value of `by` (values with texts only): from the rollup without
/// filters, else from facts.
pub async fn keyed_counts(
    store: &Store,
    f: &FeedbackFilter,
    by: Dimension,
) -> Result<Vec<(String, SentimentCounts)>, StoreError> {
    let mut sql = Sql::default();
    let sums = "CAST(SUM(n) AS BIGINT), CAST(SUM(pos) AS BIGINT), CAST(SUM(neu) AS BIGINT), \
                CAST(SUM(neg) AS BIGINT), CAST(SUM(score_e4) AS BIGINT)";
    if f.filters.is_empty() && f.source.is_none() && f.sentiment.is_none() && f.patterns.is_empty()
    {
        sql.push(&format!(
            "SELECT val, {sums} FROM feedback_rollup WHERE audience = "
        ))
        .bind(Bind::Text(f.audience.as_str().into()))
        .push(" AND dim = ")
        .bind(Bind::Text(by.as_str().into()))
        .days(f.from, f.to)
        .push(" AND val <> '' GROUP BY val HAVING SUM(n) > 0");
    } else {
        let col = by.column();
        sql.push(&format!(
            "SELECT {col}, COUNT(*), \
             CAST(SUM(CASE WHEN label = 'positive' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN label = 'neutral' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN label = 'negative' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(score_e4) AS BIGINT) FROM feedback"
        ));
        f.push_where(&mut sql);
        sql.push(&format!(" AND {col} <> '' GROUP BY {col}"));
    }
    Ok(fetch_as!(store, KeyedRow, sql)
        .into_iter()
        .map(|(k, n, pos, neu, neg, score_e4)| {
            (
                k,
                SentimentCounts {
                    n,
                    pos,
                    neu,
                    neg,
                    score_e4,
                },
            )
        })
        .collect())
}

/// One page of texts, newest first, and the number matching in all.
pub async fn list(
    store: &Store,
    f: &FeedbackFilter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<FeedbackItem>, i64), StoreError> {
    let mut count = Sql::default();
    count.push("SELECT COUNT(*) FROM feedback");
    f.push_where(&mut count);
    let total = fetch_as!(store, (i64,), count).first().map_or(0, |r| r.0);
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {COLUMNS} FROM feedback"));
    f.push_where(&mut sql);
    sql.push(" ORDER BY at_ms DESC, external_id LIMIT ")
        .bind(Bind::Int(per_page))
        .push(" OFFSET ")
        .bind(Bind::Int((page - 1) * per_page));
    let rows = fetch_as!(store, FeedbackRow, sql);
    Ok((
        rows.into_iter()
            .map(|r| FeedbackItem::from(FeedbackRecord::from(r)))
            .collect(),
        total,
    ))
}

/// The newest `limit` texts with their scores (for keywords), and whether more matched.
pub async fn texts(
    store: &Store,
    f: &FeedbackFilter,
    limit: i64,
) -> Result<(Vec<(String, f64)>, bool), StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT body, score_e4 FROM feedback");
    f.push_where(&mut sql);
    sql.push(" ORDER BY at_ms DESC LIMIT ")
        .bind(Bind::Int(limit + 1));
    let mut rows: Vec<(String, f64)> = fetch_as!(store, (String, i64), sql)
        .into_iter()
        .map(|(t, s)| (t, s as f64 / 10_000.0))
        .collect();
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// Every text a filter covers as (day, source, compound score, text), for reads that must
/// look at the words themselves (a cloud keyword's exact match).
pub async fn scored_texts(
    store: &Store,
    f: &FeedbackFilter,
) -> Result<Vec<(i64, String, f64, String)>, StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT day, source, score_e4, body FROM feedback");
    f.push_where(&mut sql);
    Ok(fetch_as!(store, (i64, String, i64, String), sql)
        .into_iter()
        .map(|(day, source, score, body)| (day, source, score as f64 / 10_000.0, body))
        .collect())
}

/// (author, mentions, followers, engagement, score_e4 sum).
type AuthorRow = (String, i64, i64, i64, i64);

/// Social authors by engagement, with their mention count and mean score.
pub async fn authors(
    store: &Store,
    f: &FeedbackFilter,
    limit: i64,
) -> Result<Vec<Influencer>, StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT author, COUNT(*), MAX(followers), CAST(SUM(likes + shares + comments) AS BIGINT), \
         CAST(SUM(score_e4) AS BIGINT) FROM feedback",
    );
    f.push_where(&mut sql);
    sql.push(" AND author <> '' GROUP BY author ORDER BY 4 DESC, 2 DESC, author LIMIT ")
        .bind(Bind::Int(limit));
    Ok(fetch_as!(store, AuthorRow, sql)
        .into_iter()
        .map(
            |(author, mentions, followers, engagement, score)| Influencer {
                author,
                mentions,
                followers,
                engagement,
                score: score as f64 / 10_000.0 / mentions.max(1) as f64,
            },
        )
        .collect())
}

/// Every stored text in id order after `after`, `limit` at a time (for re-scoring).
pub async fn page_after(
    store: &Store,
    after: &str,
    limit: i64,
) -> Result<Vec<FeedbackRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {COLUMNS} FROM feedback WHERE external_id > "
    ))
    .bind(Bind::Text(after.into()))
    .push(" ORDER BY external_id LIMIT ")
    .bind(Bind::Int(limit));
    Ok(fetch_as!(store, FeedbackRow, sql)
        .into_iter()
        .map(FeedbackRecord::from)
        .collect())
}

/// A stored survey comment: (response id, kind, comment, responded_at, customer_id,
/// partner_id, channel, segment, product_category, region).
pub type SurveyComment = (
    String,
    String,
    String,
    i64,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
);

/// Survey comments after response id `after` that have no feedback row yet, in id order.
pub async fn survey_comments_missing(
    store: &Store,
    after: &str,
    limit: i64,
) -> Result<Vec<SurveyComment>, StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT s.external_id, s.kind, s.comment, s.responded_at, s.customer_id, s.partner_id, \
         s.channel, s.segment, s.product_category, s.region FROM survey_responses s \
         WHERE s.external_id > ",
    )
    .bind(Bind::Text(after.into()))
    .push(
        " AND s.comment IS NOT NULL AND s.comment <> '' AND NOT EXISTS \
         (SELECT 1 FROM feedback f WHERE f.external_id = 'survey:' || s.external_id) \
         ORDER BY s.external_id LIMIT ",
    )
    .bind(Bind::Int(limit));
    Ok(fetch_as!(store, SurveyComment, sql))
}

/// Number of stored texts.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT COUNT(*) FROM feedback");
    Ok(fetch_as!(store, (i64,), sql).first().map_or(0, |r| r.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("Slow"), "%slow%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
