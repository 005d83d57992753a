//! A container's main process, as data: its operations, its answer to the stop signal, what it
//! serves.
//!
//! In real Docker the container is its main process (PID 1). We model a program as a small list
//! of operations plus its stop behaviour; this module is that state. It is a leaf (it imports
//! only `time` and the container filesystem's model), so a container can hold its program
//! without importing the builders that derive one from a command line (src/sim/docker/process/mod.rs,
//! apps.rs, postgres.rs, catalogue.rs).

use crate::sim::docker::containerfs::model::Node;
use crate::sim::time::Millis;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Op {
    Stdout(String),
    Stderr(String),
    Sleep(Millis),
    Exit(i32),
    /// Serve requests until signalled (a server's event loop).
    Serve,
    /// Read stdin forever (an interactive shell with `-i`).
    WaitForInput,
    /// Continue at instruction `pc` (the end of a `while true` loop).
    Jump(usize),
    /// Write a file inside the container (a database's data directory); src/sim/docker/containerfs/mod.rs
    /// decides whether it lands in the writable layer, a volume, a bind mount or a tmpfs.
    WriteFile {
        path: String,
        node: Node,
    },
    /// Continue at `pc` if the file exists inside the container (an entrypoint's `[ -s FILE ]`).
    IfExists {
        path: String,
        pc: usize,
    },
    /// `cat FILE` as the main process: prints the file read through the container's mounts, or
    /// its error; on error the program continues two instructions later (its `Exit(1)`).
    Cat {
        path: String,
    },
    /// Run a file tool (`tar`, `gzip`, `du`, a `sh -c` script of them) through the container's
    /// filesystem (src/sim/docker/execfs.rs); its output is the container's log, the next
    /// instruction (its `Exit`) runs when the bytes it moved would have been read and written,
    /// and takes the tool's exit status.
    Shell {
        argv: Vec<String>,
    },
    /// One file-tool command of a longer script (`while true; do tar czf …; sleep 86400; done`):
    /// it runs through the container's filesystem, prints as it goes, and the script continues
    /// once its bytes are moved, whatever its status.
    Tool {
        argv: Vec<String>,
    },
    /// Open a TCP connection to `host:port` now (src/sim/docker/apps.rs): on success continue,
    /// on failure log the error (Node's uncaught error when `fatal`, else a warning) and
    /// continue at `on_fail`.
    Connect {
        host: String,
        port: u16,
        on_fail: usize,
        fatal: bool,
    },
    /// A start-up step of the shop's API that needs the world (src/sim/docker/shop.rs): it
    /// logs what the API logs, and continues at `on_fail` when it fails.
    Shop {
        step: ShopStep,
        on_fail: usize,
    },
}

/// The shop API's start-up, in order (assets/projects/shop/api/server.js `main`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ShopStep {
    /// Read the configuration: `DB_PASSWORD`, or the file `DB_PASSWORD_FILE` names.
    Configure,
    /// `SELECT 1` on PostgreSQL, attempt `attempt` of `attempts`.
    ConnectDb { attempt: u32, attempts: u32 },
    /// Create the tables that are missing and seed the products.
    Migrate,
    /// Connect to Redis (a failure is a warning: the API serves without its cache).
    ConnectCache,
}

/// How the program answers the stop signal (SIGTERM, or the image's STOPSIGNAL).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum OnStop {
    /// No handler: as PID 1 the signal is ignored, so only SIGKILL ends it.
    Ignore,
    /// Shuts down cleanly: prints `lines` (on stderr if `stderr`), exits `exit_code` after
    /// `after_ms`.
    Exit {
        after_ms: Millis,
        exit_code: i32,
        lines: Vec<String>,
        stderr: bool,
    },
}

/// What a server does with a request it receives.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Serves {
    pub port: u16,
    /// The body of `GET /` (its first line is what curl shows of it).
    pub body: String,
    /// Whether each request writes an access-log line (nginx does, redis does not speak HTTP).
    pub http: bool,
    /// Paths that answer an HTTP error instead of the body (`/health` → 500).
    pub failing_paths: Vec<(String, u16)>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Program {
    /// What `ps` inside the container shows as PID 1.
    pub name: String,
    pub ops: Vec<Op>,
    pub on_stop: OnStop,
    pub serves: Option<Serves>,
}

/// Why a command line cannot start.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ExecError {
    pub executable: String,
}
