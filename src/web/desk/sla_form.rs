//! The SLA editor's form: a week grid (per day closed, open with one or more intervals, or
//! 24 h; or the whole week round the clock), a targets table (kind × priority → time to own and
//! time to resolve, in minutes or hours) and holiday rules. Read from the submitted pairs into
//! an [`SlaInput`], and shown back exactly as typed when it is refused.
//!
//! The form's own problems are message keys (`sla-error-…`), translated by the template.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use crate::{
    domain::{
        catalogue::RequestKind,
        holidays::PublicHolidays,
        sla::{CoverageWindow, Interval, Metric, Priority, Target, clock_minutes},
    },
    services::catalogue::slas::{SlaInput, SlaView},
    web::forms::FieldErrors,
};

/// Interval rows shown per day at least (an empty one is always added after those typed).
const SLOTS: usize = 3;

/// The most interval rows read per day.
const MAX_SLOTS: usize = 12;

/// The longest one-off closure range, in days.
const MAX_RANGE_DAYS: i64 = 366;

/// The priorities, in the table's order.
const PRIORITIES: [Priority; 4] = [
    Priority::Critical,
    Priority::High,
    Priority::Medium,
    Priority::Low,
];

fn priority_word(priority: Priority) -> &'static str {
    match priority {
        Priority::Critical => "critical",
        Priority::High => "high",
        Priority::Medium => "medium",
        Priority::Low => "low",
    }
}

fn metric_word(metric: Metric) -> &'static str {
    match metric {
        Metric::Tto => "tto",
        Metric::Ttr => "ttr",
    }
}

/// The submitted fields, by name.
#[derive(Debug, Clone, Default)]
pub struct SlaForm {
    fields: BTreeMap<String, String>,
}

impl SlaForm {
    /// The form as submitted.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> SlaForm {
        SlaForm {
            fields: pairs.into_iter().collect(),
        }
    }

    /// The form a saved SLA fills.
    pub fn of(sla: &SlaView) -> SlaForm {
        let mut form = SlaForm::default();
        form.set("name", sla.name.clone());
        form.set("provider_id", sla.provider_id.to_string());
        form.set("revision", sla.revision.to_string());
        form.fill_window(&sla.coverage_window);
        form.fill_targets(&sla.targets);
        if sla.pause_during_maintenance {
            form.set("pause_during_maintenance", "on");
        }
        form
    }

    /// The form of a new SLA: office hours, French public holidays, a critical incident's
    /// targets.
    pub fn new_sla() -> SlaForm {
        let mut form = SlaForm::default();
        form.fill_window(&CoverageWindow {
            public_holidays: PublicHolidays::France,
            ..CoverageWindow::business_days()
        });
        form.fill_targets(&[
            Target {
                kind: RequestKind::Incident,
                priority: Priority::Critical,
                metric: Metric::Tto,
                minutes: 30,
            },
            Target {
                kind: RequestKind::Incident,
                priority: Priority::Critical,
                metric: Metric::Ttr,
                minutes: 240,
            },
        ]);
        form
    }

    fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.fields.insert(key.into(), value.into());
    }

    /// A submitted field, trimmed ("" when absent).
    pub fn get(&self, key: &str) -> &str {
        self.fields.get(key).map_or("", |v| v.trim())
    }

    fn fill_window(&mut self, window: &CoverageWindow) {
        self.set("time_zone", window.time_zone.clone());
        if window.round_the_clock {
            self.set("always", "on");
        }
        self.set("public_holidays", window.public_holidays.as_str());
        self.set("closures", show_closures(&window.holidays));
        let mut counts = [0usize; 7];
        for interval in &window.intervals {
            let d = usize::from(interval.weekday).min(6);
            if interval.start == "00:00" && interval.end == "24:00" {
                self.set(format!("day{d}"), "all_day");
                continue;
            }
            self.set(format!("day{d}"), "hours");
            self.set(format!("from{d}_{}", counts[d]), interval.start.clone());
            self.set(format!("to{d}_{}", counts[d]), interval.end.clone());
            counts[d] += 1;
        }
    }

    fn fill_targets(&mut self, targets: &[Target]) {
        for t in targets {
            let key = format!(
                "{}_{}_{}",
                metric_word(t.metric),
                t.kind.as_str(),
                priority_word(t.priority)
            );
            let (value, unit) = if t.minutes % 60 == 0 {
                (t.minutes / 60, "h")
            } else {
                (t.minutes, "min")
            };
            self.set(format!("unit_{key}"), unit);
            self.set(key, value.to_string());
        }
    }

    /// What the coordinator asked: `save` (the default), `preview` (the closed days) or
    /// `simulate` (the what-if with the values typed).
    pub fn action(&self) -> &str {
        match self.get("action") {
            "" => "save",
            action => action,
        }
    }

    /// Every field as typed, for the parts of the page shown from the raw values.
    pub fn typed(&self) -> Value {
        json!(self.fields)
    }

    /// The typed intervals of a day: (from, to) pairs, empty rows left out.
    fn slots(&self, day: usize) -> Vec<(&str, &str)> {
        (0..MAX_SLOTS)
            .map(|i| {
                (
                    self.get(&format!("from{day}_{i}")),
                    self.get(&format!("to{day}_{i}")),
                )
            })
            .filter(|(from, to)| !from.is_empty() || !to.is_empty())
            .collect()
    }

    /// The window as typed, with the problems found (field → message key).
    pub fn window(&self, problems: &mut FieldErrors) -> CoverageWindow {
        let mut intervals = Vec::new();
        for day in 0..7u8 {
            let field = format!("day{day}");
            let interval = |start: &str, end: &str| Interval {
                weekday: day,
                start: start.to_owned(),
                end: end.to_owned(),
            };
            match self.get(&field) {
                "" | "closed" => {}
                "all_day" => intervals.push(interval("00:00", "24:00")),
                "hours" => {
                    let slots = self.slots(usize::from(day));
                    if slots.is_empty() {
                        problems.insert(field.clone(), "sla-error-no-interval".to_owned());
                    }
                    for (start, end) in slots {
                        let typed = interval(start, end);
                        if clock_minutes(start).is_none() || clock_minutes(end).is_none() {
                            problems.insert(field.clone(), "sla-error-times".to_owned());
                        } else if typed.span().is_none() {
                            problems.insert(field.clone(), "sla-error-same-times".to_owned());
                        } else {
                            intervals.push(typed);
                        }
                    }
                }
                _ => {
                    problems.insert(field, "sla-error-day-mode".to_owned());
                }
            }
        }
        let public_holidays =
            PublicHolidays::parse(self.get("public_holidays")).unwrap_or_else(|| {
                problems.insert("public_holidays".to_owned(), "sla-error-rule".to_owned());
                PublicHolidays::None
            });
        let holidays = parse_closures(self.get("closures")).unwrap_or_else(|| {
            problems.insert("closures".to_owned(), "sla-error-closures".to_owned());
            Vec::new()
        });
        CoverageWindow {
            time_zone: self.get("time_zone").to_owned(),
            round_the_clock: self.get("always") == "on",
            intervals,
            public_holidays,
            holidays,
        }
    }

    /// The SLA as typed, or the problems found (field → message key).
    pub fn input(&self) -> Result<SlaInput, FieldErrors> {
        let mut problems = FieldErrors::new();
        let coverage_window = self.window(&mut problems);
        let mut targets = Vec::new();
        for kind in RequestKind::ALL {
            for priority in PRIORITIES {
                for metric in [Metric::Tto, Metric::Ttr] {
                    let key = format!(
                        "{}_{}_{}",
                        metric_word(metric),
                        kind.as_str(),
                        priority_word(priority)
                    );
                    let value = self.get(&key);
                    if value.is_empty() {
                        continue;
                    }
                    let scale = if self.get(&format!("unit_{key}")) == "h" {
                        60
                    } else {
                        1
                    };
                    match value.parse::<i64>() {
                        Ok(n) if n > 0 => targets.push(Target {
                            kind: *kind,
                            priority,
                            metric,
                            minutes: n.saturating_mul(scale),
                        }),
                        _ => {
                            problems.insert(key, "sla-error-amount".to_owned());
                        }
                    }
                }
            }
        }
        let provider_id = self.get("provider_id").parse().ok();
        if provider_id.is_none() {
            problems.insert("provider_id".to_owned(), "sla-error-provider".to_owned());
        }
        match (problems.is_empty(), provider_id) {
            (true, Some(provider_id)) => Ok(SlaInput {
                revision: self.get("revision").parse().ok(),
                name: self.get("name").to_owned(),
                provider_id,
                targets,
                coverage_window,
                pause_during_maintenance: self.get("pause_during_maintenance") == "on",
            }),
            _ => Err(problems),
        }
    }

    /// What the template shows: the fields as typed, organised as the grid and the table.
    pub fn shown(&self) -> Value {
        let days: Vec<Value> = (0..7)
            .map(|day| {
                let mut slots: Vec<Value> = self
                    .slots(day)
                    .into_iter()
                    .map(|(from, to)| json!({ "from": from, "to": to }))
                    .collect();
                let rows = SLOTS.max(slots.len() + 1);
                slots.resize(rows, json!({ "from": "", "to": "" }));
                let mode = match self.get(&format!("day{day}")) {
                    "" => "closed",
                    mode => mode,
                };
                json!({ "weekday": day, "mode": mode, "slots": slots })
            })
            .collect();
        let targets: Vec<Value> = RequestKind::ALL
            .iter()
            .flat_map(|kind| {
                PRIORITIES.iter().map(move |priority| {
                    let cell = |metric: &str| {
                        let key =
                            format!("{metric}_{}_{}", kind.as_str(), priority_word(*priority));
                        let unit = match self.get(&format!("unit_{key}")) {
                            "" => "h",
                            unit => unit,
                        };
                        json!({ "key": key, "value": self.get(&key), "unit": unit })
                    };
                    json!({ "kind": kind.as_str(), "priority": priority_word(*priority),
                            "tto": cell("tto"), "ttr": cell("ttr") })
                })
            })
            .collect();
        json!({ "name": self.get("name"), "provider_id": self.get("provider_id").parse::<i64>().ok(),
                "revision": self.get("revision"), "time_zone": self.get("time_zone"),
                "always": self.get("always") == "on",
                "pause_during_maintenance": self.get("pause_during_maintenance") == "on",
                "public_holidays": self.get("public_holidays"), "closures": self.get("closures"),
                "days": days, "targets": targets })
    }
}

/// One-off closures, one a line: a date `YYYY-MM-DD` or a range `YYYY-MM-DD..YYYY-MM-DD`.
/// None when a line does not read or a range is backwards or longer than a year.
fn parse_closures(text: &str) -> Option<Vec<NaiveDate>> {
    let mut dates = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        let (first, last) = line.split_once("..").unwrap_or((line, line));
        let first: NaiveDate = first.trim().parse().ok()?;
        let last: NaiveDate = last.trim().parse().ok()?;
        let days = (last - first).num_days();
        if !(0..MAX_RANGE_DAYS).contains(&days) {
            return None;
        }
        dates.extend((0..=days).filter_map(|d| first.checked_add_signed(Duration::days(d))));
    }
    dates.sort_unstable();
    dates.dedup();
    Some(dates)
}

/// Closures as lines, consecutive days written as one range.
fn show_closures(dates: &[NaiveDate]) -> String {
    let mut sorted = dates.to_vec();
    sorted.sort_unstable();
    let mut ranges: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for date in sorted {
        match ranges.last_mut() {
            Some(last) if last.1.succ_opt() == Some(date) => last.1 = date,
            Some(last) if last.1 == date => {}
            _ => ranges.push((date, date)),
        }
    }
    ranges
        .into_iter()
        .map(|(first, last)| {
            if first == last {
                first.to_string()
            } else {
                format!("{first}..{last}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly by design")]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> SlaForm {
        SlaForm::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_grid_and_table_read_into_a_window_and_targets() {
        let typed = form(&[
            ("name", "Astreinte"),
            ("provider_id", "3"),
            ("time_zone", "Europe/Paris"),
            ("day0", "hours"),
            ("from0_0", "08:00"),
            ("to0_0", "12:00"),
            ("from0_1", "14:00"),
            ("to0_1", "24:00"),
            ("day4", "hours"),
            ("from4_0", "22:00"),
            ("to4_0", "06:00"),
            ("day6", "all_day"),
            ("public_holidays", "alsace_moselle"),
            ("closures", "2026-12-24..2026-12-31\n2027-05-07"),
            ("tto_incident_critical", "30"),
            ("unit_tto_incident_critical", "min"),
            ("ttr_incident_critical", "4"),
            ("unit_ttr_incident_critical", "h"),
        ]);
        let input = typed.input().unwrap();
        let window = &input.coverage_window;
        let spans: Vec<(u8, &str, &str)> = window
            .intervals
            .iter()
            .map(|i| (i.weekday, i.start.as_str(), i.end.as_str()))
            .collect();
        assert_eq!(
            spans,
            [
                (0, "08:00", "12:00"),
                (0, "14:00", "24:00"),
                (4, "22:00", "06:00"),
                (6, "00:00", "24:00")
            ]
        );
        assert_eq!(window.public_holidays, PublicHolidays::AlsaceMoselle);
        assert_eq!(window.holidays.len(), 9);
        let minutes: Vec<i64> = input.targets.iter().map(|t| t.minutes).collect();
        assert_eq!(minutes, [30, 240]);
        // Shown again from what it saved, the closures come back as a range.
        let view = SlaView {
            id: 1,
            name: input.name.clone(),
            provider_id: 3,
            targets: input.targets.clone(),
            coverage_window: input.coverage_window.clone(),
            pause_during_maintenance: input.pause_during_maintenance,
            revision: 1,
        };
        let again = SlaForm::of(&view);
        assert_eq!(again.get("closures"), "2026-12-24..2026-12-31\n2027-05-07");
        assert_eq!(again.get("ttr_incident_critical"), "4");
        assert_eq!(
            again.input().unwrap().coverage_window,
            input.coverage_window
        );
    }

    #[test]
    fn problems_name_their_field_and_the_form_keeps_what_was_typed() {
        let typed = form(&[
            ("provider_id", "x"),
            ("day1", "hours"),
            ("from1_0", "8h"),
            ("to1_0", "18:00"),
            ("day2", "hours"),
            ("day3", "hours"),
            ("from3_0", "10:00"),
            ("to3_0", "10:00"),
            ("public_holidays", "mars"),
            ("closures", "2026-12-24\n24/12/2026"),
            ("ttr_request_low", "-3"),
        ]);
        let problems = typed.input().err().unwrap();
        let expected = [
            ("closures", "sla-error-closures"),
            ("day1", "sla-error-times"),
            ("day2", "sla-error-no-interval"),
            ("day3", "sla-error-same-times"),
            ("provider_id", "sla-error-provider"),
            ("public_holidays", "sla-error-rule"),
            ("ttr_request_low", "sla-error-amount"),
        ];
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(found, expected);
        let shown = typed.shown();
        assert_eq!(
            shown["days"][1]["slots"][0],
            json!({"from": "8h", "to": "18:00"})
        );
        assert_eq!(shown["days"][1]["slots"].as_array().unwrap().len(), 3);
        assert_eq!(shown["closures"], "2026-12-24\n24/12/2026");
    }
}
