//! The upload-events Lambda: S3 `ObjectCreated` notifications on the uploads bucket arrive in
//! SQS batches; each created object starts one pipeline execution, named after the bucket, the
//! key and the write, so that an event delivered several times starts one execution.
//!
//! The S3 test event is acknowledged and ignored. A message whose execution could not be
//! started is reported as a batch item failure, so SQS delivers it again (and, past the
//! queue's receive count, moves it to the dead-letter queue where it stays visible); the other
//! messages of the batch are not retried.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use serde_json::json;
use tuilerie_aws::events::{self, Notification, ObjectCreated};
use tuilerie_aws::executions::{Started, StepFunctions};

/// Configuration read once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The ARN of the pipeline state machine.
    pub state_machine: String,
}

/// A required setting is missing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable is not set.
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
}

impl Config {
    /// Reads the configuration from an environment (a function so tests pass their own).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            state_machine: var("STATE_MACHINE_ARN")
                .ok_or(ConfigError::Missing("STATE_MACHINE_ARN"))?,
        })
    }
}

/// The execution input for one uploaded object: where it is, and the workspace and upload
/// its key names (`{workspace}/{upload}`), or `None` for a key outside that layout.
pub fn execution_input(object: &ObjectCreated) -> Option<serde_json::Value> {
    let (workspace, rest) = object.key.split_once('/')?;
    let upload = rest.split('/').next().filter(|u| !u.is_empty())?;
    if workspace.is_empty() {
        return None;
    }
    Some(json!({
        "workspace": workspace,
        "upload": upload,
        "bucket": object.bucket,
        "key": object.key,
        "size": object.size,
    }))
}

/// The handler: one per Lambda instance.
#[derive(Debug, Clone)]
pub struct UploadEvents {
    executions: StepFunctions,
}

/// What handling one message came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The S3 test event: nothing to do.
    Test,
    /// Executions started, or found already started, one per object.
    Started(Vec<Started>),
}

/// Why one message was not handled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// The message has no body.
    #[error("the message has no body")]
    NoBody,
    /// The body is not an S3 notification.
    #[error(transparent)]
    Event(#[from] events::EventError),
    /// Step Functions refused or could not be reached.
    #[error(transparent)]
    Execution(#[from] tuilerie_aws::executions::ExecutionError),
}

impl UploadEvents {
    /// A handler starting executions of the pipeline state machine.
    pub fn new(executions: StepFunctions) -> Self {
        Self { executions }
    }

    /// Handles a batch: every message concurrently; the ones that failed are reported so that
    /// SQS delivers only them again.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let outcomes =
            futures::future::join_all(event.records.iter().map(|m| self.message(m))).await;
        let mut response = SqsBatchResponse::default();
        for (message, outcome) in event.records.iter().zip(outcomes) {
            if let Err(error) = outcome {
                let id = message.message_id.clone().unwrap_or_default();
                tracing::error!(message = %id, %error, "upload event not handled");
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = id;
                response.batch_item_failures.push(failure);
            }
        }
        response
    }

    /// Handles one message.
    pub async fn message(&self, message: &SqsMessage) -> Result<Outcome, MessageError> {
        let body = message.body.as_deref().ok_or(MessageError::NoBody)?;
        let objects = match events::decode(body)? {
            Notification::Test => return Ok(Outcome::Test),
            Notification::Created(objects) => objects,
        };
        let mut started = Vec::with_capacity(objects.len());
        for object in &objects {
            let Some(input) = execution_input(object) else {
                tracing::warn!(
                    bucket = %object.bucket,
                    key = %object.key,
                    "object outside the {{workspace}}/{{upload}} layout: no pipeline started"
                );
                continue;
            };
            let name = object.execution_name();
            let outcome = self.executions.start(&name, &input.to_string()).await?;
            tracing::info!(execution = %name, ?outcome, "pipeline execution");
            started.push(outcome);
        }
        Ok(Outcome::Started(started))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_names_the_workspace_and_the_upload() {
        let object = ObjectCreated {
            bucket: "up".into(),
            key: "ws-1/up-2/My File.gpkg".into(),
            size: 7,
            write: "s".into(),
        };
        let input = execution_input(&object).unwrap();
        assert_eq!(input["workspace"], "ws-1");
        assert_eq!(input["upload"], "up-2");
        assert_eq!(input["size"], 7);
        let stray = ObjectCreated {
            key: "no-prefix".into(),
            ..object
        };
        assert!(execution_input(&stray).is_none());
    }
}
