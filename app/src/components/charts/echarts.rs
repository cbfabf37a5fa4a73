//! The bridge to ECharts (through charming), used only inside effects, so it runs in the
//! browser. User-supplied strings are escaped before they reach a chart option.

use crate::domain::support_trend::IncidentBand;
use crate::model::support::SupportTrend;
use crate::model::{Breakdown, Trend};
use std::cell::RefCell;
use std::rc::Rc;

/// Where a chart drawn on a later frame keeps its handle; dropping the slot disposes it.
pub type ChartSlot = Rc<RefCell<Option<ChartHandle>>>;

/// Draws on the next animation frame: an effect can run while its (new) subtree is not yet
/// attached to the document, and ECharts needs the element in the page to size itself.
pub fn draw_next_frame(draw: impl FnOnce() -> Option<ChartHandle> + 'static) -> ChartSlot {
    let slot: ChartSlot = Rc::new(RefCell::new(None));
    let fill = slot.clone();
    leptos::prelude::request_animation_frame(move || {
        *fill.borrow_mut() = draw();
    });
    slot
}

/// A rendered chart, disposed when its component goes away.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct ChartHandle(#[cfg(feature = "hydrate")] wasm_bindgen::JsValue);

/// Dropping the handle frees the chart's canvas and listeners, so a chart lives exactly as
/// long as the effect that drew it.
impl Drop for ChartHandle {
    fn drop(&mut self) {
        #[cfg(feature = "hydrate")]
        imp::call0(&self.0, "dispose");
    }
}

/// Renders the trend of one metric with its target line and the comparison period.
pub fn render_trend(id: &str, trend: &Trend) -> Option<ChartHandle> {
    #[cfg(feature = "hydrate")]
    return imp::render_trend(id, trend).map(ChartHandle);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, trend);
        None
    }
}

/// Renders the breakdown bars; `on_click(i)` runs when bar `i` is clicked.
pub fn render_breakdown(
    id: &str,
    breakdown: &Breakdown,
    labels: &[String],
    on_click: Box<dyn Fn(usize)>,
) -> Option<ChartHandle> {
    #[cfg(feature = "hydrate")]
    return imp::render_breakdown(id, breakdown, labels, on_click).map(ChartHandle);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, breakdown, labels, on_click);
        None
    }
}

/// A line of a support trend, with incident bands.
pub struct LineSpec<'a> {
    /// Category labels, one per point.
    pub labels: &'a [String],
    pub values: Vec<Option<f64>>,
    /// The series name (people read it in the tooltip).
    pub name: &'a str,
    /// Incident bands over the points.
    pub bands: &'a [IncidentBand],
    /// The value axis' name: its unit (`minutes`, `%`).
    pub axis: &'a str,
    /// Fixed value-axis bounds (shares from 0 to 100), else the axis fits the data.
    pub bounds: Option<(f64, f64)>,
}

/// Renders stacked ticket volume per channel with a total line carrying the incident bands;
/// `on_click(point, channel)` runs when a bar (`Some(channel index)`) or the total line
/// (`None`) is clicked.
pub fn render_volume(
    id: &str,
    trend: &SupportTrend,
    bands: &[IncidentBand],
    on_click: Box<dyn Fn(usize, Option<usize>)>,
) -> Option<ChartHandle> {
    #[cfg(feature = "hydrate")]
    return imp::render_volume(id, trend, bands, on_click).map(ChartHandle);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, trend, bands, on_click);
        None
    }
}

/// Renders one line with incident bands; `on_click(point)` runs when a point is clicked.
pub fn render_line(
    id: &str,
    spec: LineSpec<'_>,
    on_click: Box<dyn Fn(usize)>,
) -> Option<ChartHandle> {
    #[cfg(feature = "hydrate")]
    return imp::render_line(id, spec, on_click).map(ChartHandle);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, spec, on_click);
        None
    }
}

/// Renders named lines over shared category labels (with a legend when more than one);
/// `on_click(point)` runs when a point of any line is clicked.
pub fn render_series(
    id: &str,
    labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
    on_click: Box<dyn Fn(usize)>,
) -> Option<ChartHandle> {
    #[cfg(feature = "hydrate")]
    return imp::render_series(id, labels, series, on_click).map(ChartHandle);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, labels, series, on_click);
        None
    }
}

/// Renders a funnel as stacked bars per step: the people who reached it and, above them,
/// the people lost since the previous step.
pub fn render_funnel(
    id: &str,
    labels: &[String],
    people: &[i64],
    dropped: &[i64],
) -> Option<ChartHandle> {
    #[cfg(feature = "hydrate")]
    return imp::render_funnel(id, labels, people, dropped).map(ChartHandle);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, labels, people, dropped);
        None
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use crate::components::format;
    use crate::domain::escape::escape_html;
    use crate::domain::support_trend::IncidentBand;
    use crate::model::support::SupportTrend;
    use crate::model::{Breakdown, Trend};
    use charming::component::{Axis, Grid, Legend};
    use charming::element::{
        AxisType, ItemStyle, Label, LineStyle, LineStyleType, MarkArea, MarkAreaData, Tooltip,
        Trigger,
    };
    use charming::series::{Bar, Line};
    use charming::{Chart, WasmRenderer};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    pub fn call0(target: &JsValue, method: &str) {
        if let Ok(f) = js_sys::Reflect::get(target, &JsValue::from_str(method)) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                let _ = f.call0(target);
            }
        }
    }

    fn echarts_loaded() -> bool {
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("echarts"))
            .map(|v| !v.is_undefined())
            .unwrap_or(false)
    }

    fn render(id: &str, chart: &Chart) -> Option<JsValue> {
        if !echarts_loaded() {
            return None;
        }
        let el = web_sys::window()?.document()?.get_element_by_id(id)?;
        // Re-rendering into the same element: drop the old instance first.
        if let Ok(ns) = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("echarts")) {
            if let Ok(get) = js_sys::Reflect::get(&ns, &JsValue::from_str("getInstanceByDom")) {
                if let Some(get) = get.dyn_ref::<js_sys::Function>() {
                    if let Ok(old) = get.call1(&ns, &el) {
                        if !old.is_undefined() && !old.is_null() {
                            call0(&old, "dispose");
                        }
                    }
                }
            }
        }
        WasmRenderer::new_opt(None, None)
            .render(id, chart)
            .ok()
            .map(Into::into)
    }

    /// A value axis named by its unit; shares are drawn from zero so a dip keeps its size.
    fn value_axis(name: &str, bounds: Option<(f64, f64)>) -> Axis {
        let axis = Axis::new().type_(AxisType::Value).name(name.to_string());
        match bounds {
            Some((lo, hi)) => axis.min(lo).max(hi),
            None => axis.scale(true),
        }
    }

    pub fn render_trend(id: &str, t: &Trend) -> Option<JsValue> {
        let labels: Vec<String> = t.points.iter().map(|p| p.t.to_string()).collect();
        // Complete buckets draw solid; a bucket not over yet continues dashed from the last
        // complete one, so a half-finished period never reads as a drop.
        let current: Vec<Option<f64>> = t
            .points
            .iter()
            .map(|p| p.value.filter(|_| !p.partial).map(round2))
            .collect();
        let so_far: Vec<Option<f64>> = t
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let next_partial = t.points.get(i + 1).is_some_and(|n| n.partial);
                (p.partial || next_partial)
                    .then_some(p.value.map(round2))
                    .flatten()
            })
            .collect();
        let target: Vec<f64> = t.points.iter().map(|_| t.target).collect();
        let label = escape_html(&t.label);
        let mut chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .legend(Legend::new().top(0))
            .grid(Grid::new().left(44).right(16).top(32).bottom(28))
            .x_axis(Axis::new().type_(AxisType::Category).data(labels))
            .y_axis(match t.unit {
                crate::domain::metric::Unit::Percent => value_axis("%", Some((0.0, 100.0))),
                crate::domain::metric::Unit::Points => value_axis("points", None),
                _ => value_axis("", None),
            })
            .series(
                Line::new()
                    .name(label.clone())
                    .data(current)
                    .show_symbol(t.points.len() <= 45),
            );
        if t.points.iter().any(|p| p.partial) {
            chart = chart.series(
                Line::new()
                    .name("So far (period not over)")
                    .data(so_far)
                    .line_style(LineStyle::new().type_(LineStyleType::Dashed)),
            );
        }
        if !t.previous.is_empty() {
            let prev: Vec<Option<f64>> = t.previous.iter().map(|p| p.value.map(round2)).collect();
            chart = chart.series(
                Line::new()
                    .name("Previous period")
                    .data(prev)
                    .show_symbol(false)
                    .line_style(LineStyle::new().type_(LineStyleType::Dotted).opacity(0.6)),
            );
        }
        chart = chart.series(
            Line::new()
                .name(format!("Target ({})", format::value(t.target, t.unit)))
                .data(target)
                .show_symbol(false)
                .line_style(LineStyle::new().type_(LineStyleType::Dashed)),
        );
        render(id, &chart)
    }

    pub fn render_breakdown(
        id: &str,
        b: &Breakdown,
        labels: &[String],
        on_click: Box<dyn Fn(usize)>,
    ) -> Option<JsValue> {
        let labels: Vec<String> = labels.iter().map(|l| escape_html(l)).collect();
        let values: Vec<Option<f64>> = b.rows.iter().map(|r| r.value.map(round2)).collect();
        let chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .grid(Grid::new().left(110).right(24).top(8).bottom(24))
            .x_axis(Axis::new().type_(AxisType::Value).scale(false))
            .y_axis(
                Axis::new()
                    .type_(AxisType::Category)
                    .data(labels)
                    .inverse(true),
            )
            .series(Bar::new().name(escape_html(b.metric.label())).data(values));
        let instance = render(id, &chart)?;
        listen_clicks(&instance, Box::new(move |_, i| on_click(i)));
        Some(instance)
    }

    /// Calls `f(seriesIndex, dataIndex)` on every click on a data item.
    fn listen_clicks(instance: &JsValue, f: Box<dyn Fn(usize, usize)>) {
        let handler = Closure::<dyn FnMut(JsValue)>::new(move |params: JsValue| {
            let num = |k: &str| {
                js_sys::Reflect::get(&params, &JsValue::from_str(k))
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            if let (Some(s), Some(i)) = (num("seriesIndex"), num("dataIndex")) {
                f(s as usize, i as usize);
            }
        });
        if let Ok(on) = js_sys::Reflect::get(instance, &JsValue::from_str("on")) {
            if let Some(on) = on.dyn_ref::<js_sys::Function>() {
                let _ = on.call2(instance, &JsValue::from_str("click"), handler.as_ref());
            }
        }
        // The chart owns the listener until it is disposed.
        handler.forget();
    }

    /// Incident bands as a mark area on a hidden value axis (index 1) that spans the points
    /// `0..n`, so a band can start and end inside a point; `None` without bands.
    fn incident_layer(points: usize, bands: &[IncidentBand]) -> Option<(Axis, Line)> {
        if bands.is_empty() {
            return None;
        }
        let data: Vec<(MarkAreaData, MarkAreaData)> = bands
            .iter()
            .map(|b| {
                (
                    MarkAreaData::new()
                        .name(escape_html(&b.label))
                        .x_axis(format!("{:.4}", b.from_pos)),
                    MarkAreaData::new().x_axis(format!("{:.4}", b.to_pos)),
                )
            })
            .collect();
        let axis = Axis::new()
            .type_(AxisType::Value)
            .show(false)
            .min(0)
            .max(points as f64);
        let layer = Line::new()
            .name("Incidents")
            .x_axis_index(1)
            .data(Vec::<f64>::new())
            .mark_area(
                MarkArea::new()
                    .silent(true)
                    .item_style(ItemStyle::new().color("rgba(220, 38, 38, 0.14)"))
                    .label(Label::new().show(false))
                    .data(data),
            );
        Some((axis, layer))
    }

    fn point_labels(trend: &SupportTrend) -> Vec<String> {
        trend.points.iter().map(|p| p.start.to_string()).collect()
    }

    pub fn render_volume(
        id: &str,
        trend: &SupportTrend,
        bands: &[IncidentBand],
        on_click: Box<dyn Fn(usize, Option<usize>)>,
    ) -> Option<JsValue> {
        let labels = point_labels(trend);
        let mut chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .legend(Legend::new().top(0))
            .grid(Grid::new().left(52).right(16).top(32).bottom(28))
            .x_axis(Axis::new().type_(AxisType::Category).data(labels.clone()))
            .y_axis(Axis::new().type_(AxisType::Value));
        for (c, name) in trend.channels.iter().enumerate() {
            let values: Vec<i64> = trend.points.iter().map(|p| p.by_channel[c]).collect();
            let name = if name.is_empty() {
                "(none)"
            } else {
                name.as_str()
            };
            chart = chart.series(
                Bar::new()
                    .name(escape_html(name))
                    .stack("tickets")
                    .data(values),
            );
        }
        chart = chart.series(
            Line::new()
                .name("All channels")
                .data(trend.points.iter().map(|p| p.tickets).collect::<Vec<i64>>())
                .show_symbol(false)
                .line_style(LineStyle::new().opacity(0.0)),
        );
        if let Some((axis, layer)) = incident_layer(trend.points.len(), bands) {
            chart = chart.x_axis(axis).series(layer);
        }
        let channels = trend.channels.len();
        let instance = render(id, &chart)?;
        listen_clicks(
            &instance,
            Box::new(move |s, i| on_click(i, (s < channels).then_some(s))),
        );
        Some(instance)
    }

    pub fn render_line(
        id: &str,
        spec: super::LineSpec<'_>,
        on_click: Box<dyn Fn(usize)>,
    ) -> Option<JsValue> {
        let values: Vec<Option<f64>> = spec.values.iter().map(|v| v.map(round2)).collect();
        let line = Line::new()
            .name(escape_html(spec.name))
            .data(values)
            .connect_nulls(true)
            .show_symbol(spec.labels.len() <= 45);
        let mut chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .grid(Grid::new().left(52).right(16).top(16).bottom(28))
            .x_axis(
                Axis::new()
                    .type_(AxisType::Category)
                    .data(spec.labels.to_vec()),
            )
            .y_axis(value_axis(spec.axis, spec.bounds))
            .series(line);
        if let Some((axis, layer)) = incident_layer(spec.labels.len(), spec.bands) {
            chart = chart.x_axis(axis).series(layer);
        }
        let instance = render(id, &chart)?;
        listen_clicks(
            &instance,
            Box::new(move |s, i| {
                if s == 0 {
                    on_click(i)
                }
            }),
        );
        Some(instance)
    }

    pub fn render_series(
        id: &str,
        labels: &[String],
        series: &[(String, Vec<Option<f64>>)],
        on_click: Box<dyn Fn(usize)>,
    ) -> Option<JsValue> {
        let mut chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .grid(
                Grid::new()
                    .left(64)
                    .right(16)
                    .top(if series.len() > 1 { 32 } else { 16 })
                    .bottom(28),
            )
            .x_axis(Axis::new().type_(AxisType::Category).data(labels.to_vec()))
            .y_axis(Axis::new().type_(AxisType::Value));
        if series.len() > 1 {
            chart = chart.legend(Legend::new().top(0));
        }
        for (name, values) in series {
            let values: Vec<Option<f64>> = values.iter().map(|v| v.map(round2)).collect();
            chart = chart.series(
                Line::new()
                    .name(escape_html(name))
                    .data(values)
                    .show_symbol(labels.len() <= 45),
            );
        }
        let instance = render(id, &chart)?;
        listen_clicks(&instance, Box::new(move |_, i| on_click(i)));
        Some(instance)
    }

    pub fn render_funnel(
        id: &str,
        labels: &[String],
        people: &[i64],
        dropped: &[i64],
    ) -> Option<JsValue> {
        let labels: Vec<String> = labels.iter().map(|l| escape_html(l)).collect();
        let chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .legend(Legend::new().top(0))
            .grid(Grid::new().left(64).right(16).top(32).bottom(28))
            .x_axis(Axis::new().type_(AxisType::Category).data(labels))
            .y_axis(Axis::new().type_(AxisType::Value))
            .series(
                Bar::new()
                    .name("Reached")
                    .stack("funnel")
                    .item_style(ItemStyle::new().color("#2f6fde"))
                    .data(people.to_vec()),
            )
            .series(
                Bar::new()
                    .name("Dropped off")
                    .stack("funnel")
                    .item_style(ItemStyle::new().color("#e8a0a0"))
                    .data(dropped.to_vec()),
            );
        render(id, &chart)
    }

    fn round2(v: f64) -> f64 {
        (v * 100.0).round() / 100.0
    }
}
