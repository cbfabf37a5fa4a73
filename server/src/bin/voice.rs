//! `signalroom-voice rescore|backfill`: maintenance of stored feedback, against the store
//! `DATABASE_URL` names (the same configuration as the server).
//!
//! - `rescore`: scores every stored text with the current sentiment engine; changed scores
//!   move their rollup contribution. Run after an engine or lexicon change.
//! - `backfill`: stores survey comments that have no feedback row yet.

use anyhow::{bail, Context};
use server::clock::now_ms;
use server::config::Config;
use server::store::Store;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let command = std::env::args().nth(1).unwrap_or_default();
    if !matches!(command.as_str(), "rescore" | "backfill") {
        bail!("usage: signalroom-voice rescore|backfill");
    }
    let config = Config::from_env()?;
    let store = Store::connect(&config.database_url.0)
        .await
        .context("opening the store")?;
    store.migrate().await?;
    match command.as_str() {
        "rescore" => {
            // What the server scores with: the stored domain lexicon over the general one.
            let sentiment = server::sentiment::Sentiment::load(&store).await?;
            let (read, changed) =
                server::voice::rescore_all(&store, &sentiment.analyzer(), None, now_ms()).await?;
            println!("re-scored {read} texts; {changed} scores changed");
        }
        _ => {
            let sentiment = server::sentiment::Sentiment::load(&store).await?;
            let added =
                server::voice::backfill_survey_comments(&store, &sentiment.analyzer(), now_ms())
                    .await?;
            println!("stored {added} survey comments as feedback");
        }
    }
    store.close().await;
    Ok(())
}
