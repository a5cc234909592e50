//! Tuilerie adapters on AWS services. [`records::DynamoRecords`] implements the records port on
//! one DynamoDB table.

pub mod records;
