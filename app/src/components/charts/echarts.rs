//! The bridge to ECharts (through charming), used only inside effects, so it runs in the
//! browser. User-supplied strings are escaped before they reach a chart option.

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

#[cfg(feature = "hydrate")]
mod imp {
    use crate::components::format;
    use crate::domain::escape::escape_html;
    use crate::model::{Breakdown, Trend};
    use charming::component::{Axis, Grid, Legend};
    use charming::element::{AxisType, LineStyle, LineStyleType, Tooltip, Trigger};
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

    pub fn render_trend(id: &str, t: &Trend) -> Option<JsValue> {
        let labels: Vec<String> = t.points.iter().map(|p| p.t.to_string()).collect();
        let current: Vec<Option<f64>> = t.points.iter().map(|p| p.value.map(round2)).collect();
        let target: Vec<f64> = t.points.iter().map(|_| t.target).collect();
        let label = escape_html(&t.label);
        let mut chart = Chart::new()
            .tooltip(Tooltip::new().trigger(Trigger::Axis))
            .legend(Legend::new().top(0))
            .grid(Grid::new().left(44).right(16).top(32).bottom(28))
            .x_axis(Axis::new().type_(AxisType::Category).data(labels))
            .y_axis(Axis::new().type_(AxisType::Value).scale(true))
            .series(
                Line::new()
                    .name(label.clone())
                    .data(current)
                    .show_symbol(t.points.len() <= 45),
            );
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
        let handler = Closure::<dyn FnMut(JsValue)>::new(move |params: JsValue| {
            let index = js_sys::Reflect::get(&params, &JsValue::from_str("dataIndex"))
                .ok()
                .and_then(|v| v.as_f64());
            if let Some(i) = index {
                on_click(i as usize);
            }
        });
        if let Ok(on) = js_sys::Reflect::get(&instance, &JsValue::from_str("on")) {
            if let Some(on) = on.dyn_ref::<js_sys::Function>() {
                let _ = on.call2(&instance, &JsValue::from_str("click"), handler.as_ref());
            }
        }
        // The chart owns the listener until it is disposed.
        handler.forget();
        Some(instance)
    }

    fn round2(v: f64) -> f64 {
        (v * 100.0).round() / 100.0
    }
}
