//! The IAM credential report (CSV), parsed into per-user facts.
//!
//! moto does not model the root user in its report, so the root row is
//! covered by tests on a recorded report (`fixtures/aws/credential-report.csv`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub user: String,
    pub arn: String,
    pub password_enabled: bool,
    pub password_last_used: Option<DateTime<Utc>>,
    pub password_last_changed: Option<DateTime<Utc>>,
    pub mfa_active: bool,
    pub keys: [KeyFacts; 2],
    pub user_creation_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyFacts {
    pub active: bool,
    pub last_rotated: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
}

/// The markers the report documents for a cell with no value: `N/A` (no
/// such credential), `no_information` (not used since tracking began),
/// `not_supported` (the root user's password fields).
const MARKERS: &[&str] = &["N/A", "no_information", "not_supported"];

/// A timestamp cell: a documented marker is `None`; anything else must be
/// an RFC 3339 time, or the report is malformed.
fn time(cell: &str, column: &str, line: u64) -> Result<Option<DateTime<Utc>>, String> {
    if MARKERS.contains(&cell) {
        return Ok(None);
    }
    DateTime::parse_from_rfc3339(cell)
        .map(|d| Some(d.with_timezone(&Utc)))
        .map_err(|_| {
            format!("credential report line {line}: `{column}` is neither a time nor a documented marker")
        })
}

/// A boolean cell: `true` or `false` (a documented marker means the
/// credential does not exist: `false`).
fn flag(cell: &str, column: &str, line: u64) -> Result<bool, String> {
    match cell {
        "true" => Ok(true),
        "false" => Ok(false),
        c if MARKERS.contains(&c) => Ok(false),
        _ => Err(format!(
            "credential report line {line}: `{column}` is neither true, false nor a documented marker"
        )),
    }
}

const COLUMNS: &[&str] = &[
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
];

/// Parses the report (RFC 4180 CSV: a quoted cell may hold a comma); `Err`
/// names the first problem (a missing column, a malformed line or cell) so
/// that the caller can record an unknown-shape error.
pub fn parse(csv: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(csv.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("credential report header: {e}"))?
        .clone();
    if header.is_empty() || header.iter().all(str::is_empty) {
        return Err("empty credential report".into());
    }
    let idx: HashMap<&str, usize> = COLUMNS
        .iter()
        .map(|&n| {
            header
                .iter()
                .position(|h| h == n)
                .map(|i| (n, i))
                .ok_or(format!("credential report has no `{n}` column"))
        })
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
            } => format!(
                "credential report line {} has {len} cells, expected {expected_len}",
                pos.as_ref().map_or(0, |p| p.line())
            ),
            _ => format!("credential report: {e}"),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let get = |name: &str| &record[idx[name]];
        let at = |name: &str| time(get(name), name, line);
        let on = |name: &str| flag(get(name), name, line);
        let key = |i: u8| -> Result<KeyFacts, String> {
            Ok(KeyFacts {
                active: on(&format!("access_key_{i}_active"))?,
                last_rotated: at(&format!("access_key_{i}_last_rotated"))?,
                last_used: at(&format!("access_key_{i}_last_used_date"))?,
            })
        };
        rows.push(Row {
            user: get("user").to_string(),
            arn: get("arn").to_string(),
            password_enabled: on("password_enabled")?,
            password_last_used: at("password_last_used")?,
            password_last_changed: at("password_last_changed")?,
            mfa_active: on("mfa_active")?,
            keys: [key(1)?, key(2)?],
            user_creation_time: at("user_creation_time")?,
        });
    }
    Ok(rows)
}

/// The root account's row.
pub fn root(rows: &[Row]) -> Option<&Row> {
    rows.iter().find(|r| r.user == "<root_account>")
}

/// Days since the root user last signed in or used an access key.
pub fn root_last_used_days(root: &Row, now: DateTime<Utc>) -> Option<i64> {
    [
        root.password_last_used,
        root.keys[0].last_used,
        root.keys[1].last_used,
    ]
    .into_iter()
    .flatten()
    .max()
    .map(|t| (now - t).num_days().max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        time(s, "test", 0).unwrap().unwrap()
    }

    fn days_since(then: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<i64> {
        then.map(|t| (now - t).num_days().max(0))
    }

    const RECORDED: &str = include_str!("../../../fixtures/aws/credential-report.csv");

    #[test]
    fn parses_a_recorded_report_with_the_root_row() {
        let rows = parse(RECORDED).unwrap();
        let root = root(&rows).expect("root row");
        assert!(root.mfa_active);
        assert!(!root.keys[0].active && !root.keys[1].active);
        let now = t("2026-11-20T00:00:00Z");
        assert_eq!(root_last_used_days(root, now), Some(3));
        let bob = rows.iter().find(|r| r.user == "bob").unwrap();
        assert!(bob.password_enabled && !bob.mfa_active);
        assert!(bob.keys[0].active);
        assert_eq!(days_since(bob.keys[0].last_rotated, now), Some(324));
        assert_eq!(bob.keys[0].last_used, None);
    }

    #[test]
    fn malformed_reports_are_errors() {
        assert!(parse("").is_err());
        assert!(parse("user,arn\nx,y\n").unwrap_err().contains("column"));
        let short = RECORDED.lines().take(2).collect::<Vec<_>>().join("\n") + ",extra";
        assert!(parse(&short).unwrap_err().contains("cells"));
    }

    /// A copy of the recorded report with one cell of `user`'s row replaced.
    fn with_cell(user: &str, column: &str, value: &str) -> String {
        let mut lines: Vec<String> = RECORDED.lines().map(str::to_string).collect();
        let col = lines[0].split(',').position(|h| h == column).unwrap();
        for l in lines.iter_mut().skip(1) {
            let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
            if cells[0] == user {
                cells[col] = value.to_string();
                *l = cells.join(",");
            }
        }
        lines.join("\n")
    }

    #[test]
    fn malformed_cells_are_errors_not_never_used() {
        // Documented markers mean "no value"...
        for marker in ["N/A", "no_information", "not_supported"] {
            let rows = parse(&with_cell("<root_account>", "password_last_used", marker)).unwrap();
            assert_eq!(root(&rows).unwrap().password_last_used, None, "{marker}");
        }
        // ...anything else that is not a time is a malformed report, which
        // the collector records as unknown_shape (AWS-IAM-011 is ERROR, not PASS).
        for bad in ["2026-13-40", "yesterday", ""] {
            let err = parse(&with_cell("<root_account>", "password_last_used", bad)).unwrap_err();
            assert!(
                err.contains("password_last_used") && err.contains("line 2"),
                "{err}"
            );
        }
        let err = parse(&with_cell("bob", "access_key_1_active", "yes")).unwrap_err();
        assert!(err.contains("access_key_1_active"), "{err}");
    }

    #[test]
    fn quoted_cells_may_hold_commas() {
        // IAM user names allow `,`; the report quotes such cells.
        let text = RECORDED.replacen("\nbob,", "\n\"bob,ops\",", 1);
        let rows = parse(&text).unwrap();
        let bob = rows
            .iter()
            .find(|r| r.user == "bob,ops")
            .expect("quoted user");
        assert!(bob.keys[0].active);
    }
}
