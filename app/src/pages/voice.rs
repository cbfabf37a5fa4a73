use crate::api::voice::get_voice_page;
use crate::components::filters::links::{path_with, query_param, RANGE_PRESETS};
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_live_updates;
use crate::components::voice::feedback_log::FeedbackLog;
use crate::components::voice::sentiment_bar::SentimentBar;
use crate::components::voice::sentiment_trend::SentimentTrend;
use crate::components::voice::word_cloud::WordCloud;
use crate::domain::feedback::FeedbackSource;
use crate::domain::query::decode_pairs;
use crate::domain::sentiment::keywords::Keyword;
use crate::domain::sentiment::SentimentMix;
use crate::model::voice::{Influencer, SocialReport, VoicePage};
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn link(query: &str, changes: &[(&str, Option<&str>)]) -> String {
    path_with("/voice", query, changes)
}

/// Customer (and partner) Feedback & Sentiment, and Social Media Engagement: overall
/// sentiment and shares, the trend, volume and sentiment by source, top positive and negative
/// keywords, a word cloud that filters the feedback log, and the log itself. Live.
#[component]
pub fn VoicePage() -> impl IntoView {
    let query_map = use_query_map();
    let live = use_live_updates();
    let raw = Memo::new(move |_| {
        query_map.with(|p| p.to_query_string().trim_start_matches('?').to_string())
    });
    let page = Resource::new(
        move || (raw.get(), live.version.get()),
        |(q, _)| get_voice_page(q),
    );
    view! {
        <Title text="Feedback & sentiment · Signalroom" />
        <TopBar title="Feedback & sentiment" status=live.status />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            live.window.set(Some((p.report.from, p.report.to)));
                            view! { <VoiceView page=p query=raw.get_untracked() /> }.into_any()
                        }
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.0}%"))
        .unwrap_or_else(|| "No data".into())
}

#[component]
fn Tile(label: &'static str, value: String, note: String, testid: &'static str) -> impl IntoView {
    view! {
        <article class="tile" data-testid=testid>
            <div class="tile-link">
                <p class="tile-label">{label}</p>
                <p class="tile-value">{value}</p>
                <p class="tile-sample">{note}</p>
            </div>
        </article>
    }
}

fn score_tiles(now: &SentimentMix, before: Option<&SentimentMix>) -> impl IntoView {
    let score = now
        .score
        .map(|s| format!("{s:+.2}"))
        .unwrap_or_else(|| "No data".into());
    let change = match (now.score, before.and_then(|b| b.score)) {
        (Some(a), Some(b)) => format!("{:+.2} vs previous period", a - b),
        _ => "no comparison".into(),
    };
    view! {
        <section class="tiles">
            <Tile label="Sentiment score (−1..1)" value=score note=change testid="sentiment-score" />
            <Tile label="Positive" value=pct(now.positive_pct) note=format!("of {} texts", now.n) testid="positive-share" />
            <Tile label="Neutral" value=pct(now.neutral_pct) note=String::new() testid="neutral-share" />
            <Tile label="Negative" value=pct(now.negative_pct) note=String::new() testid="negative-share" />
        </section>
    }
}

fn keyword_list(
    title: &'static str,
    words: Vec<Keyword>,
    query: &str,
    testid: &'static str,
) -> impl IntoView {
    let items = words
        .into_iter()
        .map(|k| {
            let href = link(query, &[("term", Some(k.term.as_str()))]);
            view! {
                <li>
                    <a href=href>{k.term.clone()}</a>
                    <span class="muted">{format!(" {:+.1} · {} texts", k.weight, k.count)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel" data-testid=testid>
            <h2>{title}</h2>
            <ol class="keywords">{items}</ol>
            <p class="muted small">"Ranked by log-odds against the other side (z-score), not by count."</p>
        </section>
    }
}

#[component]
fn VoiceView(page: VoicePage, query: String) -> impl IntoView {
    let VoicePage {
        report,
        keywords,
        feedback,
        social,
    } = page;
    let current_range = query_param(&query, "range").unwrap_or_else(|| "30d".into());
    let audience = query_param(&query, "audience").unwrap_or_else(|| "customer".into());
    let social_view = social.is_some();
    let ranges = RANGE_PRESETS
        .into_iter()
        .map(|(v, l)| {
            let current = (v == current_range).then_some("page");
            view! { <a class="tab" href=link(&query, &[("range", Some(v))]) aria-current=current>{l}</a> }
        })
        .collect_view();
    let views = [
        ("Customers", "customer", false),
        ("Partners", "partner", false),
        ("Social media", "customer", true),
    ]
    .into_iter()
    .map(|(label, aud, soc)| {
        let current = (aud == audience && soc == social_view).then_some("page");
        let href = link(
            &query,
            &[
                ("audience", (aud == "partner").then_some(aud)),
                ("view", soc.then_some("social")),
                ("source", None),
                ("term", None),
            ],
        );
        view! { <a class="tab" href=href aria-current=current data-testid=format!("voice-tab-{}", label.to_lowercase().replace(' ', "-"))>{label}</a> }
    })
    .collect_view();
    let term = query_param(&query, "term");
    let active = [
        ("source", query_param(&query, "source")),
        ("sentiment", query_param(&query, "sentiment")),
        ("term", term.clone()),
        ("q", query_param(&query, "q")),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .map(|(k, v)| {
        let href = link(&query, &[(k, None)]);
        view! { <a class="chip" href=href data-testid=format!("chip-{k}") title="Remove this filter">{format!("{k}: {v} ✕")}</a> }
    })
    .collect_view();
    let sources = report
        .by_source
        .iter()
        .map(|s| {
            let href = link(&query, &[("source", Some(s.source.as_str()))]);
            view! {
                <a class="source-link" href=href>
                    <SentimentBar label=s.source.label().to_string() mix=s.mix.clone() />
                </a>
            }
        })
        .collect_view();
    let sentiment_links = ["positive", "neutral", "negative"]
        .into_iter()
        .map(|s| view! { <a class=format!("tab label-{s}") href=link(&query, &[("sentiment", Some(s))])>{s}</a> })
        .collect_view();
    // The search form keeps every other parameter as hidden fields.
    let hidden = decode_pairs(&query)
        .into_iter()
        .filter(|(k, _)| k != "q" && k != "page")
        .map(|(k, v)| view! { <input type="hidden" name=k value=v /> })
        .collect_view();
    let search_value = query_param(&query, "q").unwrap_or_default();
    let sampled = keywords.sampled.then(|| {
        view! { <p class="muted small">{format!("Keywords from the newest {} texts of the period.", keywords.texts)}</p> }
    });
    let filtered = ["source", "sentiment", "term", "q"]
        .iter()
        .any(|k| query_param(&query, k).is_some());
    // Zero texts is said in words, with the way out, rather than as empty charts.
    let empty = (report.overall.n == 0).then(|| {
        let clear = link(
            &query,
            &[("source", None), ("sentiment", None), ("term", None), ("q", None), ("page", None)],
        );
        let period = format!("{} to {}", report.from, report.to);
        if filtered {
            view! {
                <p class="notice" role="status" data-testid="voice-empty">
                    {format!("No texts match these filters from {period}. ")}
                    <a href=clear>"Clear the filters"</a>
                </p>
            }
            .into_any()
        } else {
            view! {
                <p class="notice" role="status" data-testid="voice-empty">
                    {format!("No feedback from {period}. Pick a longer range, or send texts to POST /api/v1/feedback.")}
                </p>
            }
            .into_any()
        }
    });
    view! {
        <nav class="tabs" aria-label="Audience">{views}</nav>
        <nav class="tabs" aria-label="Range">{ranges}</nav>
        <div class="chips">{active}</div>
        {empty}
        {social.map(|s| view! { <SocialView report=s query=query.clone() /> })}
        {score_tiles(&report.overall, report.previous.as_ref())}
        <section class="grid-2">
            <section class="panel" data-testid="sentiment-trend">
                <h2>"Sentiment trend"</h2>
                <SentimentTrend points=report.trend.clone() to=report.to query=query.clone()
                    id="voice-trend" name="Sentiment score" />
                <p class="muted small">{format!("{} to {} · click a point to narrow the page to it", report.from, report.to)}</p>
            </section>
            <section class="panel" data-testid="sentiment-by-source">
                <h2>"Volume and sentiment by source"</h2>
                {sources}
            </section>
        </section>
        <section class="grid-2">
            {keyword_list("Top positive keywords", keywords.positive, &query, "keywords-positive")}
            {keyword_list("Top negative keywords", keywords.negative, &query, "keywords-negative")}
        </section>
        <section class="panel">
            <h2>"Word cloud"</h2>
            <p class="muted small">"Size: how many texts use the word. Colour: their mean sentiment. Click a word to narrow the whole page to the texts that use it."</p>
            <WordCloud words=keywords.cloud query=query.clone() current=term />
            {sampled}
        </section>
        <section class="panel">
            <h2>"Recent feedback"</h2>
            <div class="log-tools">
                <form method="get" action="/voice" class="search" role="search">
                    {hidden}
                    <input type="search" name="q" value=search_value placeholder="Search feedback" aria-label="Search feedback" data-testid="feedback-search" />
                    <button type="submit">"Search"</button>
                </form>
                <nav class="tabs" aria-label="Sentiment">{sentiment_links}</nav>
            </div>
            <FeedbackLog page=feedback query=query.clone() />
        </section>
    }
}

fn influencer_table(rows: Vec<Influencer>, testid: &'static str) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|i| {
            view! {
                <tr>
                    <td>{i.author}</td>
                    <td class="num">{i.mentions}</td>
                    <td class="num">{i.followers}</td>
                    <td class="num">{i.engagement}</td>
                    <td class="num">{format!("{:+.2}", i.score)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid=testid>
            <thead>
                <tr>
                    <th>"Author"</th>
                    <th class="num">"Mentions"</th>
                    <th class="num">"Followers"</th>
                    <th class="num">"Engagement"</th>
                    <th class="num">"Sentiment"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}

#[component]
fn SocialView(report: SocialReport, query: String) -> impl IntoView {
    let rate = report
        .engagement_per_mention
        .map(|r| format!("{r:.1}"))
        .unwrap_or_else(|| "No data".into());
    view! {
        <section class="tiles" data-testid="social">
            <Tile label="Mentions" value=report.mentions.to_string() note=format!("{} to {}", report.from, report.to) testid="social-mentions" />
            <Tile label="Engagement per mention" value=rate
                note=format!("{} likes · {} shares · {} comments", report.likes, report.shares, report.comments) testid="social-engagement" />
            <Tile label="Sentiment of mentions" value=report.sentiment.score.map(|s| format!("{s:+.2}")).unwrap_or_else(|| "No data".into())
                note=format!("{} positive · {} negative", pct(report.sentiment.positive_pct), pct(report.sentiment.negative_pct)) testid="social-sentiment" />
        </section>
        <section class="grid-2">
            <section class="panel">
                <h2>"Mentions over time"</h2>
                <SentimentTrend points=report.trend.clone() to=report.to query=query.clone()
                    id="social-trend" name="Mentions" volume=true />
            </section>
            <section class="panel">
                <h2>"Top influencers"</h2>
                {influencer_table(report.influencers, "influencers")}
            </section>
        </section>
        <section class="panel">
            <h2>"Advocates"</h2>
            <p class="muted small">"Authors with two or more mentions, most positive first."</p>
            {influencer_table(report.advocates, "advocates")}
        </section>
        <p class="muted small">{format!("Source filter: {}", FeedbackSource::Social.label())}</p>
    }
}
