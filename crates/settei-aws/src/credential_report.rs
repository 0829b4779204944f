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

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Parses the report; `Err` names the first problem (a missing column or a
/// malformed line) so that the caller can record an unknown-shape error.
pub fn parse(csv: &str) -> Result<Vec<Row>, String> {
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .ok_or("empty credential report")?
        .split(',')
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("credential report has no `{name}` column"))
    };
    let c = |name| col(name);
    let idx: HashMap<&str, usize> = [
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
    ]
    .into_iter()
    .map(|n| c(n).map(|i| (n, i)))
    .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != header.len() {
            return Err(format!(
                "credential report line {} has {} cells, expected {}",
                n + 2,
                cells.len(),
                header.len()
            ));
        }
        let get = |name: &str| cells[idx[name]];
        let key = |i: u8| KeyFacts {
            active: get(&format!("access_key_{i}_active")) == "true",
            last_rotated: time(get(&format!("access_key_{i}_last_rotated"))),
            last_used: time(get(&format!("access_key_{i}_last_used_date"))),
        };
        rows.push(Row {
            user: get("user").to_string(),
            arn: get("arn").to_string(),
            password_enabled: get("password_enabled") == "true",
            password_last_used: time(get("password_last_used")),
            password_last_changed: time(get("password_last_changed")),
            mfa_active: get("mfa_active") == "true",
            keys: [key(1), key(2)],
            user_creation_time: time(get("user_creation_time")),
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
        let now = time("2026-11-20T00:00:00Z").unwrap();
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
}
