//! The records contract on DynamoDB, emulated by moto: one fresh table per case.
#![allow(clippy::panic)]

use std::sync::Arc;

use tuilerie_aws::records::{create_table, DynamoRecords};
use tuilerie_tests::contract::Store;
use tuilerie_tests::moto::Moto;

async fn fresh() -> Store {
    let moto = Moto::start().await;
    let client = moto.dynamodb().await;
    let table = moto.unique_name("records");
    create_table(&client, &table)
        .await
        .unwrap_or_else(|error| panic!("cannot create table {table}: {error:?}"));
    Store::new(Arc::new(DynamoRecords::new(client, table)))
}

tuilerie_tests::records_contract_tests!(fresh());
