//! The machine under the containers: one host with its kernel, CPUs, memory and disk; virtual
//! machines placed on it with Canonical Multipass; and three more hosts (`laptop`, `ci`, `prod`)
//! for "works on my machine".
//!
//! What real systems do: a VM boots its own kernel and OS and holds the memory it was given for
//! its whole life; a container is a process tree on the host's kernel, as cheap as its
//! processes. The same `server.js` run with each host's own Node.js behaves differently; run from
//! an image, the runtime travels with the app.
//!
//! What we model, one file per job:
//! - model.rs: the data (`Lab`, `Vm`, `Machine`, the host's and Multipass's figures). A leaf: it
//!   imports nothing that knows the `World`, which holds a `Lab`.
//! - footprint.rs: what containers and VMs use of the host (`totals`).
//! - multipass.rs: the `multipass` CLI and a VM's boot stages.
//! - node.rs: which Node.js versions run a script, and how an older one crashes.
//! - ssh.rs: `ssh` to the lab hosts and swarm machines, and `exit`.
//! - check.rs: the scenario sentences about the lab.
//!
//! What we simplify is in each file's header. The three lab hosts run only the course image
//! `notes-api:1.0`, and they are not a cluster: a later page adds swarm nodes.

pub mod check;
pub mod footprint;
pub mod model;
pub mod multipass;
pub mod node;
pub mod ssh;

pub use check::LabCheck;
pub use footprint::{Totals, Usage, container_memory_bytes, totals};
pub use model::*;
pub use multipass::{info_block, list, multipass, on_vm_boot};
pub use node::run_script;
pub use ssh::{LAB_IMAGE, exit, image_node_version, ssh};
