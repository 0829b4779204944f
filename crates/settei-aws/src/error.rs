//! Turning SDK errors into [`CollectionError`]s: SDK types end here.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
pub use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use settei_model::{CollectionError, ErrorCause};

/// A failed SDK call, as every client returns it.
pub type SdkFailure<E> = SdkError<E, HttpResponse>;

/// Where a failed call sits in the snapshot.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub kind: &'a str,
    pub region: Option<&'a str>,
    pub resource_id: Option<&'a str>,
    /// Attributes that become unknown; empty = the whole resource or kind.
    pub attributes: &'a [&'a str],
}

impl<'a> Scope<'a> {
    pub fn kind(kind: &'a str, region: Option<&'a str>) -> Self {
        Scope {
            kind,
            region,
            resource_id: None,
            attributes: &[],
        }
    }

    pub fn attrs(
        kind: &'a str,
        region: Option<&'a str>,
        resource_id: &'a str,
        attributes: &'a [&'a str],
    ) -> Self {
        Scope {
            kind,
            region,
            resource_id: Some(resource_id),
            attributes,
        }
    }
}

/// The error code of an SDK error, when the service sent one.
pub fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
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
        SdkError::ResponseError(_) => ErrorCause::UnknownShape,
        SdkError::DispatchFailure(d) if d.is_timeout() => ErrorCause::Timeout,
        SdkError::DispatchFailure(_) => ErrorCause::Other,
        SdkError::ServiceError(e) => {
            let code = e.err().code();
            let status = e.raw().status().as_u16();
            match settei_provider::classify(code, Some(status)) {
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
        other => DisplayErrorContext(other).to_string(),
    };
    CollectionError {
        kind: scope.kind.to_string(),
        region: scope.region.map(str::to_string),
        resource_id: scope.resource_id.map(str::to_string),
        attributes: scope.attributes.iter().map(|s| s.to_string()).collect(),
        cause,
        operation: Some(format!("{service}:{operation}")),
        message,
    }
}

/// An answer the collector could not interpret.
pub fn unknown_shape(
    scope: Scope<'_>,
    operation: &str,
    message: impl Into<String>,
) -> CollectionError {
    CollectionError {
        kind: scope.kind.to_string(),
        region: scope.region.map(str::to_string),
        resource_id: scope.resource_id.map(str::to_string),
        attributes: scope.attributes.iter().map(|s| s.to_string()).collect(),
        cause: ErrorCause::UnknownShape,
        operation: Some(operation.to_string()),
        message: message.into(),
    }
}
