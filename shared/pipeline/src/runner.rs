//! The local runner: jobs run as tasks of the server's runtime, at most a few at once (each
//! tiles on every core), their CPU work on blocking threads so HTTP answers never wait. A job
//! started twice under one name runs once; jobs found unfinished at start-up resume from
//! their item's state.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use async_trait::async_trait;
use tokio::sync::Semaphore;
use tuilerie_core::item::{Item, UploadState};
use tuilerie_core::ports::{
    Blobs, ItemRecords, Job, JobStatus, RecordsError, WorkflowError, Workflows,
};

use crate::steps::{Step, Steps, Task};

#[derive(Default)]
struct Registry {
    started: HashMap<String, JobStatus>,
    cancels: HashMap<String, Arc<AtomicBool>>,
}

struct Inner {
    steps: OnceLock<Steps>,
    registry: Mutex<Registry>,
    permits: Semaphore,
}

/// Runs pipeline jobs on this machine.
#[derive(Clone)]
pub struct LocalRunner {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LocalRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalRunner").finish_non_exhaustive()
    }
}

impl LocalRunner {
    /// A runner running at most `jobs` jobs at once; the others wait, queued.
    pub fn new(jobs: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                steps: OnceLock::new(),
                registry: Mutex::new(Registry::default()),
                permits: Semaphore::new(jobs.max(1)),
            }),
        }
    }

    /// Gives the runner its steps (built from ports that include the runner itself).
    pub fn bind(&self, steps: Steps) {
        let _ = self.inner.steps.set(steps);
    }

    /// Starts again every job its items say was under way: uploads received or being
    /// integrated (or whose bytes came before a crash), pyramids queued or being tiled.
    pub async fn resume(
        &self,
        items: &dyn ItemRecords,
        uploads: &dyn Blobs,
    ) -> Result<usize, RecordsError> {
        let mut resumed = 0;
        let unfinished = items.unfinished_items().await?;
        let open_uploads: HashSet<String> = unfinished
            .iter()
            .filter_map(|found| match &found.item {
                Item::Upload(upload) => Some(upload.id.as_str().to_owned()),
                _ => None,
            })
            .collect();
        for found in unfinished {
            let job = match &found.item {
                Item::Upload(upload) => {
                    let arrived = upload.state != UploadState::AwaitingBytes
                        || matches!(uploads.size(&upload.key()).await, Ok(Some(_)));
                    if !arrived {
                        continue;
                    }
                    (
                        Job::Upload {
                            workspace: upload.workspace.clone(),
                            upload: upload.id.clone(),
                        },
                        upload.attempts,
                    )
                }
                Item::Pyramid(pyramid) if !pyramid.state.is_final() => {
                    // A pyramid asked for by an unfinished upload goes on in the upload's job.
                    if pyramid
                        .upload
                        .as_ref()
                        .is_some_and(|upload| open_uploads.contains(upload.as_str()))
                    {
                        continue;
                    }
                    (
                        Job::Pyramid {
                            workspace: pyramid.workspace.clone(),
                            pyramid: pyramid.id.clone(),
                        },
                        pyramid.attempts,
                    )
                }
                _ => continue,
            };
            let (job, attempt) = job;
            if self
                .start(&job, &format!("{}-resumed", job.name(attempt)))
                .await
                .is_ok()
            {
                resumed += 1;
            }
        }
        Ok(resumed)
    }

    async fn run(self, job: Job, name: String, cancel: Arc<AtomicBool>) {
        let Some(steps) = self.inner.steps.get().cloned() else {
            tracing::error!(job = %name, "the local runner has no steps; the job is not run");
            return;
        };
        let permit = self.inner.permits.acquire().await;
        let mut task = Task::start(job.clone());
        let mut status = JobStatus::Succeeded;
        for step in Step::of(&job) {
            let mut attempt = 0u32;
            let outcome = loop {
                let outcome = steps.run(*step, task.clone(), &cancel).await;
                match &outcome {
                    Err(failure)
                        if failure.name == tuilerie_core::error::FailureName::Transient
                            && attempt < 3 =>
                    {
                        attempt += 1;
                        tracing::warn!(job = %name, ?step, %failure, attempt, "retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(u64::from(attempt * 2)))
                            .await;
                    }
                    _ => break outcome,
                }
            };
            match outcome {
                Ok(next) => task = next,
                Err(failure) => {
                    status = JobStatus::Failed;
                    tracing::info!(job = %name, ?step, %failure, "job failed");
                    if let Err(error) = steps.report_failure(&task, *step, &failure).await {
                        tracing::error!(job = %name, %error, "the failure could not be recorded");
                    }
                    break;
                }
            }
            if task.done {
                break;
            }
        }
        drop(permit);
        let mut registry = self
            .inner
            .registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        registry.cancels.remove(&name);
        registry.started.insert(name, status);
    }
}

#[async_trait]
impl Workflows for LocalRunner {
    async fn start(&self, job: &Job, name: &str) -> Result<(), WorkflowError> {
        let cancel = {
            let mut registry = self
                .inner
                .registry
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if registry.started.contains_key(name) {
                return Ok(());
            }
            registry.started.insert(name.to_owned(), JobStatus::Running);
            let cancel = Arc::new(AtomicBool::new(false));
            registry
                .cancels
                .insert(name.to_owned(), Arc::clone(&cancel));
            cancel
        };
        tokio::spawn(self.clone().run(job.clone(), name.to_owned(), cancel));
        Ok(())
    }

    async fn describe(&self, name: &str) -> Result<Option<JobStatus>, WorkflowError> {
        Ok(self
            .inner
            .registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .started
            .get(name)
            .copied())
    }

    async fn cancel(&self, name: &str) -> Result<(), WorkflowError> {
        let registry = self
            .inner
            .registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (started, flag) in &registry.cancels {
            if started == name || started.starts_with(&format!("{name}-")) {
                flag.store(true, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}
