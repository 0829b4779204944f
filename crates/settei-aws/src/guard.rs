//! The read-only guard: an interceptor on every client that refuses, before
//! anything is sent, any operation not on [`crate::operations::READS`].

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOnlyGuard;

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "settei::ReadOnlyGuard"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            return Err("settei refuses an AWS call whose operation it cannot identify".into());
        };
        if crate::operations::READS.allows(meta.service(), meta.name()) {
            Ok(())
        } else {
            Err(format!(
                "settei is read-only and refuses to call {}:{}",
                meta.service(),
                meta.name()
            )
            .into())
        }
    }
}
