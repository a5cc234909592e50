//! Memberships: `MEMBER#<user>` items of the workspace partition, listed per user on GSI1.
//! Whenever a member becomes or stops being an owner, the workspace's `owners` counter moves
//! in the same transaction, and never drops below one.

use async_trait::async_trait;
use tuilerie_core::ids::{UserId, WorkspaceId};
use tuilerie_core::ports::{MemberRecords, RecordsError, RecordsResult};
use tuilerie_core::role::Role;
use tuilerie_core::workspace::Member;

use super::action::{key, Action};
use super::codec::{self, n, s, Item};
use super::keys::{self, GSI1_PK, GSI1_SK, MEMBER_PREFIX, PK, SK};
use super::store::Target;
use super::workspaces::{meta_key, OWNERS};
use super::DynamoRecords;

/// The item of a membership.
pub fn item(member: &Member) -> Item {
    let mut item = Item::from([
        (PK.to_owned(), s(keys::workspace(&member.workspace))),
        (SK.to_owned(), s(keys::member(&member.user))),
        (GSI1_PK.to_owned(), s(keys::user(&member.user))),
        (
            GSI1_SK.to_owned(),
            s(format!("{MEMBER_PREFIX}{}", member.workspace)),
        ),
    ]);
    for (name, value) in codec::member_attributes(member) {
        item.insert(name.to_owned(), value);
    }
    item
}

fn member_key(workspace: &WorkspaceId, user: &UserId) -> Item {
    key(keys::workspace(workspace), keys::member(user))
}

/// One more owner; the workspace must exist.
pub fn owner_added(workspace: &WorkspaceId) -> Action {
    Action::update(meta_key(workspace), "ADD #owners :one")
        .when("attribute_exists(pk)")
        .name("#owners", OWNERS)
        .value(":one", n(1))
}

/// One owner less, unless they are the last.
fn owner_removed(workspace: &WorkspaceId) -> Action {
    Action::update(meta_key(workspace), "ADD #owners :minus_one")
        .when("#owners > :one")
        .name("#owners", OWNERS)
        .value(":minus_one", codec::minus(1))
        .value(":one", n(1))
}

/// How the owner count moves when a member goes from `from` to `to` (`None`: removed).
fn owner_change(workspace: &WorkspaceId, from: Role, to: Option<Role>) -> Option<Action> {
    let was = from == Role::Owner;
    let is = to == Some(Role::Owner);
    match (was, is) {
        (true, false) => Some(owner_removed(workspace)),
        (false, true) => Some(owner_added(workspace)),
        _ => None,
    }
}

fn sorted(items: Vec<Item>) -> RecordsResult<Vec<Member>> {
    let mut members = items
        .iter()
        .map(codec::member)
        .collect::<Result<Vec<_>, _>>()?;
    members.sort_by(|a, b| {
        (a.joined_at, &a.workspace, &a.user).cmp(&(b.joined_at, &b.workspace, &b.user))
    });
    Ok(members)
}

/// One membership.
pub async fn get(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    user: &UserId,
) -> RecordsResult<Option<Member>> {
    let item = records
        .get(&keys::workspace(workspace), &keys::member(user))
        .await?;
    Ok(item.as_ref().map(codec::member).transpose()?)
}

/// Every member of a workspace, by join time.
pub async fn of_workspace(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
) -> RecordsResult<Vec<Member>> {
    let pk = keys::workspace(workspace);
    sorted(
        records
            .query(Target::Table, &pk, Some(MEMBER_PREFIX))
            .await?,
    )
}

/// Every membership of a user, by join time.
pub async fn of_user(records: &DynamoRecords, user: &UserId) -> RecordsResult<Vec<Member>> {
    let pk = keys::user(user);
    sorted(
        records
            .query(Target::Gsi1, &pk, Some(MEMBER_PREFIX))
            .await?,
    )
}

/// Puts a new membership, with the owner count when it is an owner, or checks that the
/// workspace exists.
pub fn added(member: &Member) -> Vec<Action> {
    let put = Action::put(item(member)).when("attribute_not_exists(pk)");
    let workspace = match member.role {
        Role::Owner => owner_added(&member.workspace),
        _ => Action::check(meta_key(&member.workspace), "attribute_exists(pk)"),
    };
    vec![put, workspace]
}

/// Adds a member unless already one; [`RecordsError::NotFound`] without the workspace.
pub async fn add(records: &DynamoRecords, member: &Member) -> RecordsResult<bool> {
    match records.run(&added(member)).await? {
        Ok(()) => Ok(true),
        Err(cancelled) if cancelled.failed(0) => Ok(false),
        Err(_) => Err(RecordsError::NotFound),
    }
}

fn outcome(result: Result<(), super::store::Cancelled>) -> RecordsResult<()> {
    match result {
        Ok(()) => Ok(()),
        Err(cancelled) if cancelled.failed(0) => Err(RecordsError::ConditionFailed),
        Err(_) => Err(RecordsError::LastOwner),
    }
}

/// Changes a role from `from` to `to`, moving the owner count in the same transaction.
pub async fn change_role(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    user: &UserId,
    from: Role,
    to: Role,
) -> RecordsResult<()> {
    let mut actions = vec![
        Action::update(member_key(workspace, user), "SET #role = :to")
            .when("#role = :from")
            .name("#role", "role")
            .value(":to", s(to.as_str()))
            .value(":from", s(from.as_str())),
    ];
    actions.extend(owner_change(workspace, from, Some(to)));
    outcome(records.run(&actions).await?)
}

/// Removes a member holding `expected`, moving the owner count in the same transaction.
pub async fn remove(
    records: &DynamoRecords,
    workspace: &WorkspaceId,
    user: &UserId,
    expected: Role,
) -> RecordsResult<()> {
    let mut actions = vec![Action::delete(member_key(workspace, user))
        .when("#role = :expected")
        .name("#role", "role")
        .value(":expected", s(expected.as_str()))];
    actions.extend(owner_change(workspace, expected, None));
    outcome(records.run(&actions).await?)
}

#[async_trait]
impl MemberRecords for DynamoRecords {
    async fn member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> RecordsResult<Option<Member>> {
        get(self, workspace, user).await
    }

    async fn members(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Member>> {
        of_workspace(self, workspace).await
    }

    async fn add_member(&self, member: &Member) -> RecordsResult<bool> {
        add(self, member).await
    }

    async fn change_role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        from: Role,
        to: Role,
    ) -> RecordsResult<()> {
        change_role(self, workspace, user, from, to).await
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        expected: Role,
    ) -> RecordsResult<()> {
        remove(self, workspace, user, expected).await
    }
}
