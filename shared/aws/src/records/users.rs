//! Users (`USER#<id>`, kept as JSON) and the `EMAIL#<address>` items that find them by address.

use async_trait::async_trait;
use tuilerie_core::ids::{Email, UserId};
use tuilerie_core::ports::{RecordsError, RecordsResult, UserRecords};
use tuilerie_core::user::User;

use super::action::{key, Action};
use super::codec::{from_json, get_s, json, s, Item, DATA};
use super::keys::{self, PK, SELF, SK};
use super::DynamoRecords;

/// Attempts before giving up on a user changed concurrently at every try.
const ATTEMPTS: usize = 5;

fn user_item(user: &User) -> RecordsResult<Item> {
    Ok(Item::from([
        (PK.to_owned(), s(keys::user(&user.id))),
        (SK.to_owned(), s(SELF)),
        (DATA.to_owned(), json(user)?),
    ]))
}

fn email_item(user: &User) -> Item {
    Item::from([
        (PK.to_owned(), s(keys::email(&user.email))),
        (SK.to_owned(), s(SELF)),
        ("user".to_owned(), s(user.id.as_str())),
    ])
}

/// Who an `EMAIL#` item points to.
async fn holder(records: &DynamoRecords, email: &Email) -> RecordsResult<Option<UserId>> {
    let Some(item) = records.get(&keys::email(email), SELF).await? else {
        return Ok(None);
    };
    UserId::parse(get_s(&item, "user")?)
        .map(Some)
        .map_err(|error| RecordsError::Backend(Box::new(error)))
}

/// What to do with the address item of `user`: claim it if free, take it over if its holder
/// no longer has that address, leave it to a holder who still has it (the first to register
/// an address keeps it, as an address shared by several users finds the first one).
async fn claim_email(records: &DynamoRecords, user: &User) -> RecordsResult<Option<Action>> {
    let put = Action::put(email_item(user));
    match holder(records, &user.email).await? {
        None => Ok(Some(put.when("attribute_not_exists(pk)"))),
        Some(id) if id == user.id => Ok(None),
        Some(id) => {
            let current = by_id(records, &id).await?;
            if current.is_some_and(|other| other.email == user.email) {
                return Ok(None);
            }
            Ok(Some(
                put.when("#user = :holder")
                    .name("#user", "user")
                    .value(":holder", s(id.as_str())),
            ))
        }
    }
}

/// Stores a user on first sight, or updates their address. The user item and the address
/// items change in one transaction, guarded by what was read before; retried if that changed.
/// A user seen again with the same address claims it if its holder has given it up.
pub async fn register(records: &DynamoRecords, user: &User) -> RecordsResult<User> {
    for _ in 0..ATTEMPTS {
        let mut actions = Vec::new();
        let stored = match records.get(&keys::user(&user.id), SELF).await? {
            None => {
                actions.push(Action::put(user_item(user)?).when("attribute_not_exists(pk)"));
                user.clone()
            }
            Some(item) => {
                let existing: User = from_json(&item)?;
                if existing.email == user.email {
                    if let Some(claim) = claim_email(records, &existing).await? {
                        records.write(claim).await?;
                    }
                    return Ok(existing);
                }
                let previous = item.get(DATA).cloned().unwrap_or_else(|| s(""));
                if holder(records, &existing.email).await?.as_ref() == Some(&existing.id) {
                    actions.push(
                        Action::delete(key(keys::email(&existing.email), SELF))
                            .when("#user = :me")
                            .name("#user", "user")
                            .value(":me", s(existing.id.as_str())),
                    );
                }
                let updated = User {
                    email: user.email.clone(),
                    ..existing
                };
                actions.push(
                    Action::put(user_item(&updated)?)
                        .when("#data = :previous")
                        .name("#data", DATA)
                        .value(":previous", previous),
                );
                updated
            }
        };
        actions.extend(claim_email(records, &stored).await?);
        if records.run(&actions).await?.is_ok() {
            return Ok(stored);
        }
    }
    Err(RecordsError::ConditionFailed)
}

/// A user by identifier.
pub async fn by_id(records: &DynamoRecords, id: &UserId) -> RecordsResult<Option<User>> {
    match records.get(&keys::user(id), SELF).await? {
        Some(item) => Ok(Some(from_json(&item)?)),
        None => Ok(None),
    }
}

/// A user by address. An address item left behind by a change of address is ignored: the user
/// must still have that address.
pub async fn by_email(records: &DynamoRecords, email: &Email) -> RecordsResult<Option<User>> {
    let Some(id) = holder(records, email).await? else {
        return Ok(None);
    };
    Ok(by_id(records, &id)
        .await?
        .filter(|user| &user.email == email))
}

#[async_trait]
impl UserRecords for DynamoRecords {
    async fn register_user(&self, user: &User) -> RecordsResult<User> {
        register(self, user).await
    }

    async fn user(&self, id: &UserId) -> RecordsResult<Option<User>> {
        by_id(self, id).await
    }

    async fn user_by_email(&self, email: &Email) -> RecordsResult<Option<User>> {
        by_email(self, email).await
    }
}
