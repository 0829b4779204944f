use std::collections::BTreeMap;

use serde::Serialize;
use settei_model::{Finding, Severity, Status};

/// Finding counts by status, and failures by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub muted: usize,
    /// FAIL findings per severity.
    pub fail_by_severity: BTreeMap<Severity, usize>,
}

impl Counts {
    pub fn add(&mut self, f: &Finding) {
        match f.status {
            Status::Pass => self.pass += 1,
            Status::Fail => {
                self.fail += 1;
                *self.fail_by_severity.entry(f.severity).or_default() += 1;
            }
            Status::Error => self.error += 1,
            Status::Muted => self.muted += 1,
        }
    }

    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Error => self.error,
            Status::Muted => self.muted,
        }
    }

    pub fn total(&self) -> usize {
        self.pass + self.fail + self.error + self.muted
    }
}

/// Counts per guideline category and overall.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: Counts,
    pub by_category: BTreeMap<String, Counts>,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            s.total.add(f);
            s.by_category.entry(f.category.clone()).or_default().add(f);
        }
        s
    }
}
