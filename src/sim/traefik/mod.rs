//! Traefik v3, the reverse proxy of page 11, as the program of the `traefik:v3.x` image.
//!
//! Real Traefik reads a static configuration once at start (flags, or a `traefik.yml`), then
//! follows its providers (the Docker socket, the swarm API, files) for routers, services and
//! middlewares. We model it in the same split: [`static_config`] is what it reads at start.
//! This module file only declares its submodules.

pub mod static_config;
