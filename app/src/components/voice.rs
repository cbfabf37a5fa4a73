//! Customer-voice components: the word cloud, the feedback log and the sentiment bars.

pub mod feedback_log;
pub mod sentiment_bar;
pub mod sentiment_trend;
pub mod word_cloud;
