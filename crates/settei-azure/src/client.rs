//! A small typed client for Azure Resource Manager and Microsoft Graph:
//! GET only, for the reads listed in [`crate::operations`], with paging,
//! bounded retries that honour `Retry-After`, a per-call time limit and
//! bounded concurrency. HTTP types never leave this module.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use crate::auth::Tokens;
use crate::error::{Failure, FailureKind};
use crate::operations::{Api, Read, POLICY};
use crate::AzureError;

const ARM: &str = "https://management.azure.com";
const GRAPH: &str = "https://graph.microsoft.com";
const ARM_SCOPE: &str = "https://management.azure.com/.default";
const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
/// A listing longer than this many pages is refused, not followed forever.
const MAX_PAGES: usize = 10_000;
/// The longest `Retry-After` waited for; a longer one ends the call.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

pub(crate) struct Client {
    http: reqwest::Client,
    arm: Url,
    graph: Url,
    tokens: Tokens,
    max_attempts: u32,
    call_timeout: Duration,
    limit: Semaphore,
    sent: AtomicU64,
}

/// Where requests go: Azure's public endpoints, or `--endpoint-url` for
/// both (plain `http://` only on loopback).
pub fn endpoints(endpoint_url: Option<&str>) -> Result<(Url, Url), AzureError> {
    let Some(raw) = endpoint_url else {
        return Ok((
            Url::parse(ARM).expect("valid"),
            Url::parse(GRAPH).expect("valid"),
        ));
    };
    let url =
        Url::parse(raw).map_err(|e| AzureError::Usage(format!("--endpoint-url {raw}: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(AzureError::Usage(format!(
                "--endpoint-url {raw}: plain http:// is accepted only for a loopback host (tokens would cross the network unencrypted)"
            )))
        }
        s => {
            return Err(AzureError::Usage(format!(
                "--endpoint-url {raw}: scheme `{s}` is not http(s)"
            )))
        }
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(AzureError::Usage(format!(
            "--endpoint-url {raw}: give the base URL only (scheme, host and port)"
        )));
    }
    Ok((url.clone(), url))
}

impl Client {
    pub(crate) fn new(
        (arm, graph): (Url, Url),
        tokens: Tokens,
        max_attempts: u32,
        call_timeout: Duration,
        concurrency: usize,
    ) -> Result<Self, AzureError> {
        let http = reqwest::Client::builder()
            // ARM does not redirect reads; a redirect could carry the
            // token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("settei/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AzureError::Usage(format!("HTTP client: {e}")))?;
        Ok(Client {
            http,
            arm,
            graph,
            tokens,
            max_attempts: max_attempts.max(1),
            call_timeout,
            limit: Semaphore::new(concurrency.max(1)),
            sent: AtomicU64::new(0),
        })
    }

    /// Requests sent so far, retries included.
    pub(crate) fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    fn base(&self, api: Api) -> &Url {
        match api {
            Api::Arm => &self.arm,
            Api::Graph => &self.graph,
        }
    }

    /// The URL of `path` (an ARM path such as `/subscriptions/…`, or a
    /// Graph path under `/v1.0`) with the read's api-version and `query`.
    fn url(&self, read: &Read, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.base(read.api).clone();
        match read.api {
            Api::Arm => url.set_path(path),
            Api::Graph => url.set_path(&format!("/v1.0{path}")),
        }
        {
            let mut q = url.query_pairs_mut();
            if let Some(v) = read.api_version {
                q.append_pair("api-version", v);
            }
            for (k, v) in query {
                q.append_pair(k, v);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        url
    }

    /// One object (`GET path`), as `T`.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        read: &Read,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, Failure> {
        let value = self.fetch(read, self.url(read, path, query)).await?;
        serde_json::from_value(value).map_err(|e| {
            Failure::shape(format!(
                "the answer does not have the shape {} defines: {e}",
                read.name
            ))
        })
    }

    /// Every item of a listing, following `nextLink` (ARM) or
    /// `@odata.nextLink` (Graph) page by page.
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        read: &Read,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<T>, Failure> {
        let base = self.base(read.api).clone();
        let mut url = self.url(read, path, query);
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let mut page = self.fetch(read, url.clone()).await?;
            let Some(Value::Array(values)) = page.get_mut("value").map(Value::take) else {
                return Err(Failure::shape(format!(
                    "the answer to {} has no `value` list",
                    read.name
                )));
            };
            for v in values {
                items.push(serde_json::from_value(v).map_err(|e| {
                    Failure::shape(format!(
                        "an item listed by {} does not have the shape the API defines: {e}",
                        read.name
                    ))
                })?);
            }
            let next = ["nextLink", "@odata.nextLink"]
                .iter()
                .find_map(|k| page.get(*k).and_then(Value::as_str))
                .filter(|s| !s.is_empty());
            let Some(next) = next else {
                return Ok(items);
            };
            let next = Url::parse(next)
                .map_err(|e| Failure::shape(format!("a nextLink that is not a URL: {e}")))?;
            // The token goes only where the first request went.
            if next.origin() != base.origin() {
                return Err(Failure::shape(format!(
                    "a nextLink points outside {} ({}); not followed",
                    base.origin().ascii_serialization(),
                    next.origin().ascii_serialization()
                )));
            }
            if !seen.insert(next.to_string()) {
                return Err(Failure::shape("the listing repeats a nextLink"));
            }
            url = next;
        }
        Err(Failure::shape(format!(
            "the listing ran past {MAX_PAGES} pages"
        )))
    }

    /// One GET with retries, all within the call timeout.
    async fn fetch(&self, read: &Read, url: Url) -> Result<Value, Failure> {
        // The read-only guard: only listed reads, only GET, only to the
        // endpoint of their API.
        if !POLICY.allows(read.api.service(), read.name)
            || url.origin() != self.base(read.api).origin()
        {
            return Err(Failure {
                status: None,
                code: None,
                message: format!(
                    "refused by the read-only guard: {} is not a listed read",
                    read.name
                ),
                kind: FailureKind::Refused,
            });
        }
        let deadline = Instant::now() + self.call_timeout;
        match tokio::time::timeout_at(deadline, self.attempts(read, &url, deadline)).await {
            Ok(r) => r,
            Err(_) => Err(Failure {
                status: None,
                code: None,
                message: format!(
                    "no complete answer within the call timeout of {} s (--call-timeout, all attempts included)",
                    self.call_timeout.as_secs()
                ),
                kind: FailureKind::Timeout,
            }),
        }
    }

    async fn attempts(&self, read: &Read, url: &Url, deadline: Instant) -> Result<Value, Failure> {
        let scope = match read.api {
            Api::Arm => ARM_SCOPE,
            Api::Graph => GRAPH_SCOPE,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (result, retry_after) = self.once(scope, url).await;
            let failure = match result {
                Ok(v) => return Ok(v),
                Err(f) => f,
            };
            let retryable = match failure.kind {
                FailureKind::Transport => true,
                FailureKind::Status => {
                    matches!(failure.status, Some(429 | 500 | 502 | 503 | 504))
                }
                _ => false,
            };
            if !retryable || attempt >= self.max_attempts {
                return Err(failure);
            }
            let wait = retry_after.unwrap_or_else(|| backoff(attempt));
            if wait > MAX_RETRY_AFTER || Instant::now() + wait >= deadline {
                return Err(failure);
            }
            tracing::debug!(
                read = read.name,
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// One request: the answer, or the failure and any `Retry-After`.
    async fn once(
        &self,
        scope: &'static str,
        url: &Url,
    ) -> (Result<Value, Failure>, Option<Duration>) {
        let token = match self.tokens.get(scope).await {
            Ok(t) => t,
            Err(e) => {
                return (
                    Err(Failure {
                        status: None,
                        code: None,
                        message: format!("no token: {e}"),
                        kind: FailureKind::Refused,
                    }),
                    None,
                )
            }
        };
        let mut auth = match HeaderValue::from_str(&format!("Bearer {}", token.secret())) {
            Ok(h) => h,
            Err(_) => {
                return (
                    Err(Failure {
                        status: None,
                        code: None,
                        message: "the credential returned a token that is not a header value"
                            .into(),
                        kind: FailureKind::Refused,
                    }),
                    None,
                )
            }
        };
        auth.set_sensitive(true);
        let _permit = self.limit.acquire().await.expect("semaphore open");
        self.sent.fetch_add(1, Ordering::Relaxed);
        let transport = |e: reqwest::Error| Failure {
            status: None,
            code: None,
            // Without the URL's query: nothing secret is in it, but the
            // message stays short.
            message: format!("request failed: {}", without_url(&e)),
            kind: FailureKind::Transport,
        };
        let resp = match self
            .http
            .get(url.clone())
            .header(AUTHORIZATION, auth)
            .header("accept", "application/json")
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return (Err(transport(e)), None),
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return (Err(transport(e)), None),
        };
        if (200..300).contains(&status) {
            return (
                serde_json::from_slice(&body).map_err(|e| {
                    Failure::shape(format!("HTTP {status}, but the body is not JSON: {e}"))
                }),
                None,
            );
        }
        let (code, message) = error_body(&body);
        (
            Err(Failure {
                status: Some(status),
                code,
                message: message
                    .unwrap_or_else(|| format!("HTTP {status} without an Azure error body")),
                kind: FailureKind::Status,
            }),
            retry_after,
        )
    }
}

/// Exponential backoff with jitter: 0.2 s, 0.4 s, 0.8 s, … (at most 10 s).
fn backoff(attempt: u32) -> Duration {
    let base = 200u64.saturating_mul(1 << attempt.min(6));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    Duration::from_millis(base.min(10_000) + nanos % 100)
}

/// The code and message of ARM's and Graph's error body
/// (`{"error": {"code": …, "message": …}}`).
fn error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let e = v.get("error").unwrap_or(&v);
    let s = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
    (s("code"), s("message"))
}

fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s.replace(url.as_str(), "");
    }
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_is_https_or_loopback() {
        assert!(endpoints(Some("http://127.0.0.1:8080")).is_ok());
        assert!(endpoints(Some("http://localhost:8080")).is_ok());
        assert!(endpoints(Some("http://[::1]:8080")).is_ok());
        assert!(endpoints(Some("https://arm.example.com")).is_ok());
        let e = endpoints(Some("http://10.0.0.5:8080"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("loopback"), "{e}");
        assert!(endpoints(Some("http://169.254.169.254")).is_err());
        assert!(endpoints(Some("ftp://127.0.0.1")).is_err());
        assert!(endpoints(Some("http://127.0.0.1:1/x")).is_err());
        let (arm, graph) = endpoints(None).unwrap();
        assert_eq!(arm.as_str(), "https://management.azure.com/");
        assert_eq!(graph.as_str(), "https://graph.microsoft.com/");
    }

    #[test]
    fn error_bodies_give_code_and_message() {
        let (c, m) = error_body(br#"{"error":{"code":"AuthorizationFailed","message":"no"}}"#);
        assert_eq!(
            (c.as_deref(), m.as_deref()),
            (Some("AuthorizationFailed"), Some("no"))
        );
        assert_eq!(error_body(b"<html>"), (None, None));
    }
}
