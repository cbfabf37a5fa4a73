//! Partner inventory (`POST /api/v1/inventory`): stock snapshots per partner and SKU, the
//! SKUs at or below their reorder level, and inventory turnover.

use crate::domain::survey::{dimension, string_or_number, timestamp, RecordError};
use serde::{Deserialize, Serialize};

/// Largest accepted stock level (a bound against unit mistakes).
pub const MAX_UNITS: i64 = 1_000_000_000;

/// One snapshot as it arrives. Field names are the wire names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct InventoryInput {
    #[serde(default, deserialize_with = "string_or_number")]
    pub partner_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub sku: Option<String>,
    pub on_hand: Option<i64>,
    pub reorder_level: Option<i64>,
    pub at: Option<String>,
}

/// A validated snapshot: the stock of one SKU at one partner at one instant. The key is
/// (partner, SKU, instant): a second snapshot with the same key corrects the first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventorySnapshot {
    pub partner_id: String,
    pub sku: String,
    pub on_hand: i64,
    pub reorder_level: i64,
    pub at_ms: i64,
}

fn units(field: &str, v: Option<i64>) -> Result<Option<i64>, RecordError> {
    match v {
        Some(u) if !(0..=MAX_UNITS).contains(&u) => Err(RecordError::new(
            "invalid_quantity",
            format!("`{field}` must be a whole number from 0 to {MAX_UNITS}"),
        )),
        v => Ok(v),
    }
}

impl InventorySnapshot {
    /// Validates one input record. `now_ms` bounds timestamps from the future.
    pub fn validate(input: InventoryInput, now_ms: i64) -> Result<InventorySnapshot, RecordError> {
        let partner_id = dimension("partner_id", input.partner_id)?;
        if partner_id.is_empty() {
            return Err(RecordError::new(
                "missing_partner",
                "`partner_id` is required",
            ));
        }
        let sku = dimension("sku", input.sku)?;
        if sku.is_empty() {
            return Err(RecordError::new("missing_sku", "`sku` is required"));
        }
        let on_hand = units("on_hand", input.on_hand)?
            .ok_or_else(|| RecordError::new("missing_quantity", "`on_hand` is required"))?;
        Ok(InventorySnapshot {
            partner_id,
            sku,
            on_hand,
            reorder_level: units("reorder_level", input.reorder_level)?.unwrap_or(0),
            at_ms: timestamp("at", input.at.as_deref(), now_ms)?
                .ok_or_else(|| RecordError::new("missing_timestamp", "`at` is required"))?,
        })
    }

    /// Time to reorder: stock at or below the reorder level (an empty shelf with no level
    /// set counts too).
    pub fn needs_reorder(&self) -> bool {
        self.on_hand <= self.reorder_level
    }
}

/// Inventory turnover of one SKU's snapshots over a period (in time order): units drawn
/// down (the sum of every fall between consecutive snapshots; rises are restocks) over the
/// mean stock of the snapshots. Snapshots say nothing about sales between them beyond the
/// net fall, so a restock between two counts hides the sales it replaced: turnover is a
/// lower bound, and finer snapshots make it exact. Returns (drawn, mean on hand).
pub fn drawdown(snapshots: &[&InventorySnapshot]) -> (i64, f64) {
    if snapshots.is_empty() {
        return (0, 0.0);
    }
    let drawn = snapshots
        .windows(2)
        .map(|w| (w[0].on_hand - w[1].on_hand).max(0))
        .sum();
    let mean = snapshots.iter().map(|s| s.on_hand as f64).sum::<f64>() / snapshots.len() as f64;
    (drawn, mean)
}

/// Turnover over several SKUs: total units drawn over the summed mean stock. `None`
/// without stock.
pub fn turnover(per_sku: &[(i64, f64)]) -> Option<f64> {
    let drawn: i64 = per_sku.iter().map(|s| s.0).sum();
    let stock: f64 = per_sku.iter().map(|s| s.1).sum();
    (stock > 0.0).then(|| drawn as f64 / stock)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    fn snap(on_hand: i64, reorder: i64, at: i64) -> InventorySnapshot {
        InventorySnapshot {
            partner_id: "p1".into(),
            sku: "sku-1".into(),
            on_hand,
            reorder_level: reorder,
            at_ms: at,
        }
    }

    #[test]
    fn snapshots_validate_with_stable_codes() {
        let input = || InventoryInput {
            partner_id: Some("p1".into()),
            sku: Some("A-1".into()),
            on_hand: Some(12),
            reorder_level: None,
            at: Some("2026-11-01T00:00:00Z".into()),
        };
        let s = InventorySnapshot::validate(input(), NOW).unwrap();
        assert_eq!((s.on_hand, s.reorder_level), (12, 0));
        let code = |f: fn(&mut InventoryInput)| {
            let mut i = input();
            f(&mut i);
            InventorySnapshot::validate(i, NOW).unwrap_err().code
        };
        assert_eq!(code(|i| i.partner_id = None), "missing_partner");
        assert_eq!(code(|i| i.sku = Some(" ".into())), "missing_sku");
        assert_eq!(code(|i| i.on_hand = None), "missing_quantity");
        assert_eq!(code(|i| i.on_hand = Some(-1)), "invalid_quantity");
        assert_eq!(code(|i| i.reorder_level = Some(-3)), "invalid_quantity");
        assert_eq!(code(|i| i.at = None), "missing_timestamp");
    }

    #[test]
    fn reorder_is_due_at_or_below_the_level() {
        assert!(snap(5, 5, 0).needs_reorder());
        assert!(snap(4, 5, 0).needs_reorder());
        assert!(!snap(6, 5, 0).needs_reorder());
        assert!(snap(0, 0, 0).needs_reorder());
    }

    #[test]
    fn turnover_counts_drawdowns_not_restocks() {
        // 100 → 60 (40 drawn) → 120 (restock) → 90 (30 drawn) → 50 (40 drawn).
        let s = [
            snap(100, 20, 1),
            snap(60, 20, 2),
            snap(120, 20, 3),
            snap(90, 20, 4),
            snap(50, 20, 5),
        ];
        let refs: Vec<&InventorySnapshot> = s.iter().collect();
        let (drawn, mean) = drawdown(&refs);
        assert_eq!(drawn, 110);
        assert_eq!(mean, 84.0);
        // A second SKU: 10 → 0, mean 5. Together: 120 / 89.
        let other = [snap(10, 0, 1), snap(0, 0, 2)];
        let b = drawdown(&other.iter().collect::<Vec<_>>());
        assert_eq!(turnover(&[(drawn, mean), b]), Some(120.0 / 89.0));
        assert_eq!(turnover(&[]), None);
        assert_eq!(drawdown(&[]), (0, 0.0));
    }
}
