//! Reads and writes on the table shared by every records operation: consistent gets, paged
//! queries, single conditional writes and transactions.

use std::time::Duration;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::TransactWriteItem;
use tuilerie_core::ports::{RecordsError, RecordsResult};

use super::action::{Action, Kind};
use super::codec::{s, Item};
use super::errors::{classify, condition_outcome, is_transient_reason};
use super::keys::{GSI1, GSI1_PK, GSI1_SK, GSI2, GSI2_PK, GSI2_SK, PK, SK};
use super::DynamoRecords;

/// Where a query looks.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// The table itself (strongly consistent).
    Table,
    /// The index of what belongs to a user.
    Gsi1,
    /// The index of pending requests and public workspaces.
    Gsi2,
}

impl Target {
    fn attributes(self) -> (Option<&'static str>, &'static str, &'static str) {
        match self {
            Target::Table => (None, PK, SK),
            Target::Gsi1 => (Some(GSI1), GSI1_PK, GSI1_SK),
            Target::Gsi2 => (Some(GSI2), GSI2_PK, GSI2_SK),
        }
    }
}

/// A transaction refused because conditions failed: the reason code of each action, in order.
#[derive(Debug, Clone)]
pub struct Cancelled(Vec<String>);

/// Which sort keys of a partition a query reads.
enum SortKey<'a> {
    Any,
    Prefix(&'a str),
    Below(&'a str),
}

impl Cancelled {
    /// Whether the condition of the action at `index` failed.
    pub fn failed(&self, index: usize) -> bool {
        self.0
            .get(index)
            .is_some_and(|code| code == "ConditionalCheckFailed")
    }
}

impl DynamoRecords {
    /// The item with this key, read consistently.
    pub(super) async fn get(&self, pk: &str, sk: &str) -> RecordsResult<Option<Item>> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(super::action::key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(classify)?;
        Ok(output.item)
    }

    /// Every item of partition `pk` (whose sort key starts with `prefix`, when given).
    pub(super) async fn query(
        &self,
        target: Target,
        pk: &str,
        prefix: Option<&str>,
    ) -> RecordsResult<Vec<Item>> {
        match prefix {
            Some(prefix) => self.query_where(target, pk, SortKey::Prefix(prefix)).await,
            None => self.query_where(target, pk, SortKey::Any).await,
        }
    }

    /// Every item of partition `pk` whose sort key is below `upper`.
    pub(super) async fn query_below(
        &self,
        target: Target,
        pk: &str,
        upper: &str,
    ) -> RecordsResult<Vec<Item>> {
        self.query_where(target, pk, SortKey::Below(upper)).await
    }

    async fn query_where(
        &self,
        target: Target,
        pk: &str,
        sort: SortKey<'_>,
    ) -> RecordsResult<Vec<Item>> {
        let (index, pk_name, sk_name) = target.attributes();
        let (condition, bound) = match sort {
            SortKey::Any => ("#pk = :pk", None),
            SortKey::Prefix(prefix) => ("#pk = :pk AND begins_with(#sk, :bound)", Some(prefix)),
            SortKey::Below(upper) => ("#pk = :pk AND #sk < :bound", Some(upper)),
        };
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(str::to_owned))
            .consistent_read(index.is_none())
            .key_condition_expression(condition)
            .expression_attribute_names("#pk", pk_name)
            .expression_attribute_values(":pk", s(pk));
        if let Some(bound) = bound {
            query = query
                .expression_attribute_names("#sk", sk_name)
                .expression_attribute_values(":bound", s(bound));
        }
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let output = query
                .clone()
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(classify)?;
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// Runs one conditional write; `false` if its condition did not hold.
    pub(super) async fn write(&self, action: Action) -> RecordsResult<bool> {
        let names = action.names();
        let values = action.values();
        let condition = action.condition.clone();
        match action.kind {
            Kind::Put(item) => condition_outcome(
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .send()
                    .await,
            ),
            Kind::Update(key, expression) => condition_outcome(
                self.client
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(key))
                    .update_expression(expression)
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .send()
                    .await,
            ),
            Kind::Delete(key) => condition_outcome(
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .send()
                    .await,
            ),
            Kind::Check(_) => Ok(self.transact(&[action]).await?.is_ok()),
        }
    }

    /// Runs the actions atomically: one conditional write when there is a single one, one
    /// transaction otherwise; [`Cancelled`] if a condition did not hold.
    pub(super) async fn run(&self, actions: &[Action]) -> RecordsResult<Result<(), Cancelled>> {
        match actions {
            [single] if !matches!(single.kind, Kind::Check(_)) => {
                if self.write(single.clone()).await? {
                    Ok(Ok(()))
                } else {
                    Ok(Err(Cancelled(vec!["ConditionalCheckFailed".to_owned()])))
                }
            }
            _ => self.transact(actions).await,
        }
    }

    /// Runs the actions as one transaction; [`Cancelled`] if a condition did not hold. A
    /// transaction cancelled only by conflicts with other transactions on the same items (or
    /// by throttling) is sent again after a random pause, a few times, then reported
    /// [`RecordsError::Unavailable`].
    pub(super) async fn transact(
        &self,
        actions: &[Action],
    ) -> RecordsResult<Result<(), Cancelled>> {
        let items = actions
            .iter()
            .map(|action| action.transact(&self.table))
            .collect::<RecordsResult<Vec<_>>>()?;
        let mut attempt = 0;
        loop {
            match self.transact_once(items.clone()).await {
                Attempt::Done(outcome) => return outcome,
                Attempt::Conflict(error) => {
                    attempt += 1;
                    if attempt >= TRANSACT_ATTEMPTS {
                        return Err(RecordsError::Unavailable(error));
                    }
                    tokio::time::sleep(backoff(attempt, draw())).await;
                }
            }
        }
    }

    async fn transact_once(&self, items: Vec<TransactWriteItem>) -> Attempt {
        let error = match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => return Attempt::Done(Ok(Ok(()))),
            Err(error) => error,
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
            error.as_service_error()
        else {
            return Attempt::Done(Err(classify(error)));
        };
        let codes: Vec<String> = cancelled
            .cancellation_reasons()
            .iter()
            .map(|reason| reason.code().unwrap_or("None").to_owned())
            .collect();
        if codes.iter().any(|code| code == "ConditionalCheckFailed") {
            Attempt::Done(Ok(Err(Cancelled(codes))))
        } else if codes.iter().any(|code| is_transient_reason(code)) {
            Attempt::Conflict(Box::new(error))
        } else {
            Attempt::Done(Err(RecordsError::Backend(Box::new(error))))
        }
    }
}

/// Transactions sent at most this many times when they conflict with others.
const TRANSACT_ATTEMPTS: u32 = 8;

/// The outcome of sending a transaction once.
enum Attempt {
    /// Applied, refused on a condition, or failed for good.
    Done(RecordsResult<Result<(), Cancelled>>),
    /// Cancelled by a conflict or throttling only: worth sending again.
    Conflict(Box<dyn std::error::Error + Send + Sync>),
}

/// A number drawn uniformly in [0, 1), from the random keys the standard library gives each
/// hash map.
fn draw() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Pause before sending a conflicting transaction again: random ("full jitter") below a
/// ceiling that doubles from 20 ms with each attempt, up to 1 s. `draw` is uniform in [0, 1).
fn backoff(attempt: u32, draw: f64) -> Duration {
    let ceiling = (20u64 << attempt.min(6)).min(1_000);
    Duration::from_millis((ceiling as f64 * draw.clamp(0.0, 1.0)) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_then_stay_under_a_second() {
        assert!(backoff(1, 0.999) < Duration::from_millis(41));
        assert!(backoff(3, 0.999) >= Duration::from_millis(150));
        assert!(backoff(30, 0.999) <= Duration::from_secs(1));
        assert_eq!(backoff(5, 0.0), Duration::ZERO);
        let draws: Vec<f64> = (0..100).map(|_| draw()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(
            draws.iter().any(|x| (draws[0] - x).abs() > 1e-9),
            "{draws:?}"
        );
    }

    #[test]
    fn only_failed_conditions_count_as_failed() {
        let cancelled = Cancelled(vec!["None".to_owned(), "ConditionalCheckFailed".to_owned()]);
        assert!(!cancelled.failed(0));
        assert!(cancelled.failed(1));
        assert!(!cancelled.failed(2));
    }
}
