//! Simulated time.
//!
//! Docker reports durations through go-units' `HumanDuration` ("Up 5 seconds", "About a minute
//! ago") and timestamps as RFC 3339 with nanoseconds. We keep time as integer milliseconds since
//! the simulation started and place that start at a fixed date, so output is reproducible.

/// Simulated time or a duration, in milliseconds.
pub type Millis = u64;

pub const SECOND_MS: Millis = 1_000;
pub const MINUTE_MS: Millis = 60 * SECOND_MS;
pub const HOUR_MS: Millis = 60 * MINUTE_MS;
pub const DAY_MS: Millis = 24 * HOUR_MS;

/// The wall-clock date the simulation starts at, as days since 1970-01-01 (2026-01-05, a Monday,
/// 09:00 UTC): a fixed epoch keeps `docker inspect` timestamps identical run to run.
const EPOCH_DAYS: i64 = 20_458;
const EPOCH_SECONDS_OF_DAY: u64 = 9 * 3600;

/// go-units `HumanDuration`, threshold for threshold.
pub fn human_duration(duration_ms: Millis) -> String {
    let seconds = duration_ms / 1000;
    let minutes = seconds / 60;
    // go-units rounds hours to nearest: int(d.Hours() + 0.5)
    let hours = (duration_ms + 30 * MINUTE_MS) / (60 * MINUTE_MS);
    if seconds < 1 {
        "Less than a second".to_string()
    } else if seconds == 1 {
        "1 second".to_string()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".to_string()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".to_string()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", duration_ms / (60 * MINUTE_MS) / 24 / 365)
    }
}

/// The simulated clock as a person reads one: `0:00:07`, `0:12:03.250` (milliseconds only when
/// there are some: a stop's grace period ends at `0:00:10.120`), and with days once a scenario
/// runs for days (`1d 00:05:00`, `3d 04:00:00.500`).
pub fn clock(at_ms: Millis) -> String {
    let days = at_ms / DAY_MS;
    let hours = (at_ms % DAY_MS) / HOUR_MS;
    let minutes = (at_ms % HOUR_MS) / MINUTE_MS;
    let seconds = (at_ms % MINUTE_MS) / SECOND_MS;
    let millis = at_ms % SECOND_MS;
    let fraction = if millis == 0 {
        String::new()
    } else {
        format!(".{millis:03}")
    };
    if days == 0 {
        format!("{hours}:{minutes:02}:{seconds:02}{fraction}")
    } else {
        format!("{days}d {hours:02}:{minutes:02}:{seconds:02}{fraction}")
    }
}

/// A duration as a person would say it: `10 s`, `250 ms`, `1.5 s`, `2 min`.
pub fn short_duration(duration_ms: Millis) -> String {
    if duration_ms < 1000 {
        format!("{duration_ms} ms")
    } else if duration_ms.is_multiple_of(DAY_MS) {
        let days = duration_ms / DAY_MS;
        format!("{days} day{}", if days == 1 { "" } else { "s" })
    } else if duration_ms.is_multiple_of(HOUR_MS) && duration_ms >= 2 * HOUR_MS {
        format!("{} h", duration_ms / HOUR_MS)
    } else if duration_ms.is_multiple_of(MINUTE_MS) {
        format!("{} min", duration_ms / MINUTE_MS)
    } else if duration_ms.is_multiple_of(1000) {
        format!("{} s", duration_ms / 1000)
    } else {
        format!("{:.1} s", duration_ms as f64 / 1000.0)
    }
}

/// Go's `time.RFC3339Nano`, as `docker inspect` prints `StartedAt`: trailing zeros of the
/// fraction are dropped (`…:01.25Z`, `…:01Z`).
pub fn rfc3339(at_ms: Millis) -> String {
    let total_seconds = EPOCH_SECONDS_OF_DAY + at_ms / 1000;
    let days = EPOCH_DAYS + (total_seconds / 86_400) as i64;
    let second_of_day = total_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let fraction = format!(".{:09}", (at_ms % 1000) * 1_000_000);
    let fraction = fraction.trim_end_matches('0').trim_end_matches('.');
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{fraction}Z",
        second_of_day / 3600,
        (second_of_day / 60) % 60,
        second_of_day % 60,
    )
}

/// Go's `time.Time.String()` of a Unix-seconds time in UTC, as `docker ps --format
/// '{{.CreatedAt}}'` prints it (docker/cli's container formatter: `time.Unix(Created, 0).String()`,
/// so whole seconds): `2026-01-05 09:00:00 +0000 UTC`.
pub fn go_time_string(at_ms: Millis) -> String {
    let (year, month, day, hour, minute, second, _) = civil(at_ms);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02} +0000 UTC")
}

/// The date and time of day at `at_ms`: (year, month, day, hour, minute, second, millisecond).
pub fn civil(at_ms: Millis) -> (i64, u32, u32, u64, u64, u64, u64) {
    let total_seconds = EPOCH_SECONDS_OF_DAY + at_ms / 1000;
    let days = EPOCH_DAYS + (total_seconds / 86_400) as i64;
    let second_of_day = total_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    (
        year,
        month,
        day,
        second_of_day / 3600,
        (second_of_day / 60) % 60,
        second_of_day % 60,
        at_ms % 1000,
    )
}

/// Seconds since the Unix epoch at `at_ms`.
pub fn unix_seconds(at_ms: Millis) -> u64 {
    EPOCH_DAYS as u64 * 86_400 + EPOCH_SECONDS_OF_DAY + at_ms / 1000
}

/// The zero time Go prints for "never" (`FinishedAt` of a container that never stopped).
pub const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses a Go-style duration as transcripts and flags write it: `30s`, `1m30s`, `500ms`, `2h`,
/// or a bare number of seconds.
pub fn parse_duration(text: &str) -> Option<Millis> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return seconds.checked_mul(1000);
    }
    let mut total: Millis = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits_end == 0 {
            return None;
        }
        let number: f64 = rest[..digits_end].parse().ok()?;
        rest = &rest[digits_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" | "min" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total = total.checked_add((number * factor).round() as Millis)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_follows_go_units() {
        assert_eq!(human_duration(400), "Less than a second");
        assert_eq!(human_duration(1_500), "1 second");
        assert_eq!(human_duration(59_999), "59 seconds");
        assert_eq!(human_duration(60_000), "About a minute");
        assert_eq!(human_duration(119_999), "About a minute");
        assert_eq!(human_duration(120_000), "2 minutes");
        assert_eq!(human_duration(59 * MINUTE_MS), "59 minutes");
        assert_eq!(human_duration(60 * MINUTE_MS), "About an hour");
        assert_eq!(human_duration(90 * MINUTE_MS), "2 hours");
        assert_eq!(human_duration(48 * 60 * MINUTE_MS), "2 days");
    }

    #[test]
    fn the_clock_reads_hours_minutes_seconds_and_days() {
        assert_eq!(clock(0), "0:00:00");
        assert_eq!(clock(10_120), "0:00:10.120");
        assert_eq!(clock(12 * MINUTE_MS + 3_000), "0:12:03");
        assert_eq!(clock(26 * HOUR_MS + 5 * MINUTE_MS), "1d 02:05:00");
        assert_eq!(clock(DAY_MS + 30_000), "1d 00:00:30");
        assert_eq!(clock(3 * DAY_MS + 4 * HOUR_MS + 500), "3d 04:00:00.500");
        assert_eq!(clock(u64::MAX).split_whitespace().count(), 2);
    }

    #[test]
    fn go_time_string_is_whole_seconds_in_utc() {
        // docker/cli formatter/container.go: CreatedAt() is time.Unix(c.Created, 0).String().
        let text = go_time_string(1_250);
        assert!(text.ends_with(" +0000 UTC"), "{text}");
        assert_eq!(text.len(), "2026-01-05 09:00:00 +0000 UTC".len(), "{text}");
        assert_eq!(&text[..10], &rfc3339(1_250)[..10]);
        assert_eq!(&text[11..19], &rfc3339(1_250)[11..19]);
    }

    #[test]
    fn rfc3339_starts_at_the_fixed_epoch() {
        assert_eq!(rfc3339(0), "2026-01-05T09:00:00Z");
        assert_eq!(rfc3339(86_400_000 + 1_250), "2026-01-06T09:00:01.25Z");
    }

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("30s"), Some(30_000));
        assert_eq!(parse_duration("1m30s"), Some(90_000));
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("1.5s"), Some(1_500));
        assert_eq!(parse_duration("10"), Some(10_000));
        assert_eq!(parse_duration("ten"), None);
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration(""), None);
    }
}
