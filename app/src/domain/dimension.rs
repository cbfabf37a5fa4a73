//! The dimensions every metric can be filtered and broken down by.

use serde::{Deserialize, Serialize};

/// The contact channels of the ingest formats (README, Ingest API); ingest normalises to these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    Phone,
    Email,
    Chat,
    SelfService,
    Social,
    Web,
    App,
}

impl Channel {
    /// Every channel, in display order.
    pub const ALL: [Channel; 7] = [
        Self::Phone,
        Self::Email,
        Self::Chat,
        Self::SelfService,
        Self::Social,
        Self::Web,
        Self::App,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Chat => "chat",
            Self::SelfService => "self-service",
            Self::Social => "social",
            Self::Web => "web",
            Self::App => "app",
        }
    }

    /// Parses a channel name case-insensitively; `self_service` and `selfservice` are accepted.
    pub fn parse(s: &str) -> Option<Channel> {
        let norm: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().replace('-', "") == norm)
    }

    /// The accepted names, for error messages.
    pub fn names() -> String {
        Self::ALL.map(Channel::as_str).join(", ")
    }
}

/// A dimension of the survey facts that can filter or break down a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Channel,
    Segment,
    ProductCategory,
    Region,
    Partner,
    Touchpoint,
}

impl Dimension {
    /// Every dimension, in display order.
    pub const ALL: [Dimension; 6] = [
        Self::Channel,
        Self::Segment,
        Self::ProductCategory,
        Self::Region,
        Self::Partner,
        Self::Touchpoint,
    ];

    /// The query-string and rollup name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Channel => "channel",
            Self::Segment => "segment",
            Self::ProductCategory => "product_category",
            Self::Region => "region",
            Self::Partner => "partner",
            Self::Touchpoint => "touchpoint",
        }
    }

    /// The fact-table column holding this dimension. A fixed identifier, never user input,
    /// so it is safe to place in SQL text.
    pub fn column(self) -> &'static str {
        match self {
            Self::Partner => "partner_id",
            other => other.as_str(),
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Channel => "Channel",
            Self::Segment => "Segment",
            Self::ProductCategory => "Product category",
            Self::Region => "Region",
            Self::Partner => "Partner",
            Self::Touchpoint => "Touchpoint",
        }
    }

    /// Parses a query-string name.
    pub fn parse(s: &str) -> Option<Dimension> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_spellings_normalise() {
        assert_eq!(Channel::parse("Self_Service"), Some(Channel::SelfService));
        assert_eq!(Channel::parse("self-service"), Some(Channel::SelfService));
        assert_eq!(Channel::parse(" CHAT "), Some(Channel::Chat));
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn dimensions_round_trip_their_names() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.as_str()), Some(d));
        }
        assert_eq!(Dimension::Partner.column(), "partner_id");
    }
}
