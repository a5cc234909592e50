//! One write of an item: a put, update, delete or condition check with its condition, run
//! alone as a conditional write or together with others as one transaction.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use tuilerie_core::ports::{RecordsError, RecordsResult};

use super::codec::{s, Item};
use super::keys::{PK, SK};

/// What the write does.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Writes the whole item.
    Put(Item),
    /// Applies an update expression to the item with this key.
    Update(Item, String),
    /// Deletes the item with this key.
    Delete(Item),
    /// Only checks the condition on the item with this key.
    Check(Item),
}

/// A write with its condition and expression placeholders.
#[derive(Debug, Clone)]
pub struct Action {
    /// What the write does.
    pub kind: Kind,
    /// Condition on the current item, if any.
    pub condition: Option<String>,
    /// `#name` placeholders.
    pub names: HashMap<String, String>,
    /// `:value` placeholders.
    pub values: Item,
}

/// The key of an item.
pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

fn backend(error: aws_sdk_dynamodb::error::BuildError) -> RecordsError {
    RecordsError::Backend(Box::new(error))
}

impl Action {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            condition: None,
            names: HashMap::new(),
            values: HashMap::new(),
        }
    }

    /// Writes a whole item.
    pub fn put(item: Item) -> Self {
        Self::new(Kind::Put(item))
    }

    /// Updates the item with `key` by `expression`.
    pub fn update(key: Item, expression: impl Into<String>) -> Self {
        Self::new(Kind::Update(key, expression.into()))
    }

    /// Deletes the item with `key`.
    pub fn delete(key: Item) -> Self {
        Self::new(Kind::Delete(key))
    }

    /// Checks `condition` on the item with `key`.
    pub fn check(key: Item, condition: impl Into<String>) -> Self {
        Self::new(Kind::Check(key)).when(condition)
    }

    /// Makes the write conditional.
    pub fn when(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// Binds a `#name` placeholder.
    pub fn name(mut self, placeholder: &str, name: impl Into<String>) -> Self {
        self.names.insert(placeholder.to_owned(), name.into());
        self
    }

    /// Binds a `:value` placeholder.
    pub fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.values.insert(placeholder.to_owned(), value);
        self
    }

    /// The `#name` placeholders, if any.
    pub fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    /// The `:value` placeholders, if any.
    pub fn values(&self) -> Option<Item> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }

    /// The write as one action of a transaction on `table`.
    pub fn transact(&self, table: &str) -> RecordsResult<TransactWriteItem> {
        let builder = TransactWriteItem::builder();
        let item = match &self.kind {
            Kind::Put(item) => builder.put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(item.clone()))
                    .set_condition_expression(self.condition.clone())
                    .set_expression_attribute_names(self.names())
                    .set_expression_attribute_values(self.values())
                    .build()
                    .map_err(backend)?,
            ),
            Kind::Update(key, expression) => builder.update(
                Update::builder()
                    .table_name(table)
                    .set_key(Some(key.clone()))
                    .update_expression(expression)
                    .set_condition_expression(self.condition.clone())
                    .set_expression_attribute_names(self.names())
                    .set_expression_attribute_values(self.values())
                    .build()
                    .map_err(backend)?,
            ),
            Kind::Delete(key) => builder.delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(key.clone()))
                    .set_condition_expression(self.condition.clone())
                    .set_expression_attribute_names(self.names())
                    .set_expression_attribute_values(self.values())
                    .build()
                    .map_err(backend)?,
            ),
            Kind::Check(key) => builder.condition_check(
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(key.clone()))
                    .set_condition_expression(self.condition.clone())
                    .set_expression_attribute_names(self.names())
                    .set_expression_attribute_values(self.values())
                    .build()
                    .map_err(backend)?,
            ),
        };
        Ok(item.build())
    }
}
