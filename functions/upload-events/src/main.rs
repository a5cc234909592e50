//! Lambda entry point: tracing, configuration, clients, run.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{service_fn, LambdaEvent};
use tuilerie_aws::executions::StepFunctions;
use tuilerie_upload_events::{Config, UploadEvents};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .without_time()
        .init();
    let config = Config::from_env(|name| std::env::var(name).ok())?;
    let sdk = aws_config::load_from_env().await;
    let handler = UploadEvents::new(StepFunctions::new(
        aws_sdk_sfn::Client::new(&sdk),
        config.state_machine,
    ));
    let handler = &handler;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<SqsBatchResponse, lambda_runtime::Error>(handler.handle(event.payload).await)
    }))
    .await
}
