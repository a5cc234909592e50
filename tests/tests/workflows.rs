//! The job runner contract on both adapters: the local runner and Step Functions (moto).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use tuilerie_core::ids::{UploadId, WorkspaceId};
use tuilerie_core::ports::{Job, JobStatus, Workflows};

fn job() -> Job {
    Job::Upload {
        workspace: WorkspaceId::generate("contract"),
        upload: UploadId::generate("contract"),
    }
}

/// A name starts one execution however often it is started; it can be described and
/// cancelled, and ends; unknown names are absent and cancelling them does nothing.
async fn a_name_runs_once_and_can_be_cancelled(workflows: Arc<dyn Workflows>) {
    assert_eq!(workflows.describe("up_never").await.unwrap(), None);
    workflows.cancel("up_never").await.unwrap();
    let job = job();
    let name = job.name(0);
    workflows.start(&job, &name).await.unwrap();
    workflows.start(&job, &name).await.unwrap();
    assert!(workflows.describe(&name).await.unwrap().is_some());
    workflows.cancel(&name).await.unwrap();
    for _ in 0..200 {
        match workflows.describe(&name).await.unwrap() {
            Some(JobStatus::Running) => tokio::time::sleep(Duration::from_millis(50)).await,
            Some(_) => return,
            None => panic!("the execution vanished"),
        }
    }
    panic!("the execution did not end once cancelled");
}

mod local {
    use super::*;
    use tuilerie_core::ports::{BlobStores, PipelinePorts, Ports, RandomIds, SystemClock};
    use tuilerie_local::blobs::FileBlobs;
    use tuilerie_local::records::SqliteRecords;
    use tuilerie_pipeline::archives::PmTilesArchives;
    use tuilerie_pipeline::runner::LocalRunner;
    use tuilerie_pipeline::steps::Steps;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_name_runs_once_and_can_be_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let records = Arc::new(SqliteRecords::in_memory().unwrap());
        let store = |name: &str| -> Arc<dyn tuilerie_core::ports::Blobs> {
            Arc::new(FileBlobs::open(dir.path().join(name), None).unwrap())
        };
        let blobs = BlobStores {
            uploads: store("uploads"),
            databases: store("databases"),
            pyramids: store("pyramids"),
            styles: store("styles"),
        };
        let runner = LocalRunner::new(1);
        let ports = Ports::new(
            records.clone(),
            PipelinePorts {
                items: records,
                archives: Arc::new(PmTilesArchives::new(Arc::clone(&blobs.pyramids))),
                blobs,
                workflows: Arc::new(runner.clone()),
            },
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        );
        runner.bind(Steps::new(&ports, dir.path().join("work")));
        super::a_name_runs_once_and_can_be_cancelled(Arc::new(runner)).await;
    }
}

mod step_functions {
    use super::*;
    use tuilerie_aws::executions::StepFunctions;
    use tuilerie_tests::moto::Moto;

    const WAITING: &str =
        r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 600, "End": true}}}"#;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_name_runs_once_and_can_be_cancelled() {
        let moto = Moto::start().await;
        let sfn = aws_sdk_sfn::Client::new(&moto.sdk_config().await);
        let arn = sfn
            .create_state_machine()
            .name(moto.unique_name("pipeline"))
            .definition(WAITING)
            .role_arn("arn:aws:iam::123456789012:role/pipeline")
            .send()
            .await
            .unwrap()
            .state_machine_arn;
        let workflows = StepFunctions::new(sfn.clone(), arn.clone());
        super::a_name_runs_once_and_can_be_cancelled(Arc::new(workflows)).await;
        let executions = sfn
            .list_executions()
            .state_machine_arn(arn)
            .send()
            .await
            .unwrap()
            .executions;
        assert_eq!(executions.len(), 1, "{executions:?}");
    }
}
