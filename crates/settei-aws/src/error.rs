//! Turning SDK errors into [`CollectionError`]s: SDK types end here.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
pub use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use settei_model::{CollectionError, ErrorCause};

/// A failed SDK call, as every client returns it.
pub type SdkFailure<E> = SdkError<E, HttpResponse>;

pub use settei_provider::{unknown_shape, Scope};

/// The error code of an SDK error, when the service sent one.
pub fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
    }
}

/// Maps an AWS error code and HTTP status onto an [`ErrorCause`].
pub fn classify(code: Option<&str>, http_status: Option<u16>) -> ErrorCause {
    let code = code.unwrap_or("");
    let lower = code.to_ascii_lowercase();
    if lower.contains("accessdenied")
        || lower.contains("unauthorized")
        || lower.contains("authorizationerror")
        || lower.contains("authorizationfailure")
        || lower == "forbidden"
        || lower == "authfailure"
        || lower == "invalidclienttokenid"
        || lower == "signaturedoesnotmatch"
        || matches!(http_status, Some(401 | 403))
    {
        ErrorCause::AccessDenied
    } else if lower.contains("throttl")
        || lower.contains("toomanyrequests")
        || lower == "requestlimitexceeded"
        || lower == "slowdown"
        || lower == "limitexceededexception" && http_status == Some(429)
        || http_status == Some(429)
    {
        ErrorCause::Throttled
    } else if lower.contains("timeout") || lower.contains("timedout") || http_status == Some(504) {
        ErrorCause::Timeout
    } else if lower == "optinrequired"
        || lower == "subscriptionrequiredexception"
        || lower.contains("notsubscribed")
        || lower == "unrecognizedclientexception"
        || lower.contains("notavailable")
    {
        ErrorCause::Unavailable
    } else {
        ErrorCause::Other
    }
}

/// Classifies an SDK error and records it against `scope`.
pub fn failure<E>(
    scope: Scope<'_>,
    service: &str,
    operation: &str,
    err: &SdkError<E, HttpResponse>,
) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let cause = match err {
        SdkError::TimeoutError(_) => ErrorCause::Timeout,
        // A body that is neither the answer nor an AWS error. On a 2xx
        // status the answer had the wrong shape; otherwise the endpoint
        // failed without saying why in AWS's terms.
        SdkError::ResponseError(r) => match r.raw().status().as_u16() {
            200..=299 => ErrorCause::UnknownShape,
            status => match classify(None, Some(status)) {
                ErrorCause::Other if matches!(status, 404 | 501) => ErrorCause::Unavailable,
                cause => cause,
            },
        },
        SdkError::DispatchFailure(d) if d.is_timeout() => ErrorCause::Timeout,
        SdkError::DispatchFailure(_) => ErrorCause::Other,
        SdkError::ServiceError(e) => {
            let code = e.err().code();
            let status = e.raw().status().as_u16();
            match classify(code, Some(status)) {
                // No error code: the endpoint does not implement the API.
                ErrorCause::Other if code.is_none() && matches!(status, 404 | 501) => {
                    ErrorCause::Unavailable
                }
                ErrorCause::Other if code.is_none() && (200..300).contains(&status) => {
                    ErrorCause::UnknownShape
                }
                cause => cause,
            }
        }
        _ => ErrorCause::Other,
    };
    let message = match err {
        SdkError::ServiceError(e) => {
            let status = e.raw().status().as_u16();
            match (e.err().code(), e.err().message()) {
                (Some(code), Some(m)) => format!("{code}: {m}"),
                (Some(code), None) => code.to_string(),
                (None, _) if (200..300).contains(&status) => {
                    format!(
                        "HTTP {status}, but the response did not have the shape this API defines"
                    )
                }
                (None, _) if matches!(status, 404 | 501) => {
                    format!("HTTP {status}: the endpoint does not implement this API")
                }
                (None, _) => format!("HTTP {status} without an AWS error code"),
            }
        }
        SdkError::TimeoutError(_) => {
            "no complete answer within the call timeout (--call-timeout, all attempts included)"
                .to_string()
        }
        SdkError::DispatchFailure(d) if d.is_timeout() => {
            format!("connection timed out: {}", DisplayErrorContext(err))
        }
        // Not the raw response: its headers and body do not belong in a
        // report. The status, the content type and why parsing failed do.
        SdkError::ResponseError(r) => {
            let raw = r.raw();
            let status = raw.status().as_u16();
            let content_type = raw
                .headers()
                .get("content-type")
                .unwrap_or("no content type");
            let why = std::error::Error::source(err)
                .map(|e| DisplayErrorContext(e).to_string())
                .unwrap_or_default();
            if (200..300).contains(&status) {
                format!("HTTP {status} ({content_type}), but the response did not have the shape this API defines: {why}")
            } else {
                format!("HTTP {status} ({content_type}) without an AWS error in the body")
            }
        }
        other => DisplayErrorContext(other).to_string(),
    };
    scope.error(cause, &format!("{service}:{operation}"), message)
}

/// The AWS adapter's [`settei_provider::Classify`]: every SDK client's
/// failures, through [`failure`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AwsErrors;

impl<E> settei_provider::Classify<SdkFailure<E>> for AwsErrors
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn failure(
        &self,
        scope: Scope<'_>,
        service: &str,
        operation: &str,
        err: &SdkFailure<E>,
    ) -> CollectionError {
        failure(scope, service, operation, err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    /// A response the SDK could not parse, with `status` and an HTML body.
    fn unparsable(status: u16) -> SdkFailure<GetCallerIdentityError> {
        let mut raw = HttpResponse::new(
            StatusCode::try_from(status).unwrap(),
            SdkBody::from("<html><title>secret-looking page</title></html>"),
        );
        raw.headers_mut().insert("content-type", "text/html");
        SdkError::response_error("unexpected token '<'", raw)
    }

    #[test]
    fn classifies_common_codes() {
        use ErrorCause::*;
        for (code, status, cause) in [
            (Some("AccessDenied"), Some(403), AccessDenied),
            (Some("AccessDeniedException"), Some(400), AccessDenied),
            (Some("UnauthorizedOperation"), None, AccessDenied),
            (None, Some(403), AccessDenied),
            (Some("Throttling"), Some(400), Throttled),
            (Some("ThrottlingException"), None, Throttled),
            (Some("SlowDown"), Some(503), Throttled),
            (None, Some(429), Throttled),
            (Some("RequestTimeout"), None, Timeout),
            (Some("SubscriptionRequiredException"), None, Unavailable),
            (Some("InternalError"), Some(500), Other),
        ] {
            assert_eq!(classify(code, status), cause, "{code:?} {status:?}");
        }
    }

    #[test]
    fn an_unparsable_error_page_is_the_endpoints_failure_without_its_body() {
        let e = failure(
            Scope::kind("aws.ec2.instance", Some("ap-northeast-1")),
            "ssm",
            "DescribeInstanceInformation",
            &unparsable(500),
        );
        assert_eq!(e.cause, ErrorCause::Other);
        assert_eq!(
            e.message,
            "HTTP 500 (text/html) without an AWS error in the body"
        );
        let e = failure(Scope::kind("k", None), "ssm", "X", &unparsable(404));
        assert_eq!(e.cause, ErrorCause::Unavailable);
        let e = failure(Scope::kind("k", None), "ssm", "X", &unparsable(429));
        assert_eq!(e.cause, ErrorCause::Throttled);
    }

    #[test]
    fn an_unparsable_answer_is_an_unknown_shape_naming_why() {
        let e = failure(Scope::kind("k", None), "ssm", "X", &unparsable(200));
        assert_eq!(e.cause, ErrorCause::UnknownShape);
        assert!(
            e.message
                .starts_with("HTTP 200 (text/html), but the response did not have the shape")
                && e.message.contains("unexpected token '<'")
                && !e.message.contains("secret-looking"),
            "{}",
            e.message
        );
    }
}
