//! Charts drawn on the server as SVG: the geometry is computed here, the markup written by
//! `templates/charts.html` (so every label is escaped like any other text).
//!
//! Each chart carries a title and a description for assistive technology, and its figures as a
//! table behind a disclosure; series differ by pattern as well as by colour, so a chart reads in
//! black and white, printed, or by someone who does not tell red from green.

use chrono::NaiveDate;
use serde::Serialize;

use crate::services::{
    dashboards::{Bar, incidents::Fortnight},
    reports::trend::Trend,
};

/// Drawing width, in SVG units (the chart scales to its container).
const WIDTH: u32 = 720;
/// Room for the vertical axis's labels.
const LEFT: u32 = 44;
/// Room for the day labels.
const BOTTOM: u32 = 48;
/// Above the highest bar.
const TOP: u32 = 12;
/// Plot height of the stacked chart.
const PLOT: u32 = 220;

/// One rectangle of a stacked bar.
#[derive(Debug, Serialize)]
pub struct Segment {
    /// Left.
    pub x: u32,
    /// Top.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
    /// Series index (priority, critical first): picks the fill and the pattern.
    pub series: usize,
    /// Its count.
    pub count: u64,
    /// The list it counts.
    pub href: String,
}

/// One column of the stacked chart: a day.
#[derive(Debug, Serialize)]
pub struct Column {
    /// The day (the template writes it in the reader's language).
    pub date: NaiveDate,
    /// Label anchor.
    pub x: u32,
    /// Segments, bottom (critical) to top.
    pub segments: Vec<Segment>,
    /// Counts by series.
    pub counts: Vec<u64>,
    /// The day's total.
    pub total: u64,
    /// The list of the whole day.
    pub href: String,
}

/// A horizontal gridline with its value.
#[derive(Debug, Serialize)]
pub struct Tick {
    /// Height.
    pub y: u32,
    /// Value.
    pub value: u64,
}

/// Bars by day, stacked by priority.
#[derive(Debug, Serialize)]
pub struct Stacked {
    /// Drawing size.
    pub width: u32,
    /// Drawing size.
    pub height: u32,
    /// Where the plot starts and ends, horizontally.
    pub left: u32,
    /// Baseline.
    pub base: u32,
    /// Gridlines.
    pub ticks: Vec<Tick>,
    /// Days.
    pub columns: Vec<Column>,
    /// The whole period's total.
    pub total: u64,
    /// Its list.
    pub href: String,
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Serialize)]
pub struct HBar {
    /// Name (empty: "unassigned" or "none", said by the template).
    pub label: String,
    /// Count.
    pub count: u64,
    /// Top.
    pub y: u32,
    /// Length.
    pub w: u32,
    /// The list it counts.
    pub href: String,
}

/// Horizontal bars, one per name.
#[derive(Debug, Serialize)]
pub struct Horizontal {
    /// Drawing size.
    pub width: u32,
    /// Drawing size.
    pub height: u32,
    /// Where the bars start (after the names).
    pub left: u32,
    /// Bars.
    pub bars: Vec<HBar>,
    /// The sum of the counts.
    pub total: u64,
}

/// A round maximum for the axis, at least `max`: 1, 2 or 5 times a power of ten.
fn nice_max(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max.max(1) {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn scaled(value: u64, max: u64, length: u32) -> u32 {
    u32::try_from(value.saturating_mul(u64::from(length)) / max.max(1)).unwrap_or(length)
}

/// The fortnight's incidents as stacked bars.
pub fn stacked(fortnight: &Fortnight) -> Stacked {
    let max = nice_max(
        fortnight
            .days
            .iter()
            .map(|d| d.counts.iter().sum())
            .max()
            .unwrap_or(0),
    );
    let base = TOP + PLOT;
    let slot = (WIDTH - LEFT) / u32::try_from(fortnight.days.len().max(1)).unwrap_or(1);
    let bar = slot * 2 / 3;
    let columns = fortnight
        .days
        .iter()
        .zip(0u32..)
        .map(|(day, i)| {
            let x = LEFT + i * slot + (slot - bar) / 2;
            let mut top = base;
            let segments = day
                .counts
                .iter()
                .zip(&day.hrefs)
                .enumerate()
                .filter(|(_, (count, _))| **count > 0)
                .map(|(series, (count, href))| {
                    let h = scaled(*count, max, PLOT).max(1);
                    top -= h;
                    Segment {
                        x,
                        y: top,
                        w: bar,
                        h,
                        series,
                        count: *count,
                        href: href.clone(),
                    }
                })
                .collect();
            Column {
                date: day.date,
                x: x + bar / 2,
                segments,
                counts: day.counts.to_vec(),
                total: day.counts.iter().sum(),
                href: day.href.clone(),
            }
        })
        .collect();
    Stacked {
        width: WIDTH,
        height: base + BOTTOM,
        left: LEFT,
        base,
        ticks: (0..=4)
            .map(|i| Tick {
                y: base - scaled(i, 4, PLOT),
                value: max * i / 4,
            })
            .collect(),
        columns,
        total: fortnight.total,
        href: fortnight.href.clone(),
    }
}

/// Bars by name, longest first as they come.
pub fn horizontal(bars: &[Bar]) -> Horizontal {
    const ROW: u32 = 26;
    const NAMES: u32 = 240;
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0);
    let length = WIDTH - NAMES - 60;
    Horizontal {
        width: WIDTH,
        height: ROW * u32::try_from(bars.len()).unwrap_or(0) + 8,
        left: NAMES,
        bars: bars
            .iter()
            .zip(0u32..)
            .map(|(b, i)| HBar {
                label: b.label.clone(),
                count: b.count,
                y: 4 + i * ROW,
                w: scaled(b.count, max, length).max(1),
                href: b.href.clone(),
            })
            .collect(),
        total: bars.iter().map(|b| b.count).sum(),
    }
}

/// One bar of a trend: a series' percentage in a month.
#[derive(Debug, Serialize)]
pub struct TrendBar {
    /// Left.
    pub x: u32,
    /// Top.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height (0 when nothing was measured).
    pub h: u32,
    /// Series index: picks the fill and the pattern.
    pub series: usize,
    /// The percentage, if anything was measured.
    pub value: Option<f64>,
}

/// One month of a trend.
#[derive(Debug, Serialize)]
pub struct TrendColumn {
    /// `YYYY-MM` (the template writes the month's name).
    pub month: String,
    /// Label anchor.
    pub x: u32,
    /// One bar per series.
    pub bars: Vec<TrendBar>,
}

/// Percentages by month, a bar per series side by side, on a 0–100 % axis.
#[derive(Debug, Serialize)]
pub struct TrendChart {
    /// Drawing size.
    pub width: u32,
    /// Drawing size.
    pub height: u32,
    /// Where the plot starts.
    pub left: u32,
    /// Baseline.
    pub base: u32,
    /// Gridlines at 0, 25, 50, 75 and 100 %.
    pub ticks: Vec<Tick>,
    /// Series, as catalogue keys.
    pub series: Vec<String>,
    /// Months.
    pub columns: Vec<TrendColumn>,
}

/// A trend as bars.
pub fn trend(trend: &Trend) -> TrendChart {
    let base = TOP + PLOT;
    let slot = (WIDTH - LEFT) / u32::try_from(trend.points.len().max(1)).unwrap_or(1);
    let series = u32::try_from(trend.series.len().max(1)).unwrap_or(1);
    let bar = slot * 2 / 3 / series;
    let columns = trend
        .points
        .iter()
        .zip(0u32..)
        .map(|(point, i)| {
            let x = LEFT + i * slot + (slot - bar * series) / 2;
            TrendColumn {
                month: point.month.clone(),
                x: x + bar * series / 2,
                bars: point
                    .values
                    .iter()
                    .zip(0u32..)
                    .map(|(value, s)| {
                        let h = value.map_or(0, |v| {
                            // Percentages are 0 to 100: tenths keep the scaling in integers.
                            scaled((v * 10.0).round().clamp(0.0, 1000.0) as u64, 1000, PLOT)
                        });
                        TrendBar {
                            x: x + s * bar,
                            y: base - h,
                            w: bar.saturating_sub(2),
                            h,
                            series: usize::try_from(s).unwrap_or(0),
                            value: *value,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    TrendChart {
        width: WIDTH,
        height: base + BOTTOM,
        left: LEFT,
        base,
        ticks: (0..=4)
            .map(|i| Tick {
                y: base - scaled(i, 4, PLOT),
                value: 25 * i,
            })
            .collect(),
        series: trend.series.clone(),
        columns,
    }
}

/// Horizontal bars from labelled counts (a report's rows), longest first.
pub fn ranked(rows: impl IntoIterator<Item = (String, i64, String)>) -> Horizontal {
    let mut bars: Vec<Bar> = rows
        .into_iter()
        .filter(|(_, count, _)| *count > 0)
        .map(|(label, count, href)| Bar {
            label,
            keys: Vec::new(),
            count: count.unsigned_abs(),
            href,
        })
        .collect();
    bars.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    horizontal(&bars)
}

#[cfg(test)]
mod tests {
    use super::{nice_max, scaled};

    #[test]
    fn axes_end_on_round_values() {
        let cases = [
            (0, 1),
            (1, 1),
            (3, 5),
            (7, 10),
            (11, 20),
            (48, 50),
            (51, 100),
        ];
        for (max, nice) in cases {
            assert_eq!(nice_max(max), nice, "{max}");
        }
        assert_eq!(scaled(5, 10, 200), 100);
        assert_eq!(scaled(0, 0, 200), 0);
    }
}
