//! Users (`USER#<id>`, kept as JSON) and the `EMAIL#<address>` items that find them by address.

use tuilerie_core::ids::{Email, UserId};
use tuilerie_core::ports::{RecordsError, RecordsResult};
use tuilerie_core::user::User;

use super::action::Action;
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

/// Stores a user on first sight, or updates their address; both items change in one
/// transaction, guarded by the user item's previous content.
pub async fn register(records: &DynamoRecords, user: &User) -> RecordsResult<User> {
    for _ in 0..ATTEMPTS {
        let (stored, actions) = match records.get(&keys::user(&user.id), SELF).await? {
            None => (
                user.clone(),
                vec![Action::put(user_item(user)?).when("attribute_not_exists(pk)")],
            ),
            Some(item) => {
                let existing: User = from_json(&item)?;
                if existing.email == user.email {
                    return Ok(existing);
                }
                let previous = item.get(DATA).cloned().unwrap_or_else(|| s(""));
                let updated = User {
                    email: user.email.clone(),
                    ..existing
                };
                let guarded = Action::put(user_item(&updated)?)
                    .when("#data = :previous")
                    .name("#data", DATA)
                    .value(":previous", previous);
                (updated, vec![guarded])
            }
        };
        let mut actions = actions;
        actions.push(Action::put(email_item(&stored)));
        if records.transact(&actions).await?.is_ok() {
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
    let Some(item) = records.get(&keys::email(email), SELF).await? else {
        return Ok(None);
    };
    let id = UserId::parse(get_s(&item, "user")?)
        .map_err(|error| RecordsError::Backend(Box::new(error)))?;
    Ok(by_id(records, &id)
        .await?
        .filter(|user| &user.email == email))
}
