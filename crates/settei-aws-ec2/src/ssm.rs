//! Systems Manager's view of the region's instances (category 4.1): which
//! instances are managed (and whether their agent answers), and the patch
//! compliance each managed instance last reported. Joined into
//! `aws.ec2.instance` so the rules stay one-line conditions.

use std::collections::BTreeMap;

use aws_sdk_ssm::types::{ComplianceQueryOperatorType, ComplianceStringFilter};
use settei_aws::sibling::{failure, Ctx, Scope};
use settei_model::CollectionError;

use crate::instances::INSTANCE;

/// What Systems Manager says about one instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Managed {
    /// `Online`, `ConnectionLost`, `Inactive`; `None` when the listing
    /// left it out (the instance's SSM settings are then unknown).
    pub ping_status: Option<String>,
    /// `COMPLIANT` or `NON_COMPLIANT`; empty when the instance has reported
    /// no patch data.
    pub patch_compliance: String,
}

/// Managed instances by instance id. An instance missing from the map is
/// not managed by Systems Manager.
pub type View = BTreeMap<String, Managed>;

pub fn client(ctx: &Ctx, region: &str) -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::from_conf(
        aws_sdk_ssm::config::Builder::from(&ctx.sdk)
            .region(aws_sdk_ssm::config::Region::new(region.to_string()))
            .interceptor(settei_aws::sibling::ReadOnlyGuard)
            .build(),
    )
}

/// Reads the region's managed instances and their patch compliance. A
/// failure of either read makes the view unknown: the error (cause and
/// operation) is returned, scoped to the instance kind, for the caller to
/// record against each instance's SSM attributes.
pub async fn view(client: &aws_sdk_ssm::Client, region: &str) -> Result<View, CollectionError> {
    let scope = || Scope::kind(INSTANCE, Some(region));
    let info: Vec<_> = client
        .describe_instance_information()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| failure(scope(), "ssm", "DescribeInstanceInformation", &e))?;
    let mut view = View::new();
    for i in &info {
        if let Some(id) = i.instance_id().filter(|id| id.starts_with("i-")) {
            view.insert(
                id.to_string(),
                Managed {
                    ping_status: i.ping_status().map(|s| s.as_str().to_string()),
                    patch_compliance: String::new(),
                },
            );
        }
    }
    let filter = ComplianceStringFilter::builder()
        .key("ComplianceType")
        .values("Patch")
        .r#type(ComplianceQueryOperatorType::Equal)
        .build();
    let summaries: Vec<_> = client
        .list_resource_compliance_summaries()
        .filters(filter)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| failure(scope(), "ssm", "ListResourceComplianceSummaries", &e))?;
    for s in &summaries {
        if s.compliance_type() != Some("Patch") {
            continue;
        }
        if let (Some(id), Some(status)) = (s.resource_id(), s.status()) {
            if let Some(m) = view.get_mut(id) {
                m.patch_compliance = status.as_str().to_string();
            }
        }
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    //! The normalizer on Systems Manager responses in the documented wire
    //! shape (`fixtures/aws/ssm/`; moto 5.2 does not implement these
    //! operations), served by a local HTTP server to the real SDK client.
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    const INFO_1: &str =
        include_str!("../../../fixtures/aws/ssm/describe-instance-information.1.json");
    const INFO_2: &str =
        include_str!("../../../fixtures/aws/ssm/describe-instance-information.2.json");
    const PATCH: &str =
        include_str!("../../../fixtures/aws/ssm/list-resource-compliance-summaries.json");

    /// Answers each JSON-protocol request by its `X-Amz-Target`; `deny`
    /// names an operation answered with AccessDeniedException instead.
    fn serve(deny: Option<&'static str>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut target, mut len) = (String::new(), 0usize);
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("x-amz-target:") {
                        target = line[line.len() - v.trim().len()..].to_string();
                    } else if let Some(v) = lower.strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                let op = target.rsplit('.').next().unwrap_or_default().to_string();
                let (status, reply) = if deny == Some(op.as_str()) {
                    (
                        "400 Bad Request",
                        r#"{"__type":"AccessDeniedException","message":"not authorized to perform ssm action"}"#
                            .to_string(),
                    )
                } else {
                    match op.as_str() {
                        // The second page is asked for with the first page's token.
                        "DescribeInstanceInformation"
                            if String::from_utf8_lossy(&body).contains("NextToken") =>
                        {
                            ("200 OK", INFO_2.to_string())
                        }
                        "DescribeInstanceInformation" => ("200 OK", INFO_1.to_string()),
                        "ListResourceComplianceSummaries" => ("200 OK", PATCH.to_string()),
                        _ => (
                            "400 Bad Request",
                            r#"{"__type":"UnknownOperationException"}"#.into(),
                        ),
                    }
                };
                write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                )
                .unwrap();
            }
        });
        url
    }

    fn client(url: &str) -> aws_sdk_ssm::Client {
        let conf = aws_sdk_ssm::config::Builder::new()
            .behavior_version(aws_sdk_ssm::config::BehaviorVersion::latest())
            .region(aws_sdk_ssm::config::Region::new("ap-northeast-1"))
            .endpoint_url(url)
            .credentials_provider(aws_sdk_ssm::config::Credentials::new(
                "testing", "testing", None, None, "test",
            ))
            .interceptor(settei_aws::sibling::ReadOnlyGuard)
            .build();
        aws_sdk_ssm::Client::from_conf(conf)
    }

    #[tokio::test]
    async fn joins_managed_instances_with_their_patch_compliance() {
        let view = view(&client(&serve(None)), "ap-northeast-1").await.unwrap();
        let got: Vec<(&str, &str, &str)> = view
            .iter()
            .map(|(id, m)| {
                (
                    id.as_str(),
                    m.ping_status.as_deref().unwrap_or("?"),
                    m.patch_compliance.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("i-0a1b2c3d4e5f60718", "Online", "COMPLIANT"),
                ("i-0b2c3d4e5f6071829", "Online", "NON_COMPLIANT"),
                ("i-0c3d4e5f607182930", "ConnectionLost", ""),
            ],
            "the on-premises node (mi-) is not an EC2 instance; the second page is read"
        );
    }

    #[tokio::test]
    async fn a_denied_read_is_an_error_not_an_empty_view() {
        let err = view(
            &client(&serve(Some("ListResourceComplianceSummaries"))),
            "ap-northeast-1",
        )
        .await
        .unwrap_err();
        assert_eq!(err.cause, settei_model::ErrorCause::AccessDenied);
        assert_eq!(
            err.operation.as_deref(),
            Some("ssm:ListResourceComplianceSummaries")
        );
        assert_eq!(err.kind, INSTANCE);
    }
}
