//! Classification of SDK errors into [`RecordsError`]s.
//!
//! Throttling, timeouts, connection failures and server-side errors are transient
//! ([`RecordsError::Unavailable`]); everything else is a permanent [`RecordsError::Backend`]
//! failure. Failed conditions are not errors here: the callers turn them into the outcome the
//! port specifies.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use tuilerie_core::ports::RecordsError;

/// Error codes DynamoDB returns when a retry later may succeed.
const TRANSIENT_CODES: [&str; 8] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionConflictException",
    "TransactionInProgressException",
    "ReplicatedWriteConflictException",
];

/// Cancellation reason codes of a transaction that a retry later may clear.
const TRANSIENT_REASONS: [&str; 3] = [
    "TransactionConflict",
    "ThrottlingError",
    "ProvisionedThroughputExceeded",
];

/// Whether a transaction cancellation reason is transient.
pub fn is_transient_reason(code: &str) -> bool {
    TRANSIENT_REASONS.contains(&code)
}

/// Turns an SDK error into [`RecordsError::Unavailable`] or [`RecordsError::Backend`].
pub fn classify<E>(error: SdkError<E>) -> RecordsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(context) => {
            context.raw().status().is_server_error()
                || context
                    .err()
                    .code()
                    .is_some_and(|code| TRANSIENT_CODES.contains(&code))
        }
        _ => false,
    };
    if transient {
        RecordsError::Unavailable(Box::new(error))
    } else {
        RecordsError::Backend(Box::new(error))
    }
}

/// Operation errors that can say "the condition expression was false".
pub trait ConditionalError {
    /// Whether the write was refused because its condition did not hold.
    fn condition_failed(&self) -> bool;
}

impl ConditionalError for PutItemError {
    fn condition_failed(&self) -> bool {
        self.is_conditional_check_failed_exception()
    }
}

impl ConditionalError for UpdateItemError {
    fn condition_failed(&self) -> bool {
        self.is_conditional_check_failed_exception()
    }
}

impl ConditionalError for DeleteItemError {
    fn condition_failed(&self) -> bool {
        self.is_conditional_check_failed_exception()
    }
}

/// Whether a single write failed on its condition; other errors are classified.
pub fn condition_outcome<T, E>(result: Result<T, SdkError<E>>) -> Result<bool, RecordsError>
where
    E: ConditionalError + ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(error) if error.as_service_error().is_some_and(E::condition_failed) => Ok(false),
        Err(error) => Err(classify(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::ErrorMetadata;
    use aws_sdk_dynamodb::types::error::ThrottlingException;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    fn service_error(status: u16, error: UpdateItemError) -> SdkError<UpdateItemError> {
        let raw = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::empty());
        SdkError::service_error(error, raw)
    }

    #[test]
    fn throttling_is_transient() {
        let throttled = UpdateItemError::ThrottlingException(
            ThrottlingException::builder()
                .message("slow down")
                .meta(ErrorMetadata::builder().code("ThrottlingException").build())
                .build(),
        );
        let error = classify(service_error(400, throttled));
        assert!(matches!(error, RecordsError::Unavailable(_)), "{error:?}");
    }

    #[test]
    fn a_bad_request_is_permanent_and_a_server_error_transient() {
        let bad = || UpdateItemError::unhandled("ValidationException");
        assert!(matches!(
            classify(service_error(400, bad())),
            RecordsError::Backend(_)
        ));
        assert!(matches!(
            classify(service_error(503, bad())),
            RecordsError::Unavailable(_)
        ));
    }
}
