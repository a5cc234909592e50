//! The records contract on DynamoDB, emulated by moto: one fresh table per case.
#![allow(clippy::panic, clippy::unwrap_used)]

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

/// What the contract cannot see: the table's layout on DynamoDB.
mod layout {
    use aws_sdk_dynamodb::types::{AttributeValue, TimeToLiveStatus};
    use aws_sdk_dynamodb::Client;
    use tuilerie_core::ports::{MemberRecords, QuotaRecords, RecordsError, WorkspaceRecords};
    use tuilerie_core::role::Role;
    use tuilerie_core::storage::StorageType;
    use tuilerie_core::workspace::Visibility;
    use tuilerie_tests::contract::fixtures::{
        approved_workspace, member, reservation, user_id, MIB,
    };

    use super::*;

    async fn table() -> (Client, String, DynamoRecords) {
        let moto = Moto::start().await;
        let client = moto.dynamodb().await;
        let table = moto.unique_name("layout");
        create_table(&client, &table).await.unwrap();
        let records = DynamoRecords::new(client.clone(), table.clone());
        (client, table, records)
    }

    async fn partition(client: &Client, table: &str, pk: &str) -> usize {
        client
            .query()
            .table_name(table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .count as usize
    }

    #[tokio::test]
    async fn the_table_is_created_once_with_a_time_to_live_on_expires_at_epoch() {
        let (client, table, _) = table().await;
        let again = create_table(&client, &table).await;
        assert!(
            matches!(again, Err(RecordsError::AlreadyExists)),
            "{again:?}"
        );
        let ttl = client
            .describe_time_to_live()
            .table_name(&table)
            .send()
            .await
            .unwrap()
            .time_to_live_description
            .unwrap();
        assert_eq!(ttl.attribute_name.as_deref(), Some("expires_at_epoch"));
        assert_eq!(ttl.time_to_live_status, Some(TimeToLiveStatus::Enabled));
    }

    #[tokio::test]
    async fn an_open_reservation_has_no_time_to_live_and_is_listed_by_expiry() {
        let (client, table, records) = table().await;
        let ws = approved_workspace(&records, "ttl", "ada", Visibility::Private).await;
        let wanted = reservation(&ws.id, "a", StorageType::Styles, MIB, 0);
        records.reserve(&wanted, 10 * MIB).await.unwrap();
        let item = client
            .get_item()
            .table_name(&table)
            .key("pk", AttributeValue::S(format!("WS#{}", ws.id)))
            .key("sk", AttributeValue::S(format!("RES#{}", wanted.id)))
            .send()
            .await
            .unwrap()
            .item
            .unwrap();
        // The table's time to live never drops a reservation whose amount is still held:
        // expired ones are released (and so deleted) by `release_expired`.
        assert_eq!(item.get("expires_at_epoch"), None);
        assert_eq!(
            item.get("gsi2pk"),
            Some(&AttributeValue::S("RESERVATIONS".to_owned()))
        );
    }

    #[tokio::test]
    async fn deleting_a_workspace_of_more_than_100_items_removes_every_item() {
        let (client, table, records) = table().await;
        let ws = approved_workspace(&records, "big", "ada", Visibility::Public).await;
        for index in 0..120 {
            let name = format!("user{index}");
            assert!(records
                .add_member(&member(&ws.id, &name, Role::Viewer, index))
                .await
                .unwrap());
        }
        let pk = format!("WS#{}", ws.id);
        assert_eq!(partition(&client, &table, &pk).await, 123);
        records.delete_workspace(&ws.id).await.unwrap();
        assert_eq!(partition(&client, &table, &pk).await, 0);
        assert!(records.workspace(&ws.id).await.unwrap().is_none());
        assert!(records.public_workspaces().await.unwrap().is_empty());
        let memberships = records.memberships_of(&user_id("user7")).await.unwrap();
        assert!(memberships.is_empty(), "{memberships:?}");
        records.delete_workspace(&ws.id).await.unwrap();
    }
}

/// Addresses shared by several users, which the contract leaves open.
mod addresses {
    use tuilerie_core::ports::UserRecords;
    use tuilerie_core::user::User;
    use tuilerie_tests::contract::fixtures::{email, user};

    use super::*;

    async fn records() -> DynamoRecords {
        let moto = Moto::start().await;
        let client = moto.dynamodb().await;
        let table = moto.unique_name("addresses");
        create_table(&client, &table).await.unwrap();
        DynamoRecords::new(client, table)
    }

    #[tokio::test]
    async fn a_shared_address_finds_its_first_holder_until_they_give_it_up() {
        let records = records().await;
        let ada = records.register_user(&user("ada", 0)).await.unwrap();
        let twin = User {
            email: email("ada"),
            ..user("twin", 1)
        };
        records.register_user(&twin).await.unwrap();
        let found = records.user_by_email(&email("ada")).await.unwrap();
        assert_eq!(found.map(|user| user.id), Some(ada.id.clone()));

        let moved = User {
            email: email("lovelace"),
            ..ada.clone()
        };
        records.register_user(&moved).await.unwrap();
        let found = records.user_by_email(&email("lovelace")).await.unwrap();
        assert_eq!(found.map(|user| user.id), Some(ada.id));

        records.register_user(&twin).await.unwrap();
        let found = records.user_by_email(&email("ada")).await.unwrap();
        assert_eq!(found.map(|user| user.id), Some(twin.id));
    }
}

/// How back-end failures reach the use cases.
mod failures {
    use tuilerie_core::ports::{RecordsError, UserRecords};
    use tuilerie_tests::contract::fixtures::user_id;

    use super::*;

    #[tokio::test]
    async fn an_unreachable_endpoint_is_unavailable() {
        let moto = Moto::start().await;
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let config = aws_sdk_dynamodb::config::Builder::from(&moto.sdk_config().await)
            .endpoint_url(format!("http://127.0.0.1:{port}"))
            .build();
        let client = aws_sdk_dynamodb::Client::from_conf(config);
        let records = DynamoRecords::new(client, "records");
        let error = records.user(&user_id("ada")).await.unwrap_err();
        assert!(matches!(error, RecordsError::Unavailable(_)), "{error:?}");
    }

    #[tokio::test]
    async fn a_missing_table_is_a_back_end_failure() {
        let moto = Moto::start().await;
        let records = DynamoRecords::new(moto.dynamodb().await, moto.unique_name("missing"));
        let error = records.user(&user_id("ada")).await.unwrap_err();
        assert!(matches!(error, RecordsError::Backend(_)), "{error:?}");
    }
}

/// The emulator must be as atomic as DynamoDB, or the contract's races prove nothing.
mod emulator {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, Ordering};

    use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, TransactWriteItem};
    use aws_sdk_dynamodb::Client;

    use super::*;

    fn key(pk: &str) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("pk".to_owned(), AttributeValue::S(pk.to_owned())),
            ("sk".to_owned(), AttributeValue::S("x".to_owned())),
        ])
    }

    async fn put(client: &Client, table: &str, pk: &str) {
        client
            .put_item()
            .table_name(table)
            .set_item(Some(key(pk)))
            .item("padding", AttributeValue::S("p".repeat(200)))
            .send()
            .await
            .unwrap();
    }

    /// moto restores a whole-table copy when a transaction is cancelled; without serialised
    /// requests that erases writes acknowledged meanwhile (1 or 2 of the 200 here; 37 of 600
    /// with twice the traffic).
    #[tokio::test]
    async fn writes_acknowledged_during_cancelled_transactions_are_kept() {
        let moto = Moto::start().await;
        let client = moto.dynamodb().await;
        let table = moto.unique_name("atomic");
        create_table(&client, &table).await.unwrap();
        for index in 0..300 {
            put(&client, &table, &format!("pad{index}")).await;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let failing: Vec<_> = (0..2)
            .map(|_| {
                let (client, table, stop) = (client.clone(), table.clone(), Arc::clone(&stop));
                tokio::spawn(async move {
                    let check = ConditionCheck::builder()
                        .table_name(&table)
                        .set_key(Some(key("absent")))
                        .condition_expression("attribute_exists(pk)")
                        .build()
                        .unwrap();
                    let mut cancelled = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let outcome = client
                            .transact_write_items()
                            .transact_items(
                                TransactWriteItem::builder()
                                    .condition_check(check.clone())
                                    .build(),
                            )
                            .send()
                            .await;
                        assert!(outcome.is_err());
                        cancelled += 1;
                    }
                    cancelled
                })
            })
            .collect();
        let writers: Vec<_> = (0..2)
            .map(|writer| {
                let (client, table) = (client.clone(), table.clone());
                tokio::spawn(async move {
                    for index in 0..100 {
                        put(&client, &table, &format!("w{writer}-{index}")).await;
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        let mut cancelled = 0;
        for task in failing {
            cancelled += task.await.unwrap();
        }
        let mut kept = 0;
        for writer in 0..2 {
            for index in 0..100 {
                let item = client
                    .get_item()
                    .table_name(&table)
                    .set_key(Some(key(&format!("w{writer}-{index}"))))
                    .consistent_read(true)
                    .send()
                    .await
                    .unwrap()
                    .item;
                kept += usize::from(item.is_some());
            }
        }
        eprintln!("emulator: 200 puts acknowledged, {kept} kept, {cancelled} transactions cancelled meanwhile");
        assert!(cancelled > 0);
        assert_eq!(kept, 200);
    }
}
