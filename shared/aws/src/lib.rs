//! Tuilerie adapters on AWS services. [`records::DynamoRecords`] implements the records port on
//! one DynamoDB table; [`executions::StepFunctions`] starts and follows pipeline executions;
//! [`events`] decodes the S3 notifications that start them.

pub mod events;
pub mod executions;
pub mod records;
