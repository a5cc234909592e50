//! Creation of the records table: keys, the two indexes, on-demand billing and the time to
//! live of reservations.

use std::time::Duration;

use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use tuilerie_core::ports::{RecordsError, RecordsResult};

use super::errors::classify;
use super::keys::{GSI1, GSI1_PK, GSI1_SK, GSI2, GSI2_PK, GSI2_SK, PK, SK, TTL};

/// How often and how long to wait for a new table to become active.
const POLL: Duration = Duration::from_millis(200);
const POLLS: usize = 300;

fn backend(error: aws_sdk_dynamodb::error::BuildError) -> RecordsError {
    RecordsError::Backend(Box::new(error))
}

fn key(name: &str, key_type: KeyType) -> RecordsResult<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .map_err(backend)
}

fn index(name: &str, pk: &str, sk: &str) -> RecordsResult<GlobalSecondaryIndex> {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(pk, KeyType::Hash)?)
        .key_schema(key(sk, KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .map_err(backend)
}

/// Creates the records table with its indexes and waits until it is active, then enables the
/// time to live on `expires_at_epoch`. [`RecordsError::AlreadyExists`] if the table exists.
pub async fn create_table(client: &Client, table: &str) -> RecordsResult<()> {
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?)
        .global_secondary_indexes(index(GSI1, GSI1_PK, GSI1_SK)?)
        .global_secondary_indexes(index(GSI2, GSI2_PK, GSI2_SK)?);
    for name in [PK, SK, GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK] {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(backend)?,
        );
    }
    match request.send().await {
        Ok(_) => {}
        Err(error)
            if error
                .as_service_error()
                .is_some_and(CreateTableError::is_resource_in_use_exception) =>
        {
            return Err(RecordsError::AlreadyExists)
        }
        Err(error) => return Err(classify(error)),
    }
    wait_until_active(client, table).await?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(TTL)
                .build()
                .map_err(backend)?,
        )
        .send()
        .await
        .map_err(classify)?;
    Ok(())
}

async fn wait_until_active(client: &Client, table: &str) -> RecordsResult<()> {
    for _ in 0..POLLS {
        let description = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(classify)?;
        let status = description.table.and_then(|table| table.table_status);
        if status == Some(TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(POLL).await;
    }
    Err(RecordsError::Unavailable(
        format!("table {table} did not become active").into(),
    ))
}
