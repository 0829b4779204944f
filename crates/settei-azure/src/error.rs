//! Failed calls, and how they become [`CollectionError`]s. HTTP types end here.

use settei_model::{CollectionError, ErrorCause};
use settei_provider::{Classify, Scope};

/// Why one call of the client failed, in Azure's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The error code of ARM's or Graph's error body (`AuthorizationFailed`).
    pub code: Option<String>,
    pub message: String,
    pub kind: FailureKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The service answered with an error status.
    Status,
    /// No complete answer within the call timeout (retries included).
    Timeout,
    /// The connection failed (refused, reset, TLS).
    Transport,
    /// A success status whose body is not what the API defines.
    Shape,
    /// The read-only guard refused the request before it was sent.
    Refused,
}

impl Failure {
    pub(crate) fn shape(message: impl Into<String>) -> Self {
        Failure {
            status: None,
            code: None,
            message: message.into(),
            kind: FailureKind::Shape,
        }
    }

    /// The cause a report gives for it.
    pub fn cause(&self) -> ErrorCause {
        match self.kind {
            FailureKind::Timeout => return ErrorCause::Timeout,
            FailureKind::Shape => return ErrorCause::UnknownShape,
            FailureKind::Refused => return ErrorCause::AccessDenied,
            FailureKind::Transport => return ErrorCause::Other,
            FailureKind::Status => {}
        }
        classify(self.code.as_deref(), self.status)
    }
}

/// Maps an ARM or Graph error code and HTTP status onto an [`ErrorCause`].
pub fn classify(code: Option<&str>, status: Option<u16>) -> ErrorCause {
    let code = code.unwrap_or("");
    let lower = code.to_ascii_lowercase();
    if lower.starts_with("authorization")
        || lower.starts_with("invalidauthenticationtoken")
        || lower == "authenticationfailed"
        || lower == "forbidden"
        || lower == "linkedauthorizationfailed"
        || matches!(status, Some(401 | 403))
    {
        ErrorCause::AccessDenied
    } else if lower.contains("throttl") || lower == "toomanyrequests" || status == Some(429) {
        ErrorCause::Throttled
    } else if lower.contains("timeout") || status == Some(504) {
        ErrorCause::Timeout
    } else if lower == "missingsubscriptionregistration"
        || lower == "subscriptionnotregistered"
        || lower == "noregisteredproviderfound"
        || lower == "invalidresourcetype"
        || lower == "featurenotsupportedforaccount"
        || matches!(status, Some(404 | 501))
    {
        ErrorCause::Unavailable
    } else {
        ErrorCause::Other
    }
}

/// The Azure adapter's [`Classify`]: every [`Failure`] of the client.
#[derive(Debug, Clone, Copy, Default)]
pub struct AzureErrors;

impl AzureErrors {
    /// The error of `read` failing with `err`, recorded against `scope`.
    pub(crate) fn failure_of(
        &self,
        scope: Scope<'_>,
        read: &crate::operations::Read,
        err: &Failure,
    ) -> CollectionError {
        self.failure(scope, read.api.service(), read.name, err)
    }
}

impl Classify<Failure> for AzureErrors {
    fn failure(
        &self,
        scope: Scope<'_>,
        service: &str,
        operation: &str,
        err: &Failure,
    ) -> CollectionError {
        let message = match (&err.code, err.status) {
            (Some(code), _) => format!("{code}: {}", err.message),
            (None, Some(status)) => format!("HTTP {status}: {}", err.message),
            (None, None) => err.message.clone(),
        };
        scope.error(err.cause(), &self.operation_id(service, operation), message)
    }

    /// Azure names a read by its permission alone: the RBAC action
    /// (`Microsoft.Storage/storageAccounts/read`), or the Graph request.
    fn operation_id(&self, _service: &str, operation: &str) -> String {
        operation.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_and_graph_codes_map_to_causes() {
        let c = |code, status| classify(Some(code), Some(status));
        assert_eq!(c("AuthorizationFailed", 403), ErrorCause::AccessDenied);
        assert_eq!(
            c("Authorization_RequestDenied", 403),
            ErrorCause::AccessDenied
        );
        assert_eq!(
            c("InvalidAuthenticationTokenTenant", 401),
            ErrorCause::AccessDenied
        );
        assert_eq!(
            c("SubscriptionRequestsThrottled", 429),
            ErrorCause::Throttled
        );
        assert_eq!(c("TooManyRequests", 429), ErrorCause::Throttled);
        assert_eq!(c("GatewayTimeout", 504), ErrorCause::Timeout);
        assert_eq!(
            c("MissingSubscriptionRegistration", 409),
            ErrorCause::Unavailable
        );
        assert_eq!(c("ResourceNotFound", 404), ErrorCause::Unavailable);
        assert_eq!(c("InternalServerError", 500), ErrorCause::Other);
        assert_eq!(classify(None, Some(403)), ErrorCause::AccessDenied);
    }

    #[test]
    fn a_bad_body_is_unknown_shape_and_names_the_action() {
        let e = AzureErrors.failure(
            Scope::kind("azure.storage.account", None),
            "ARM",
            "Microsoft.Storage/storageAccounts/read",
            &Failure::shape("the answer has no `value` list"),
        );
        assert_eq!(e.cause, ErrorCause::UnknownShape);
        assert_eq!(
            e.operation.as_deref(),
            Some("Microsoft.Storage/storageAccounts/read")
        );
    }
}
