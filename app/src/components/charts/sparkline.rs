use leptos::prelude::*;

const W: f64 = 120.0;
const H: f64 = 32.0;

/// A tiny trend line, rendered on the server as SVG so it shows without JavaScript. Gaps
/// (buckets below the minimum sample) break the line rather than drop to zero.
#[component]
pub fn Sparkline(values: Vec<Option<f64>>) -> impl IntoView {
    let d = path(&values, W, H);
    view! {
        <svg class="spark" viewBox="0 0 120 32" preserveAspectRatio="none" aria-hidden="true">
            <path d=d />
        </svg>
    }
}

/// The SVG path of a sparkline: one `M … L …` run per gap-free stretch.
pub fn path(values: &[Option<f64>], w: f64, h: f64) -> String {
    let present = values.iter().flatten();
    let (lo, hi) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(*v), hi.max(*v))
    });
    if !lo.is_finite() {
        return String::new();
    }
    let span = if hi - lo < 1e-9 { 1.0 } else { hi - lo };
    let step = if values.len() > 1 {
        w / (values.len() - 1) as f64
    } else {
        0.0
    };
    let mut out = String::new();
    let mut drawing = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let x = i as f64 * step;
                // 2px margin so the stroke is not clipped.
                let y = 2.0 + (h - 4.0) * (1.0 - (v - lo) / span);
                out.push_str(&format!(
                    "{}{x:.1} {y:.1} ",
                    if drawing { "L" } else { "M" }
                ));
                if !drawing {
                    // A lone point still shows as a dot (round caps in CSS).
                    out.push_str("l0 0 ");
                }
                drawing = true;
            }
            None => drawing = false,
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_the_line_and_extremes_touch_the_margins() {
        let p = path(&[Some(0.0), Some(10.0), None, Some(5.0)], 30.0, 14.0);
        assert_eq!(p, "M0.0 12.0 l0 0 L10.0 2.0 M30.0 7.0 l0 0");
    }

    #[test]
    fn no_values_draw_nothing() {
        assert_eq!(path(&[None, None], 10.0, 10.0), "");
        assert_eq!(path(&[], 10.0, 10.0), "");
    }
}
