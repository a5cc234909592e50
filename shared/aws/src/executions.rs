//! Pipeline executions on AWS Step Functions: started under an idempotent name, described,
//! stopped.

use aws_sdk_sfn::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sfn::types::ExecutionStatus;

/// The state machine that runs the pipeline.
#[derive(Debug, Clone)]
pub struct StepFunctions {
    client: aws_sdk_sfn::Client,
    state_machine: String,
}

/// What starting an execution did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// A new execution runs.
    New {
        /// Its ARN.
        execution: String,
    },
    /// An execution of that name already existed with the same input: nothing more was started.
    Already {
        /// The existing execution's ARN.
        execution: String,
    },
}

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Still running.
    Running,
    /// Ended well.
    Succeeded,
    /// Ended with an error, timed out or was stopped.
    Failed,
}

/// Why a Step Functions call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecutionError {
    /// An execution of that name exists with another input: the name is not idempotent.
    #[error("an execution named {name} already exists with another input")]
    NameTaken {
        /// The name.
        name: String,
    },
    /// The call could not be made or was refused; worth a retry when `transient`.
    #[error("Step Functions {operation} failed: {message}")]
    Call {
        /// The API operation.
        operation: &'static str,
        /// The service's message.
        message: String,
        /// Whether a later attempt can succeed (throttling, time-out, server error).
        transient: bool,
    },
}

fn call_error<E, R>(operation: &'static str, error: SdkError<E, R>) -> ExecutionError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ServiceError(service) => matches!(
            service.err().code(),
            Some("ThrottlingException" | "ServiceUnavailable" | "InternalServerError")
        ),
        _ => false,
    };
    let message = match error.as_service_error() {
        Some(service) => service
            .message()
            .map(str::to_string)
            .unwrap_or_else(|| service.to_string()),
        None => error.to_string(),
    };
    ExecutionError::Call {
        operation,
        message,
        transient,
    }
}

impl StepFunctions {
    /// The pipeline state machine `state_machine` (an ARN) reached through `client`.
    pub fn new(client: aws_sdk_sfn::Client, state_machine: impl Into<String>) -> Self {
        Self {
            client,
            state_machine: state_machine.into(),
        }
    }

    /// Starts an execution named `name` with `input`; a second start under the same name and
    /// input starts nothing (Step Functions keeps names unique for 90 days).
    pub async fn start(&self, name: &str, input: &str) -> Result<Started, ExecutionError> {
        let answer = self
            .client
            .start_execution()
            .state_machine_arn(&self.state_machine)
            .name(name)
            .input(input)
            .send()
            .await;
        match answer {
            Ok(started) => Ok(Started::New {
                execution: started.execution_arn,
            }),
            Err(error) => {
                let exists = error
                    .as_service_error()
                    .is_some_and(|e| e.is_execution_already_exists());
                if !exists {
                    return Err(call_error("StartExecution", error));
                }
                let execution = self.arn_of(name);
                let existing = self
                    .client
                    .describe_execution()
                    .execution_arn(&execution)
                    .send()
                    .await
                    .map_err(|e| call_error("DescribeExecution", e))?;
                if existing.input.as_deref() == Some(input) {
                    Ok(Started::Already { execution })
                } else {
                    Err(ExecutionError::NameTaken {
                        name: name.to_string(),
                    })
                }
            }
        }
    }

    /// Where the execution `execution` (an ARN) stands.
    pub async fn status(&self, execution: &str) -> Result<Status, ExecutionError> {
        let described = self
            .client
            .describe_execution()
            .execution_arn(execution)
            .send()
            .await
            .map_err(|e| call_error("DescribeExecution", e))?;
        Ok(match described.status {
            ExecutionStatus::Running | ExecutionStatus::PendingRedrive => Status::Running,
            ExecutionStatus::Succeeded => Status::Succeeded,
            _ => Status::Failed,
        })
    }

    /// Stops the execution `execution`, giving `cause` as the reason.
    pub async fn stop(&self, execution: &str, cause: &str) -> Result<(), ExecutionError> {
        self.client
            .stop_execution()
            .execution_arn(execution)
            .error("Cancelled")
            .cause(cause)
            .send()
            .await
            .map_err(|e| call_error("StopExecution", e))?;
        Ok(())
    }

    /// The ARN an execution named `name` of this state machine has.
    pub fn arn_of(&self, name: &str) -> String {
        let base = self
            .state_machine
            .replacen(":stateMachine:", ":execution:", 1);
        format!("{base}:{name}")
    }
}

#[async_trait::async_trait]
impl tuilerie_core::ports::Workflows for StepFunctions {
    async fn start(
        &self,
        job: &tuilerie_core::ports::Job,
        name: &str,
    ) -> Result<(), tuilerie_core::ports::WorkflowError> {
        let input = serde_json::json!({ "job": job }).to_string();
        match StepFunctions::start(self, name, &input).await {
            Ok(_) => Ok(()),
            Err(error) => Err(workflow_error(error)),
        }
    }

    async fn describe(
        &self,
        name: &str,
    ) -> Result<Option<tuilerie_core::ports::JobStatus>, tuilerie_core::ports::WorkflowError> {
        use tuilerie_core::ports::JobStatus;
        match self.status(&self.arn_of(name)).await {
            Ok(Status::Running) => Ok(Some(JobStatus::Running)),
            Ok(Status::Succeeded) => Ok(Some(JobStatus::Succeeded)),
            Ok(Status::Failed) => Ok(Some(JobStatus::Failed)),
            Err(ExecutionError::Call { message, .. }) if absent(&message) => Ok(None),
            Err(error) => Err(workflow_error(error)),
        }
    }

    async fn cancel(&self, name: &str) -> Result<(), tuilerie_core::ports::WorkflowError> {
        match self.stop(&self.arn_of(name), "cancelled by a member").await {
            Ok(()) => Ok(()),
            Err(ExecutionError::Call { message, .. }) if absent(&message) => Ok(()),
            Err(error) => Err(workflow_error(error)),
        }
    }
}

/// Whether a failed call's message says the execution does not exist.
fn absent(message: &str) -> bool {
    let message = message.to_lowercase();
    message.contains("does not exist") || message.contains("not found")
}

fn workflow_error(error: ExecutionError) -> tuilerie_core::ports::WorkflowError {
    use tuilerie_core::ports::WorkflowError;
    match &error {
        ExecutionError::Call {
            transient: true, ..
        } => WorkflowError::Unavailable(Box::new(error)),
        _ => WorkflowError::Backend(Box::new(error)),
    }
}
