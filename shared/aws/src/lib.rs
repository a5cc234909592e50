//! Tuilerie adapters on AWS services. [`blobs::S3Blobs`] is an object store on one S3 bucket; [`records::DynamoRecords`] implements the records port on
//! one DynamoDB table; [`executions::StepFunctions`] starts and follows pipeline executions;
//! [`events`] decodes the S3 notifications that start them.

pub mod blobs;
pub mod events;
pub mod executions;
pub mod records;
