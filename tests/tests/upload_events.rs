//! The upload-events Lambda on the emulated AWS stack: presigned PUTs into the uploads bucket,
//! S3 notifications into SQS, the handler fed with the real messages, executions started on
//! Step Functions.
#![allow(clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use aws_lambda_events::sqs::SqsEvent;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{json, Value};
use tuilerie_aws::executions::StepFunctions;
use tuilerie_tests::moto::Moto;
use tuilerie_upload_events::UploadEvents;

/// A trivial state machine: the test counts executions, it does not run the pipeline.
const DEFINITION: &str = r#"{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}"#;

struct Stack {
    s3: aws_sdk_s3::Client,
    sqs: aws_sdk_sqs::Client,
    sfn: aws_sdk_sfn::Client,
    bucket: String,
    queue: String,
    state_machine: String,
}

async fn stack(moto: &Moto) -> Stack {
    let sdk = moto.sdk_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let sfn = aws_sdk_sfn::Client::new(&sdk);
    let bucket = moto.unique_name("uploads");
    s3.create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("bucket");
    let queue = sqs
        .create_queue()
        .queue_name(moto.unique_name("upload-events"))
        .send()
        .await
        .expect("queue")
        .queue_url
        .expect("queue url");
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes")
        .attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .expect("queue arn");
    let notification = aws_sdk_s3::types::NotificationConfiguration::builder()
        .queue_configurations(
            aws_sdk_s3::types::QueueConfiguration::builder()
                .queue_arn(queue_arn)
                .events(aws_sdk_s3::types::Event::from("s3:ObjectCreated:*"))
                .build()
                .expect("queue configuration"),
        )
        .build();
    s3.put_bucket_notification_configuration()
        .bucket(&bucket)
        .notification_configuration(notification)
        .send()
        .await
        .expect("notification");
    let state_machine = sfn
        .create_state_machine()
        .name(moto.unique_name("pipeline"))
        .definition(DEFINITION)
        .role_arn("arn:aws:iam::123456789012:role/pipeline")
        .send()
        .await
        .expect("state machine")
        .state_machine_arn;
    Stack {
        s3,
        sqs,
        sfn,
        bucket,
        queue,
        state_machine,
    }
}

/// PUTs `body` at `key` through a presigned URL, as a browser or `curl` would.
async fn presigned_put(stack: &Stack, key: &str, body: &'static [u8]) {
    let presigned = stack
        .s3
        .put_object()
        .bucket(&stack.bucket)
        .key(key)
        .presigned(PresigningConfig::expires_in(Duration::from_secs(600)).expect("expiry"))
        .await
        .expect("presigned URL");
    let answer = reqwest::Client::new()
        .put(presigned.uri())
        .body(body)
        .send()
        .await
        .expect("PUT");
    assert!(answer.status().is_success(), "PUT answered {answer:?}");
}

/// Receives messages until `count` of them hold created objects (the test event aside);
/// returns every message received, as the SQS event Lambda would get.
async fn receive(stack: &Stack, count: usize) -> SqsEvent {
    let mut records = Vec::new();
    let mut objects = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while objects < count {
        assert!(
            Instant::now() < deadline,
            "only {objects} object events arrived"
        );
        let received = stack
            .sqs
            .receive_message()
            .queue_url(&stack.queue)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        for message in received.messages.unwrap_or_default() {
            let body = message.body.clone().unwrap_or_default();
            if body.contains("ObjectCreated") {
                objects += 1;
            }
            records.push(json!({
                "messageId": message.message_id,
                "receiptHandle": message.receipt_handle,
                "body": body,
                "eventSource": "aws:sqs",
            }));
        }
    }
    serde_json::from_value(json!({ "Records": records })).expect("an SQS event")
}

/// Every execution of the state machine: name → input.
async fn executions(stack: &Stack) -> BTreeMap<String, Value> {
    let listed = stack
        .sfn
        .list_executions()
        .state_machine_arn(&stack.state_machine)
        .send()
        .await
        .expect("list executions");
    let mut out = BTreeMap::new();
    for execution in listed.executions {
        let described = stack
            .sfn
            .describe_execution()
            .execution_arn(&execution.execution_arn)
            .send()
            .await
            .expect("describe");
        let input =
            serde_json::from_str(described.input.as_deref().unwrap_or("null")).expect("JSON input");
        out.insert(execution.name, input);
    }
    out
}

#[tokio::test]
async fn each_uploaded_object_starts_exactly_one_execution_when_every_event_comes_three_times() {
    let moto = Moto::start().await;
    let stack = stack(&moto).await;
    let keys = [
        "ws-1/up-1/communes.gpkg",
        "ws-1/up-2/My File+plus.zip",
        "ws-2/up-3/départements.geojson",
    ];
    for key in keys {
        presigned_put(&stack, key, b"some geodata bytes").await;
    }
    let event = receive(&stack, keys.len()).await;
    let handler = UploadEvents::new(StepFunctions::new(
        stack.sfn.clone(),
        stack.state_machine.clone(),
    ));
    let (a, b, c) = tokio::join!(
        handler.handle(event.clone()),
        handler.handle(event.clone()),
        handler.handle(event.clone()),
    );
    for response in [a, b, c] {
        assert!(
            response.batch_item_failures.is_empty(),
            "failures: {:?}",
            response.batch_item_failures
        );
    }
    let started = executions(&stack).await;
    assert_eq!(started.len(), keys.len(), "executions: {started:#?}");
    let seen: BTreeSet<String> = started
        .values()
        .map(|input| input["key"].as_str().expect("key").to_string())
        .collect();
    let expected: BTreeSet<String> = keys.iter().map(|k| k.to_string()).collect();
    assert_eq!(seen, expected, "keys are decoded before use");
    for input in started.values() {
        let key = input["key"].as_str().expect("key");
        let mut parts = key.split('/');
        assert_eq!(input["workspace"].as_str(), parts.next());
        assert_eq!(input["upload"].as_str(), parts.next());
        assert_eq!(input["bucket"], json!(stack.bucket));
        assert_eq!(input["size"], json!(18));
    }

    // Delivered once more later (an SQS retry), nothing new starts either.
    let again = handler.handle(event).await;
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(executions(&stack).await.len(), keys.len());
}

#[tokio::test]
async fn a_message_that_is_no_s3_event_is_reported_alone_and_the_test_event_is_ignored() {
    let moto = Moto::start().await;
    let stack = stack(&moto).await;
    let handler = UploadEvents::new(StepFunctions::new(
        stack.sfn.clone(),
        stack.state_machine.clone(),
    ));
    let created = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {
        "bucket": {"name": stack.bucket}, "object": {"key": "ws-9%2Fup-9%2Fa+b.gpkg", "size": 3,
        "sequencer": "0A1B"}}}]});
    let event: SqsEvent = serde_json::from_value(json!({"Records": [
        {"messageId": "test", "body": "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}"},
        {"messageId": "garbage", "body": "this is not an event"},
        {"messageId": "good", "body": created.to_string()},
    ]}))
    .expect("event");
    let response = handler.handle(event).await;
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["garbage"]);
    let started = executions(&stack).await;
    assert_eq!(started.len(), 1);
    let input = started.values().next().expect("one execution");
    assert_eq!(input["key"], "ws-9/up-9/a b.gpkg");
}

#[tokio::test]
async fn an_unreachable_state_machine_fails_the_message_so_sqs_delivers_it_again() {
    let moto = Moto::start().await;
    let stack = stack(&moto).await;
    let handler = UploadEvents::new(StepFunctions::new(
        stack.sfn.clone(),
        "arn:aws:states:us-east-1:123456789012:stateMachine:absent",
    ));
    let created = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {
        "bucket": {"name": stack.bucket}, "object": {"key": "ws-1/up-1/x.gpkg", "size": 3}}}]});
    let event: SqsEvent = serde_json::from_value(json!({"Records": [
        {"messageId": "m1", "body": created.to_string()},
    ]}))
    .expect("event");
    let response = handler.handle(event).await;
    assert_eq!(response.batch_item_failures.len(), 1);
    assert_eq!(response.batch_item_failures[0].item_identifier, "m1");
}
