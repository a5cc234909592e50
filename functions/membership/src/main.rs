//! Lambda entry point: tracing, configuration, clients, run.

use std::sync::Arc;

use tuilerie_aws::records::DynamoRecords;
use tuilerie_core::ports::{RandomIds, SystemClock};
use tuilerie_core::service::Service;
use tuilerie_membership::{app, Config};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .without_time()
        .init();
    let config = Config::from_env(|name| std::env::var(name).ok())?;
    let aws = aws_config::load_from_env().await;
    let records = DynamoRecords::new(aws_sdk_dynamodb::Client::new(&aws), config.table);
    let service = Service::new(
        Arc::new(records),
        Arc::new(SystemClock),
        Arc::new(RandomIds),
    );
    lambda_http::run(app(service)).await
}
