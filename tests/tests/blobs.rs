//! The object store contract on both adapters: folders of the data directory, and S3 buckets
//! on moto.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use tuilerie_core::ports::Blobs;

mod files {
    use super::*;
    use tuilerie_local::blobs::FileBlobs;

    async fn fresh() -> (Arc<dyn Blobs>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let blobs = FileBlobs::open(dir.path().join("objects"), None).unwrap();
        (Arc::new(blobs), dir)
    }

    // The local store's upload URLs are received by the server's upload route, which the
    // HTTP tests of the pipeline exercise (signature, length, nothing kept when refused).
    tuilerie_tests::blobs_contract_tests!(@cases fresh();
        objects_are_written_and_read_back,
        files_go_in_and_come_out,
        objects_are_listed_by_prefix_and_deleted,
        keys_outside_the_store_are_refused,
    );
}

mod s3 {
    use super::*;
    use tuilerie_aws::blobs::{s3_client, S3Blobs};
    use tuilerie_tests::moto::Moto;

    async fn fresh() -> (Arc<dyn Blobs>, ()) {
        let moto = Moto::start().await;
        let client = s3_client(&moto.sdk_config().await);
        let bucket = moto.unique_name("objects");
        client.create_bucket().bucket(&bucket).send().await.unwrap();
        (Arc::new(S3Blobs::new(client, bucket)), ())
    }

    tuilerie_tests::blobs_contract_tests!(fresh());
}
