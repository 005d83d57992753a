//! One Docker Engine on one host: images, containers and their processes, and the CLI that drives
//! them. This module never imports `swarm`: a swarm node is built from engines, not the reverse.

pub mod cli;
pub mod container;
pub mod engine;
pub mod error;
pub mod image;
pub mod output;
pub mod process;
