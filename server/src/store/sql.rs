//! A small SQL builder shared by the store modules.

use app::domain::date::Day;
use app::domain::dimension::Dimension;
use std::collections::BTreeMap;

/// SQL text with its binds, built together so parameter markers (`$1`, `$2`, … — both dialects
/// accept them) always match the values.
#[derive(Default)]
pub struct Sql {
    /// The statement.
    pub text: String,
    /// Its values, in marker order.
    pub binds: Vec<Bind>,
}

/// A bind value, kept until the dialect is known.
pub enum Bind {
    /// A text value.
    Text(String),
    /// An integer value.
    Int(i64),
}

impl Sql {
    /// Appends SQL text (never input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a parameter marker for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    /// ` AND col = $n` for each filter. Column names come from a closed enum, never input.
    pub fn filters(&mut self, filters: &BTreeMap<Dimension, String>) -> &mut Self {
        for (d, v) in filters {
            self.push(&format!(" AND {} = ", d.column()))
                .bind(Bind::Text(v.clone()));
        }
        self
    }

    /// ` AND day >= $n AND day <= $m`.
    pub fn days(&mut self, from: Day, to: Day) -> &mut Self {
        self.push(" AND day >= ")
            .bind(Bind::Int(from.0))
            .push(" AND day <= ")
            .bind(Bind::Int(to.0))
    }
}
