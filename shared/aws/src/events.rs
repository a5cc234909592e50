//! S3 event notifications as they arrive in SQS messages.
//!
//! Decoding is lenient: real S3 records carry `userIdentity`, `requestParameters`,
//! `responseElements` and a `sequencer`, emulators may omit any of them, and only the bucket,
//! the key, the size and something that tells two writes of one key apart matter here. Keys
//! arrive form-encoded (`+` for a space, `%2F` for a slash): they are decoded before use.

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// An object written to a bucket, as told by one S3 event record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectCreated {
    /// The bucket's name.
    pub bucket: String,
    /// The object's key, decoded.
    pub key: String,
    /// The object's size in bytes.
    pub size: u64,
    /// What tells this write apart from another write of the same key: the sequencer when the
    /// record has one, else the version id, else the entity tag and the size.
    pub write: String,
}

impl ObjectCreated {
    /// A Step Functions execution name unique to this write of this object, so that an event
    /// delivered twice starts one execution: at most 80 characters among letters, digits, `-`
    /// and `_`, readable (it starts with the key) and exact (it ends with a digest of the
    /// bucket, the key and the write).
    pub fn execution_name(&self) -> String {
        let mut digest = Sha256::new();
        for part in [&self.bucket, &self.key, &self.write] {
            digest.update(part.as_bytes());
            digest.update([0]);
        }
        let hash: String = digest
            .finalize()
            .iter()
            .take(12)
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let readable: String = self
            .key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(80 - hash.len() - 1)
            .collect();
        format!("{readable}-{hash}")
    }
}

/// What one SQS message body held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// The test event S3 sends when a notification is configured: nothing to do.
    Test,
    /// Objects created (usually one).
    Created(Vec<ObjectCreated>),
}

/// Why a message body is not an S3 notification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The body is not the JSON of an S3 notification.
    #[error("the message is not an S3 event notification: {0}")]
    NotAnEvent(#[source] serde_json::Error),
    /// A record's key is not valid percent-encoded UTF-8.
    #[error("the object key `{0}` is not valid percent-encoded UTF-8")]
    BadKey(String),
}

#[derive(Deserialize)]
struct Body {
    #[serde(rename = "Event", default)]
    event: Option<String>,
    #[serde(rename = "Records", default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "eventName", default)]
    event_name: String,
    s3: S3,
}

#[derive(Deserialize)]
struct S3 {
    bucket: Bucket,
    object: Object,
}

#[derive(Deserialize)]
struct Bucket {
    name: String,
}

#[derive(Deserialize)]
struct Object {
    key: String,
    #[serde(default)]
    size: u64,
    #[serde(rename = "eTag", default)]
    e_tag: Option<String>,
    #[serde(rename = "versionId", default)]
    version_id: Option<String>,
    #[serde(default)]
    sequencer: Option<String>,
}

/// Decodes one SQS message body holding an S3 event notification. Records other than
/// `ObjectCreated:*` are left out.
pub fn decode(body: &str) -> Result<Notification, EventError> {
    let body: Body = serde_json::from_str(body).map_err(EventError::NotAnEvent)?;
    if body.event.as_deref() == Some("s3:TestEvent") {
        return Ok(Notification::Test);
    }
    let mut created = Vec::new();
    for record in body.records {
        if !record.event_name.starts_with("ObjectCreated:") {
            continue;
        }
        let object = record.s3.object;
        let key = decode_key(&object.key)?;
        let write = object
            .sequencer
            .filter(|s| !s.is_empty())
            .or(object.version_id.filter(|v| !v.is_empty()))
            .unwrap_or_else(|| {
                format!(
                    "{}:{}",
                    object.e_tag.unwrap_or_default().trim_matches('"'),
                    object.size
                )
            });
        created.push(ObjectCreated {
            bucket: record.s3.bucket.name,
            key,
            size: object.size,
            write,
        });
    }
    Ok(Notification::Created(created))
}

/// Form-decodes a key: `+` is a space, then percent-escapes.
fn decode_key(raw: &str) -> Result<String, EventError> {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|key| key.into_owned())
        .map_err(|_| EventError::BadKey(raw.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(key: &str, sequencer: Option<&str>) -> String {
        let sequencer = sequencer
            .map(|s| format!(r#","sequencer":"{s}""#))
            .unwrap_or_default();
        format!(
            r#"{{"Records":[{{"eventName":"ObjectCreated:Put","s3":{{"bucket":{{"name":"up"}},"object":{{"key":"{key}","size":12,"eTag":"\"abc\""{sequencer}}}}}}}]}}"#
        )
    }

    #[test]
    fn keys_are_form_decoded() {
        let Ok(Notification::Created(objects)) = decode(&record("ws-1%2FMy+File%2Bx.gpkg", None))
        else {
            panic!("not decoded")
        };
        assert_eq!(objects[0].key, "ws-1/My File+x.gpkg");
        assert_eq!(objects[0].size, 12);
        assert_eq!(objects[0].write, "abc:12");
    }

    #[test]
    fn the_test_event_is_recognised() {
        let body = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-01-01T00:00:00Z","Bucket":"up"}"#;
        assert_eq!(decode(body).ok(), Some(Notification::Test));
    }

    #[test]
    fn other_events_are_left_out_and_garbage_is_an_error() {
        let body = r#"{"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]}"#;
        assert_eq!(decode(body).ok(), Some(Notification::Created(vec![])));
        assert!(matches!(decode("not json"), Err(EventError::NotAnEvent(_))));
        assert!(matches!(
            decode(&record("%FF%FE", None)),
            Err(EventError::BadKey(_))
        ));
    }

    #[test]
    fn execution_names_are_valid_stable_and_tell_writes_apart() {
        let long = "a/".repeat(100);
        let Ok(Notification::Created(a)) = decode(&record(&long, Some("0055AED6DCD90281E5")))
        else {
            panic!("not decoded")
        };
        let Ok(Notification::Created(b)) = decode(&record(&long, Some("0055AED6DCD90281E6")))
        else {
            panic!("not decoded")
        };
        let name = a[0].execution_name();
        assert!(name.len() <= 80, "{name}");
        assert!(name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(name, a[0].clone().execution_name());
        assert_ne!(name, b[0].execution_name());
    }
}
