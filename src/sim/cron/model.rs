//! A crontab as data: its five time fields and its command, and when a job is due next.
//!
//! Real cron (Debian's vixie cron, `man 5 crontab`): a line is `minute hour day-of-month month
//! day-of-week command`; a field is `*`, a number, a range `1-5`, a list `1,15`, a step `*/15`
//! or `0-23/2`, and month and weekday also take names (`jan`, `mon`); weekday 0 and 7 are
//! Sunday. When both day-of-month and day-of-week are restricted, a day matching EITHER runs
//! the job. `@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`, `@yearly`/`@annually` stand
//! for the usual lines. In the command, an unescaped `%` ends the command (the rest becomes its
//! standard input), so `date +%F` must be written `date +\%F`. A bad field is refused at
//! install: `"FILE":LINE: bad minute`, `errors in crontab file, can't install.`
//!
//! A leaf (plain data and arithmetic on the simulated clock). Simplified: `@reboot`, environment
//! lines (`MAILTO=`, `PATH=`) and the standard input after `%` are accepted and ignored.

use crate::sim::time::{self, Millis};

/// One time field: the values it allows.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Field {
    pub allowed: Vec<u32>,
    /// Written as `*` (matters for the day-of-month/day-of-week rule).
    pub any: bool,
}

impl Field {
    fn matches(&self, value: u32) -> bool {
        self.allowed.contains(&value)
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Job {
    /// The line's number in the crontab (1-based).
    pub line: usize,
    pub minute: Field,
    pub hour: Field,
    pub day_of_month: Field,
    pub month: Field,
    pub day_of_week: Field,
    /// The command as cron hands it to `sh -c` (cut at the first unescaped `%`).
    pub command: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Crontab {
    /// The text `crontab -l` prints.
    pub text: String,
    pub jobs: Vec<Job>,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn value(text: &str, names: &[&str], offset: u32) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(text))
        .map(|i| i as u32 + offset)
}

/// Parses one field within `low..=high`; `None` when it is not valid.
fn field(text: &str, low: u32, high: u32, names: &[&str], name_offset: u32) -> Option<Field> {
    let mut allowed = Vec::new();
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (from, to) = if range == "*" {
            (low, high)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, names, name_offset)?, value(b, names, name_offset)?)
        } else {
            let v = value(range, names, name_offset)?;
            // `5/10` means from 5 to the end, every 10.
            (v, if step > 1 { high } else { v })
        };
        if from < low || to > high || from > to {
            return None;
        }
        allowed.extend((from..=to).step_by(step as usize));
    }
    crate::sim::order::sort(&mut allowed);
    allowed.dedup();
    Some(Field {
        allowed,
        any: text == "*",
    })
}

/// The command up to the first unescaped `%`, with `\%` made `%`.
fn command_of(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'%') => {
                out.push('%');
                chars.next();
            }
            '%' => break,
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// Parses a crontab; on error, the message cron prints for it (`"-":3: bad hour`).
pub fn parse(text: &str, file_name: &str) -> Result<Crontab, String> {
    if !text.is_empty() && !text.ends_with('\n') {
        return Err("new crontab file is missing newline before EOF, can't install.".to_string());
    }
    let mut jobs = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |what: &str| {
            format!(
                "\"{file_name}\":{}: bad {what}\nerrors in crontab file, can't install.",
                i + 1
            )
        };
        // An environment setting (`MAILTO=""`, `SHELL=/bin/bash`).
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('=') && !first.starts_with('@') {
            continue;
        }
        let (fields, command): (Vec<String>, String) =
            if let Some(special) = first.strip_prefix('@') {
                let expanded = match special {
                    "hourly" => "0 * * * *",
                    "daily" | "midnight" => "0 0 * * *",
                    "weekly" => "0 0 * * 0",
                    "monthly" => "0 0 1 * *",
                    "yearly" | "annually" => "0 0 1 1 *",
                    "reboot" => continue,
                    _ => return Err(bad("time specifier")),
                };
                (
                    expanded.split(' ').map(str::to_string).collect(),
                    line[first.len()..].to_string(),
                )
            } else {
                let mut words = line.split_whitespace();
                let fields: Vec<String> = words.by_ref().take(5).map(str::to_string).collect();
                // The command is the rest of the line as written (spaces kept).
                let mut rest = line;
                for f in &fields {
                    rest = rest.trim_start()[f.len()..].trim_start();
                }
                (fields, rest.to_string())
            };
        let get = |k: usize| fields.get(k).map(String::as_str).unwrap_or("");
        let minute = field(get(0), 0, 59, &[], 0).ok_or_else(|| bad("minute"))?;
        let hour = field(get(1), 0, 23, &[], 0).ok_or_else(|| bad("hour"))?;
        let day_of_month = field(get(2), 1, 31, &[], 0).ok_or_else(|| bad("day-of-month"))?;
        let month = field(get(3), 1, 12, &MONTHS, 1).ok_or_else(|| bad("month"))?;
        let mut day_of_week = field(get(4), 0, 7, &DAYS, 0).ok_or_else(|| bad("day-of-week"))?;
        if day_of_week.allowed.contains(&7) && !day_of_week.allowed.contains(&0) {
            day_of_week.allowed.insert(0, 0);
        }
        let command = command_of(&command);
        if command.is_empty() {
            return Err(bad("command"));
        }
        jobs.push(Job {
            line: i + 1,
            minute,
            hour,
            day_of_month,
            month,
            day_of_week,
            command,
        });
    }
    Ok(Crontab {
        text: text.to_string(),
        jobs,
    })
}

const MINUTE_MS: Millis = 60_000;
const DAY_MS: Millis = 86_400_000;

impl Job {
    fn day_matches(&self, at_ms: Millis) -> bool {
        let (_, month, day, ..) = time::civil(at_ms);
        // 1970-01-01 was a Thursday (weekday 4).
        let weekday = ((time::unix_seconds(at_ms) / 86_400 + 4) % 7) as u32;
        if !self.month.matches(month) {
            return false;
        }
        let dom = self.day_of_month.matches(day);
        let dow = self.day_of_week.matches(weekday);
        match (self.day_of_month.any, self.day_of_week.any) {
            (false, false) => dom || dow,
            _ => dom && dow,
        }
    }

    /// Is the job due in the minute that starts at `at_ms`?
    pub fn due(&self, at_ms: Millis) -> bool {
        let (_, _, _, hour, minute, ..) = time::civil(at_ms);
        self.day_matches(at_ms)
            && self.hour.matches(hour as u32)
            && self.minute.matches(minute as u32)
    }

    /// The start of the next minute after `after_ms` in which the job is due (within 5 years).
    pub fn next_after(&self, after_ms: Millis) -> Option<Millis> {
        // Minutes start on the wall clock; the simulation's epoch is on a whole minute.
        let mut at = (after_ms / MINUTE_MS + 1) * MINUTE_MS;
        let limit = at + 5 * 366 * DAY_MS;
        while at < limit {
            if !self.day_matches(at) {
                // Skip to the next midnight.
                let seconds_of_day = time::unix_seconds(at) % 86_400;
                at += DAY_MS - seconds_of_day * 1000;
                continue;
            }
            if self.due(at) {
                return Some(at);
            }
            at += MINUTE_MS;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_take_ranges_lists_steps_and_names() {
        assert_eq!(
            field("*/15", 0, 59, &[], 0).unwrap().allowed,
            [0, 15, 30, 45]
        );
        assert_eq!(
            field("1-5,10", 0, 59, &[], 0).unwrap().allowed,
            [1, 2, 3, 4, 5, 10]
        );
        assert_eq!(
            field("mon-fri", 0, 7, &DAYS, 0).unwrap().allowed,
            [1, 2, 3, 4, 5]
        );
        assert!(field("60", 0, 59, &[], 0).is_none());
    }

    #[test]
    fn a_bad_field_is_refused_with_crons_words() {
        let err = parse("0 3 * * * backup\n61 * * * * x\n", "-").unwrap_err();
        assert_eq!(
            err,
            "\"-\":2: bad minute\nerrors in crontab file, can't install."
        );
        assert!(
            parse("0 3 * * * x", "f")
                .unwrap_err()
                .contains("missing newline")
        );
    }

    #[test]
    fn a_percent_ends_the_command_unless_escaped() {
        let tab = parse(
            "0 3 * * * tar czf /b/$(date +%F).tgz /data\n0 4 * * * echo $(date +\\%F)\n",
            "-",
        )
        .unwrap();
        assert_eq!(tab.jobs[0].command, "tar czf /b/$(date +");
        assert_eq!(tab.jobs[1].command, "echo $(date +%F)");
    }

    #[test]
    fn a_nightly_job_is_next_due_at_three() {
        let tab = parse("0 3 * * * backup\n", "-").unwrap();
        // The epoch is Monday 2026-01-05 09:00; the next 03:00 is 18 hours later.
        assert_eq!(tab.jobs[0].next_after(0), Some(18 * 3_600_000));
        let sundays = parse("@weekly x\n", "-").unwrap();
        // Sunday 2026-01-11 00:00 is 5 days and 15 hours later.
        assert_eq!(
            sundays.jobs[0].next_after(0),
            Some((5 * 24 + 15) * 3_600_000)
        );
    }
}
