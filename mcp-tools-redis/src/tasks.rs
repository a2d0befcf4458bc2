//! Tasks shared by replicas: any replica answers `tasks/get`, `tasks/update`
//! and `tasks/cancel` of a task another replica runs.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use futures::future::BoxFuture;
use mcp_tools::task::{TaskRecord, TaskStore, TaskStoreError, TaskUpdate};
use redis::Script;

use crate::connection::{Failure, Redis, ScriptCall};

/// How many times `update` retries when other writers keep changing the task
/// between its read and its write, before it gives up.
const MAX_ATTEMPTS: u32 = 64;

/// Writes a new task: version 0, the record, its expiry.
///
/// KEYS: the task. ARGV: the record's JSON, its expiry (ms since the epoch,
/// or 0 for none).
const CREATE: &str = r"
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', 0, 'r', ARGV[1])
if ARGV[2] ~= '0' then
    redis.call('PEXPIREAT', KEYS[1], ARGV[2])
end
return 1
";

/// Replaces the record only if nobody changed it since it was read: the
/// compare-and-set of `update`. The expiry set at creation stays.
///
/// KEYS: the task. ARGV: the version read, the new record's JSON.
/// Returns 1 when written, 0 when the version moved on, -1 when the task is gone.
const COMPARE_AND_SET: &str = r"
local version = redis.call('HGET', KEYS[1], 'v')
if not version then
    return -1
end
if version ~= ARGV[1] then
    return 0
end
redis.call('HSET', KEYS[1], 'v', tonumber(version) + 1, 'r', ARGV[2])
return 1
";

/// A [`TaskStore`] in Redis: a task created on one replica is polled,
/// answered and cancelled through any replica.
///
/// Each task is one hash, `<prefix>task:<id>`, holding the record as JSON
/// (`r`) and a version number (`v`). `create` writes both and sets the key to
/// expire with the task's time to live (`PEXPIREAT`), in one script: when it
/// returns, every replica reads the task (one Redis primary, so reads follow
/// writes). `update` reads the record and its version, applies the change
/// with [`TaskRecord::apply`] (so that it means exactly what it means in
/// memory), and writes it back with a compare-and-set script that succeeds
/// only if the version is still the one read; otherwise it reads again and
/// retries. No change of a concurrent `tasks/update`, `tasks/cancel` or
/// worker is ever lost.
///
/// Records past their time to live read as absent by this replica's clock as
/// well, even in the moment before Redis expires the key.
///
/// ```no_run
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use mcp_tools::Server;
/// use mcp_tools_redis::RedisTaskStore;
///
/// let redis = mcp_tools_redis::connect("redis://127.0.0.1:6379/").await?;
/// let server = Server::builder("crm", "1.0.0")
///     .task_store(Arc::new(RedisTaskStore::new(&redis)))
///     .build()?;
/// # let _ = server;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisTaskStore {
    redis: Redis,
    scripts: Arc<Scripts>,
}

struct Scripts {
    create: Script,
    compare_and_set: Script,
}

impl RedisTaskStore {
    /// A store writing through `redis`.
    pub fn new(redis: &Redis) -> Self {
        Self {
            redis: redis.clone(),
            scripts: Arc::new(Scripts {
                create: Script::new(CREATE),
                compare_and_set: Script::new(COMPARE_AND_SET),
            }),
        }
    }

    fn key(&self, id: &str) -> String {
        self.redis.key(format_args!("task:{id}"))
    }

    async fn put(&self, record: TaskRecord) -> Result<(), TaskStoreError> {
        let json = encode(&record)?;
        let mut create = ScriptCall::new(&self.scripts.create, 1);
        create
            .arg(self.key(&record.id))
            .arg(json)
            .arg(record.expires_at_ms().map_or(0, |at| at.max(1)));
        self.redis
            .run::<u32>(&create)
            .await
            .map(|_| ())
            .map_err(|f| self.failed("create the task", &f))
    }

    /// The record and its version, or `None` when unknown or expired.
    async fn read(&self, id: &str) -> Result<Option<(String, TaskRecord)>, TaskStoreError> {
        let mut hmget = redis::cmd("HMGET");
        hmget.arg(self.key(id)).arg("v").arg("r");
        let (version, json): (Option<String>, Option<String>) = self
            .redis
            .query(&hmget)
            .await
            .map_err(|f| self.failed("read the task", &f))?;
        let (Some(version), Some(json)) = (version, json) else {
            return Ok(None);
        };
        let record: TaskRecord = serde_json::from_str(&json).map_err(|e| {
            TaskStoreError::new(format!(
                "the stored task {id} is not a task record ({e}); the Redis keys under this \
                 prefix were written by something else or by an incompatible version"
            ))
        })?;
        if record.is_expired(now_ms()) {
            return Ok(None);
        }
        Ok(Some((version, record)))
    }

    async fn change(
        &self,
        id: &str,
        update: TaskUpdate,
    ) -> Result<Option<TaskRecord>, TaskStoreError> {
        for _ in 0..MAX_ATTEMPTS {
            let Some((version, mut record)) = self.read(id).await? else {
                return Ok(None);
            };
            record.apply(update.clone(), now_ms());
            let mut cas = ScriptCall::new(&self.scripts.compare_and_set, 1);
            cas.arg(self.key(id)).arg(&version).arg(encode(&record)?);
            let written: i32 = self
                .redis
                .run(&cas)
                .await
                .map_err(|f| self.failed("update the task", &f))?;
            match written {
                1 => return Ok(Some(record)),
                -1 => return Ok(None),
                // Another writer came first: read its change and apply ours on top.
                _ => tokio::task::yield_now().await,
            }
        }
        Err(TaskStoreError::new(format!(
            "the task {id} changed {MAX_ATTEMPTS} times while this update was applied to it; \
             nothing was changed by this request, retry it"
        )))
    }

    async fn delete(&self, id: &str) -> Result<(), TaskStoreError> {
        let mut del = redis::cmd("DEL");
        del.arg(self.key(id));
        self.redis
            .query::<u32>(&del)
            .await
            .map(|_| ())
            .map_err(|f| self.failed("remove the task", &f))
    }

    fn failed(&self, what: &str, failure: &Failure) -> TaskStoreError {
        tracing::warn!(redis = self.redis.address(), error = %failure, "cannot {what}");
        TaskStoreError::new(format!(
            "cannot {what}: the shared task store (Redis) {}; retry in a few seconds",
            failure.reason()
        ))
    }
}

fn encode(record: &TaskRecord) -> Result<String, TaskStoreError> {
    serde_json::to_string(record).map_err(|e| {
        TaskStoreError::new(format!(
            "the task {} cannot be stored as JSON: {e}",
            record.id
        ))
    })
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl fmt::Debug for RedisTaskStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTaskStore")
            .field("redis", &self.redis)
            .finish()
    }
}

impl TaskStore for RedisTaskStore {
    fn create(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>> {
        Box::pin(self.put(record))
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        Box::pin(async move { Ok(self.read(id).await?.map(|(_, record)| record)) })
    }

    fn update<'a>(
        &'a self,
        id: &'a str,
        update: TaskUpdate,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        Box::pin(self.change(id, update))
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), TaskStoreError>> {
        Box::pin(self.delete(id))
    }
}
