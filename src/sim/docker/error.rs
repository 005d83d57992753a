//! A learner's mistake is a value, printed in Docker's own words.
//!
//! The CLI exits 1 for a daemon error, 125 when `docker run` itself fails, 126 when the command
//! cannot be invoked and 127 when it is not found; we keep the code so transcripts can check it.

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DockerError {
    /// Exactly what the CLI prints on stderr (may be several lines).
    pub message: String,
    pub exit_code: i32,
    /// The daemon got part-way and the container's state changed (a failed start records its
    /// error, a failed removal leaves it `dead`): the change is kept, as on a real host. Every
    /// other error leaves the simulation exactly as it was.
    pub keeps_state: bool,
}

impl DockerError {
    pub fn new(message: impl Into<String>, exit_code: i32) -> Self {
        DockerError {
            message: message.into(),
            exit_code,
            keeps_state: false,
        }
    }

    /// moby `errNotRunning`: the container has no running task.
    pub fn not_running(id: &str) -> Self {
        DockerError::daemon(format!("container {id} is not running"))
    }

    /// moby `errContainerIsRestarting`.
    pub fn restarting(id: &str) -> Self {
        DockerError::daemon(format!(
            "Container {id} is restarting, wait until the container is running"
        ))
    }

    /// Marks an error that happened after the daemon had already changed something.
    pub fn keeping_state(mut self) -> Self {
        self.keeps_state = true;
        self
    }

    /// An error from the daemon, as `docker <cmd>` prints it.
    pub fn daemon(message: impl AsRef<str>) -> Self {
        DockerError::new(
            format!("Error response from daemon: {}", message.as_ref()),
            1,
        )
    }
}

impl std::fmt::Display for DockerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
