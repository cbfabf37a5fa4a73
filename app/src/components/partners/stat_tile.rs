use leptos::prelude::*;

/// One headline figure: its label, value, and a note (sample, comparison or target).
/// `change_class` colours the note (`better`, `worse`, `flat`) when it is a change.
#[component]
pub fn StatTile(
    label: &'static str,
    value: String,
    #[prop(optional)] note: String,
    #[prop(optional)] change_class: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <article class="tile" data-testid=testid>
            <div class="tile-link">
                <p class="tile-label">{label}</p>
                <p class="tile-value" data-testid="tile-value">{value}</p>
                <p class=format!("tile-sample {change_class}")>{note}</p>
            </div>
        </article>
    }
}

/// `84.1%`, or "No data".
pub fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%"))
        .unwrap_or_else(|| "No data".into())
}

/// A money amount in major units with its currency: `12,345 USD`.
pub fn money(v: f64, currency: &str) -> String {
    format!(
        "{} {currency}",
        crate::components::format::count(v.round() as i64)
    )
}

/// A change of a figure against the compare-to period, as a note and its class; `higher`
/// says which way is better; `unit` follows the number (`pts`, `%`…).
pub fn delta(
    now: Option<f64>,
    before: Option<f64>,
    higher: bool,
    unit: &str,
) -> (String, &'static str) {
    match (now, before) {
        (Some(a), Some(b)) => {
            let d = a - b;
            let class = if d.abs() < 1e-9 {
                "flat"
            } else if (d > 0.0) == higher {
                "better"
            } else {
                "worse"
            };
            (
                format!(
                    "{}{unit} vs previous period",
                    crate::components::format::signed(d, 1)
                ),
                class,
            )
        }
        _ => (String::new(), ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_format_for_people() {
        assert_eq!(money(1234.4, "EUR"), "1,234 EUR");
        assert_eq!(pct(None), "No data");
        assert_eq!(
            delta(Some(80.0), Some(75.0), true, " pts"),
            ("+5.0 pts vs previous period".into(), "better")
        );
        assert_eq!(delta(Some(3.0), Some(5.0), false, "").1, "better");
        assert_eq!(delta(Some(3.0), None, true, "").0, "");
    }
}
