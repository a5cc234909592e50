//! Users: registered once, e-mail updated, found by id and by e-mail.

use std::sync::Arc;

use tuilerie_core::ports::Records;

use super::fixtures::{at, email, user, user_id};

/// The first registration is stored as given; a second one keeps the registration time.
pub async fn a_user_is_registered_once_and_keeps_their_registration_time(
    records: Arc<dyn Records>,
) {
    let ada = user("ada", 10);
    assert_eq!(records.register_user(&ada).await.unwrap(), ada);
    let again = user("ada", 500);
    let stored = records.register_user(&again).await.unwrap();
    assert_eq!(stored.registered_at, at(10));
    assert_eq!(records.user(&ada.id).await.unwrap(), Some(ada));
}

/// A later registration with a new address updates it and finds the user by it.
pub async fn registering_again_updates_the_email_address(records: Arc<dyn Records>) {
    let ada = user("ada", 10);
    records.register_user(&ada).await.unwrap();
    let mut moved = user("ada", 20);
    moved.email = email("lovelace");
    let stored = records.register_user(&moved).await.unwrap();
    assert_eq!(stored.email, email("lovelace"));
    assert_eq!(stored.registered_at, at(10));
    let read = records.user(&ada.id).await.unwrap().unwrap();
    assert_eq!(read.email, email("lovelace"));
    assert_eq!(read.registered_at, at(10));
    assert_eq!(records.user_by_email(&email("ada")).await.unwrap(), None);
    assert_eq!(
        records.user_by_email(&email("lovelace")).await.unwrap(),
        Some(read)
    );
}

/// Each user is found by their own address.
pub async fn users_are_found_by_email_address(records: Arc<dyn Records>) {
    for (index, name) in ["ada", "grace", "alan"].into_iter().enumerate() {
        records
            .register_user(&user(name, index as i64))
            .await
            .unwrap();
    }
    let grace = records
        .user_by_email(&email("grace"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grace, user("grace", 1));
    assert_eq!(records.user_by_email(&email("nobody")).await.unwrap(), None);
}

/// Reading a user never seen gives nothing.
pub async fn unknown_users_are_absent(records: Arc<dyn Records>) {
    assert_eq!(records.user(&user_id("ghost")).await.unwrap(), None);
    records.register_user(&user("ada", 0)).await.unwrap();
    assert_eq!(records.user(&user_id("ghost")).await.unwrap(), None);
}
